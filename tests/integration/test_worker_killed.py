"""A worker killed with SIGKILL in the middle of background work: the work runs again on the next worker and
finishes; nothing stays ``IN_PROGRESS`` (or ``STARTED``) for ever.

Tasks are acknowledged late and handed back when their process dies, and beat's sweep (ResumeStalledTasks) sends
again what a broker cannot give back: the filesystem transport of ``make run`` forgets a message once it is taken.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connections, transaction

from accounts.models import OutboxTask
from iamconsole import operations
from identities.models import CredentialReport, Role
from tests.integration.conftest import kill_worker, new_broker, publishing_to, start_worker, stop_worker
from tests.integration.servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

#: The sweep sends work again once it has not moved for this long (past the deletion's own delay).
STALLED_SECONDS = "2"


def report_state(account) -> str:
    return str(CredentialReport.objects.get(account__account_id=account.account_id).state)


def test_work_of_a_killed_worker_runs_again_and_finishes(account, aws_managed_policies, database_url, tmp_path: Path):
    from iamconsole.celery import app

    broker = new_broker(tmp_path)
    role = operations.run(
        account.root, "CreateServiceLinkedRole", {"aws_service_name": "elasticbeanstalk.amazonaws.com"}
    )

    def status() -> str:
        return str(
            operations.run(account.root, "GetServiceLinkedRoleDeletionStatus", {"deletion_task_id": task_id}).status
        )

    # The first worker's beat stays quiet: only the tasks sent here reach it.
    quiet = {"IAM_OUTBOX_INTERVAL_SECONDS": "3600", "IAM_SWEEP_INTERVAL_SECONDS": "3600"}
    first = start_worker(tmp_path, broker, database_url, IAM_STALLED_TASK_SECONDS=STALLED_SECONDS, **quiet)
    release = threading.Event()
    holder = None
    try:
        with publishing_to(broker.url, broker.transport_options):
            task_id = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name}).deletion_task_id
            # Under way: the next step is the first worker's, waiting out its delay.
            first.wait_for(lambda: status() == "IN_PROGRESS", what="IN_PROGRESS")
            first.wait_for(lambda: not OutboxTask.objects.exists(), what="the next step to reach the worker")
        with publishing_to(f"redis://127.0.0.1:{free_port()}/0", {}):
            assert operations.run(account.root, "GenerateCredentialReport").state == "STARTED"
        OutboxTask.objects.all().delete()  # that task will be sent below, by hand, to a worker blocked on a lock

        # A lock held here keeps the report's generation running when the worker dies.
        locked = threading.Event()

        def hold_report_lock() -> None:
            with transaction.atomic():
                CredentialReport.objects.select_for_update().filter(account__account_id=account.account_id).first()
                locked.set()
                release.wait(60)
            connections.close_all()

        holder = threading.Thread(target=hold_report_lock)
        holder.start()
        assert locked.wait(10)
        with publishing_to(broker.url, broker.transport_options):
            app.send_task("identities.tasks.generate_credential_report_task", args=[account.account_id])
        first.wait_for(
            lambda: "generate_credential_report_task" in first.output(), what="the report task to be running"
        )
        kill_worker(first)
    finally:
        kill_worker(first)  # idempotent: also when the test failed before the kill
        release.set()
        if holder is not None:
            holder.join(30)
    assert status() == "IN_PROGRESS"
    assert report_state(account) == "STARTED"

    second = start_worker(tmp_path, broker, database_url, IAM_STALLED_TASK_SECONDS=STALLED_SECONDS)
    try:
        with publishing_to(broker.url, broker.transport_options):
            second.wait_for(lambda: status() == "SUCCEEDED", timeout=30, what="SUCCEEDED after the kill")
            assert not Role.objects.filter(pk=role.pk).exists()
            second.wait_for(lambda: report_state(account) == "COMPLETE", timeout=30, what="the report after the kill")
    finally:
        stop_worker(second)
