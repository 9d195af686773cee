"""The permission matrix: each operation family called by root, by an IAM user without policies, allowed by an
attached, an inline or a group's policy, explicitly denied, allowed but outside its boundary, and across accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import AccessDenied, NoSuchEntity
from tests import factories
from tests.factories import actor_for, allow, deny, document, make_policy


@dataclass(frozen=True)
class Family:
    """One operation of a family, with the setup it needs and the parameters it is called with."""

    operation: str
    action: str
    params: Callable[[Any], dict[str, Any]]
    setup: Callable[[Any], None] = lambda account: None


def _target_user(account: Any) -> None:
    factories.user(account, "target")


def _target_group(account: Any) -> None:
    factories.group(account, "team")


def _user_and_group(account: Any) -> None:
    _target_user(account)
    _target_group(account)


def _policy(account: Any) -> None:
    _target_user(account)
    make_policy(account, "Attachable", document(allow("s3:*")))


FAMILIES = [
    Family("CreateUser", "iam:CreateUser", lambda a: {"user_name": "newcomer"}),
    Family("GetUser", "iam:GetUser", lambda a: {"user_name": "target"}, _target_user),
    Family("ListUsers", "iam:ListUsers", lambda a: {}),
    Family(
        "TagUser", "iam:TagUser", lambda a: {"user_name": "target", "tags": [{"key": "k", "value": "v"}]}, _target_user
    ),
    Family("CreateGroup", "iam:CreateGroup", lambda a: {"group_name": "newgroup"}),
    Family(
        "AddUserToGroup", "iam:AddUserToGroup", lambda a: {"group_name": "team", "user_name": "target"}, _user_and_group
    ),
    Family(
        "AttachUserPolicy",
        "iam:AttachUserPolicy",
        lambda a: {"user_name": "target", "policy_arn": f"arn:aws:iam::{a.account_id}:policy/Attachable"},
        _policy,
    ),
    Family(
        "PutUserPolicy",
        "iam:PutUserPolicy",
        lambda a: {"user_name": "target", "policy_name": "p", "policy_document": document(allow("s3:*"))},
        _target_user,
    ),
]
IDS = [family.operation for family in FAMILIES]


def _caller(account: Any) -> None:
    factories.user(account, "caller")


def _call(account: Any, family: Family) -> Any:
    return operations.run(actor_for(account, "caller"), family.operation, family.params(account))


@pytest.fixture
def prepared(account):
    def prepare(family: Family) -> None:
        family.setup(account)
        _caller(account)

    return prepare


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_root_may(account, family):
    family.setup(account)
    operations.run(account.root, family.operation, family.params(account))


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_user_without_policies_is_denied_and_audited(account, prepared, family):
    prepared(family)
    with pytest.raises(AccessDenied) as exc:
        _call(account, family)
    assert exc.value.message.startswith(
        f"User: arn:aws:iam::{account.account_id}:user/caller is not authorized to perform: {family.action} "
        "on resource: "
    )
    assert exc.value.message.endswith(f"because no identity-based policy allows the {family.action} action")
    event = AuditEvent.objects.filter(event_name=family.operation).latest("pk")
    assert (event.outcome, event.error_code) == ("denied", "AccessDenied")


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_allowed_by_attached_policy(account, prepared, family):
    prepared(family)
    policy = make_policy(account, "Grant", document(allow(family.action)))
    factories.attach(account, policy, user_name="caller")
    _call(account, family)


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_allowed_by_inline_policy(account, prepared, family):
    prepared(family)
    factories.put_user_policy(account, "caller", document(allow(family.action)), policy_name="grant")
    _call(account, family)


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_allowed_by_group_policy(account, prepared, family):
    prepared(family)
    factories.group(account, "granting", members=("caller",))
    factories.put_group_policy(account, "granting", document(allow(family.action)), policy_name="grant")
    _call(account, family)


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_explicit_deny_wins(account, prepared, family):
    prepared(family)
    factories.put_user_policy(account, "caller", document(allow("iam:*"), deny(family.action)), policy_name="all")
    with pytest.raises(AccessDenied) as exc:
        _call(account, family)
    assert exc.value.message.endswith("with an explicit deny in an identity-based policy")


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_outside_the_boundary(account, prepared, family):
    prepared(family)
    boundary = make_policy(account, "OnlyS3", document(allow("s3:*")))
    factories.put_user_policy(account, "caller", document(allow("iam:*")), policy_name="all")
    operations.run(
        account.root, "PutUserPermissionsBoundary", {"user_name": "caller", "permissions_boundary": boundary.arn}
    )
    with pytest.raises(AccessDenied) as exc:
        _call(account, family)
    assert exc.value.message.endswith(f"because no permissions boundary allows the {family.action} action")


def test_other_account_is_not_visible(account, other_account):
    """An administrator of one account cannot see another account's users: lookups are NoSuchEntity."""
    _caller(account)
    factories.put_user_policy(account, "caller", document(allow("*")), policy_name="all")
    factories.user(other_account, "stranger")
    factories.group(other_account, "strangers")
    caller = actor_for(account, "caller")
    with pytest.raises(NoSuchEntity):
        operations.run(caller, "GetUser", {"user_name": "stranger"})
    with pytest.raises(NoSuchEntity):
        operations.run(caller, "GetGroup", {"group_name": "strangers"})
    assert [u.name for u in operations.run(caller, "ListUsers", {})] == ["caller"]
    with pytest.raises(NoSuchEntity):
        operations.run(account.root, "DeleteUser", {"user_name": "stranger"})
