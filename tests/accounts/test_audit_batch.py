"""Audit records of successful reads written in batches by a writer thread (accounts.audit_batch, issue 20).

These tests commit (``transaction=True``): the writer inserts on its own connection, which sees only committed rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from accounts import audit_batch
from accounts.models import Account, AuditEvent
from iamconsole import operations
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent.parent


def written(account_id: str) -> list[tuple[str, bool, int | None]]:
    """The account's audit rows as the database holds them, read around ``AuditEvent.objects`` (which flushes); not
    those of making the account and its key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_name, read_only, account_id FROM accounts_auditevent WHERE account_id_value = %s "
            "AND event_name NOT IN ('CreateAccount', 'CreateAccessKey') ORDER BY id",
            [account_id],
        )
        return [(name, bool(read_only), pk) for name, read_only, pk in cursor.fetchall()]


def eventually(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def batched(settings):
    settings.IAM_AUDIT_READ_BATCH = 50
    settings.IAM_AUDIT_READ_FLUSH_SECONDS = 60.0
    yield settings
    audit_batch.flush()


def test_reads_wait_in_the_queue_and_any_read_of_the_trail_writes_them_first(batched):
    account = factories.make_account()
    root = factories.root_of(account)
    operations.run(root, "CreateUser", {"user_name": "alice"})
    operations.run(root, "GetUser", {"user_name": "alice"})
    operations.run(root, "ListUsers", {})
    # The write is recorded at once, in its transaction; the two reads wait.
    assert [(name, read_only) for name, read_only, _ in written(account.account_id)] == [("CreateUser", False)]
    assert audit_batch.pending() == 2
    names = list(
        AuditEvent.objects.filter(account_id_value=account.account_id)
        .exclude(event_name="CreateAccessKey")
        .order_by("pk")
        .values_list("event_name", "read_only")
    )
    assert names == [("CreateUser", False), ("GetUser", True), ("ListUsers", True)]
    assert audit_batch.pending() == 0


def test_lookup_events_sees_the_reads_made_just_before(batched):
    account = factories.make_account()
    root = factories.root_of(account)
    operations.run(root, "ListRoles", {})
    page = operations.run(root, "LookupEvents", {})
    assert [event.event_name for event in page.items] == ["ListRoles", "CreateAccessKey"]  # newest first


def test_a_full_batch_is_written_without_being_asked(batched):
    batched.IAM_AUDIT_READ_BATCH = 3
    account = factories.make_account()
    root = factories.root_of(account)
    for _ in range(3):
        operations.run(root, "ListUsers", {})
    assert eventually(lambda: len(written(account.account_id)) == 3)


def test_a_lone_read_is_written_after_the_interval(batched):
    batched.IAM_AUDIT_READ_FLUSH_SECONDS = 0.2
    account = factories.make_account()
    operations.run(factories.root_of(account), "ListUsers", {})
    assert eventually(lambda: [name for name, _, _ in written(account.account_id)] == ["ListUsers"])


def test_a_record_whose_account_went_meanwhile_is_kept_without_it(batched):
    account = factories.make_account()
    operations.run(factories.root_of(account), "ListUsers", {})
    pk = Account.objects.get(account_id=account.account_id).pk
    with connection.cursor() as cursor:  # as a deletion elsewhere would, leaving the queued record orphaned
        cursor.execute("DELETE FROM accounts_auditevent WHERE account_id = %s", [pk])
        cursor.execute("DELETE FROM identities_accesskey WHERE account_id = %s", [pk])
        cursor.execute("DELETE FROM accounts_account WHERE id = %s", [pk])
    audit_batch.flush()
    assert written(account.account_id) == [("ListUsers", True, None)]


def test_a_process_that_exits_writes_what_it_queued(batched):
    account = factories.make_account()
    script = (
        "import django; django.setup()\n"
        "from accounts import audit_batch\n"
        "from iamconsole import operations\n"
        "from iamconsole.actors import Actor\n"
        f"operations.run(Actor.root('{account.account_id}'), 'ListUsers', {{}})\n"
        "assert audit_batch.pending() == 1\n"
    )
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        url = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    else:
        url = f"sqlite:///{settings_dict['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iamconsole.settings",
        "DATABASE_URL": url,
        "IAM_AUDIT_READ_BATCH": "100",
        "IAM_AUDIT_READ_FLUSH_SECONDS": "600",
    }
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)
    assert [(name, read_only) for name, read_only, _ in written(account.account_id)] == [("ListUsers", True)]
