"""The task outbox: tasks leave on commit, stay in the table while the broker is down, and beat sends them later."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.db import transaction

from accounts.models import OutboxTask
from iamconsole import outbox
from tests.integration.conftest import publishing_to


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back():
    def request_that_fails():
        with transaction.atomic():
            outbox.enqueue("identities.tasks.generate_credential_report_task", "123456789012")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        request_that_fails()
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_is_kept_while_the_broker_is_down_and_sent_once_it_is_back():
    with publishing_to(f"redis://127.0.0.1:{_closed_port()}/0", {}):
        with transaction.atomic():
            outbox.enqueue("identities.tasks.generate_credential_report_task", "123456789012")
        kept = OutboxTask.objects.get()
        assert (kept.args, kept.attempts) == (["123456789012"], 1)
        assert "Connection refused" in kept.last_error
        # Still down: beat leaves the row where it is and counts the attempt.
        assert outbox.send_outbox(older_than=timedelta(0)) == 0
        assert OutboxTask.objects.get().attempts == 2
    with publishing_to("memory://", {}):
        # Rows younger than the grace period belong to the commit hook that is about to send them.
        assert outbox.send_outbox() == 0
        assert outbox.send_outbox(older_than=timedelta(0)) == 1
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_leaves_the_outbox_on_commit_when_the_broker_is_up():
    with publishing_to("memory://", {}), transaction.atomic():
        outbox.enqueue("identities.tasks.generate_credential_report_task", "123456789012")
        assert OutboxTask.objects.count() == 1
    assert not OutboxTask.objects.exists()
