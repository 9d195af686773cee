"""``operations.can_run``: the console's enabled and disabled buttons, answered from the catalogue's own table."""

from __future__ import annotations

from dataclasses import replace

import pytest

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import InvalidAction
from tests import factories
from tests.factories import allow, deny, iam_user


@pytest.fixture
def team_users(account):
    factories.user(account, "dev", path="/team/")
    factories.user(account, "ops")


def test_root_may_run_everything_and_nothing_is_audited(account, team_users):
    before = AuditEvent.objects.count()
    assert operations.can_run(account.root, "DeleteUser", {"user_name": "dev"})
    assert operations.can_run(account.root, "ListUsers")
    assert AuditEvent.objects.count() == before


def test_a_user_without_policies_may_run_nothing(account, team_users):
    nobody = iam_user(account, "nobody")
    assert not operations.can_run(nobody, "DeleteUser", {"user_name": "dev"})
    assert not operations.can_run(nobody, "ListUsers")


def test_the_resource_is_the_tables_own_arn_with_the_real_path(account, team_users):
    # Allowed on users under /team/ only: the answer depends on each user's path, which only the table knows.
    admin = iam_user(account, "admin", allow("iam:DeleteUser", f"arn:aws:iam::{account.account_id}:user/team/*"))
    assert operations.can_run(admin, "DeleteUser", {"user_name": "dev"})
    assert not operations.can_run(admin, "DeleteUser", {"user_name": "ops"})
    assert not operations.can_run(admin, "CreateUser", {"user_name": "new", "path": "/"})


def test_the_context_is_the_tables_own(account):
    factories.user(account, "tagged", tags={"team": "red"})
    factories.user(account, "plain")
    admin = iam_user(
        account, "admin", allow("iam:DeleteUser", Condition={"StringEquals": {"aws:ResourceTag/team": "red"}})
    )
    assert operations.can_run(admin, "DeleteUser", {"user_name": "tagged"})
    assert not operations.can_run(admin, "DeleteUser", {"user_name": "plain"})


def test_an_explicit_deny_wins_as_in_run(account, team_users):
    actor = iam_user(
        account, "admin", allow("iam:*"), deny("iam:DeleteUser", f"arn:aws:iam::{account.account_id}:user/team/dev")
    )
    assert operations.can_run(actor, "ListUsers")
    assert not operations.can_run(actor, "DeleteUser", {"user_name": "dev"})
    assert operations.can_run(actor, "DeleteUser", {"user_name": "ops"})


def test_system_only_operations_are_for_the_system_actor(account):
    system_only = next(op.name for op in operations.operations().values() if op.system_only)
    assert not operations.can_run(account.root, system_only)


def test_an_unknown_operation_is_invalid_action(account):
    with pytest.raises(InvalidAction):
        operations.can_run(account.root, "DeleteEverything")


def test_session_token_credentials_are_refused_as_run_refuses_them(account):
    # Credentials from GetSessionToken without MFA cannot call IAM, whatever the policies say; with MFA they can.
    admin = iam_user(account, "admin", allow("iam:*"))
    assert operations.can_run(admin, "ListUsers")
    assert not operations.can_run(replace(admin, session_pk=1, from_session_token=True), "ListUsers")
    with_mfa = replace(admin, session_pk=1, from_session_token=True, mfa_authenticated=True)
    assert operations.can_run(with_mfa, "ListUsers")
