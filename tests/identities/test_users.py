"""Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, tags and boundaries, through operations.run."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import (
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
    PolicyNotAttachable,
    ValidationError,
)
from identities.awsapi import OUTPUTS
from identities.models import User
from tests import factories
from tests.checks import assert_constant_queries, assert_delete_conflicts
from tests.factories import actor_for, allow, document, make_policy, run
from tests.identities.concurrency import race


def test_create_user_returns_aws_shape(account):
    user = run(account, "CreateUser", user_name="alice", path="/eng/", tags=[{"key": "team", "value": "core"}])
    assert user.user_id.startswith("AIDA") and len(user.user_id) == 21
    shape = OUTPUTS["CreateUser"](user)["User"]
    assert shape["Arn"] == f"arn:aws:iam::{account.account_id}:user/eng/alice"
    assert shape["Path"] == "/eng/" and shape["UserName"] == "alice"
    assert shape["Tags"] == [{"Key": "team", "Value": "core"}]
    assert "PermissionsBoundary" not in shape and "PasswordLastUsed" not in shape


def test_user_names_are_unique_ignoring_case(account):
    run(account, "CreateUser", user_name="Alice")
    with pytest.raises(EntityAlreadyExists) as exc:
        run(account, "CreateUser", user_name="alice")
    assert exc.value.message == "User with name alice already exists."


def test_same_name_in_two_accounts(account, other_account):
    run(account, "CreateUser", user_name="alice")
    run(other_account, "CreateUser", user_name="alice")
    assert User.objects.filter(name="alice").count() == 2


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"user_name": "a" * 65}, "user_name", "Member must have length less than or equal to 64"),
        ({"user_name": "bad name"}, "user_name", r"regular expression pattern: [\w+=,.@-]+"),
        ({"user_name": ""}, "user_name", "greater than or equal to 1"),
        ({"user_name": "ok", "path": "eng"}, "path", "regular expression pattern"),
        ({"user_name": "ok", "path": "/eng"}, "path", "regular expression pattern"),
        ({"user_name": "ok", "path": "/" + "a" * 511 + "/"}, "path", "less than or equal to 512"),
    ],
)
def test_create_user_validation(account, params, field, fragment):
    with pytest.raises(ValidationError) as exc:
        run(account, "CreateUser", **params)
    assert exc.value.field == field
    assert fragment in exc.value.message
    assert exc.value.message.startswith("1 validation error detected: Value ")


def test_user_name_of_64_characters_and_path_of_512(account):
    user = run(account, "CreateUser", user_name="a" * 64, path="/" + "p" * 510 + "/")
    assert len(user.name) == 64 and len(user.path) == 512


@override_settings(IAM_QUOTAS={"users": 2, "groups": 300, "managed_policies_per_user": 10})
def test_users_quota(account):
    run(account, "CreateUser", user_name="u1")
    run(account, "CreateUser", user_name="u2")
    with pytest.raises(LimitExceeded) as exc:
        run(account, "CreateUser", user_name="u3")
    assert exc.value.message == "Cannot exceed quota for UsersPerAccount: 2"


def test_get_user_by_name_and_caller(account):
    run(account, "CreateUser", user_name="alice", tags=[{"key": "k", "value": "v"}])
    assert run(account, "GetUser", user_name="ALICE").name == "alice"
    root = OUTPUTS["GetUser"](run(account, "GetUser"))["User"]
    assert root == {
        "UserId": account.account_id,
        "Arn": f"arn:aws:iam::{account.account_id}:root",
        "CreateDate": root["CreateDate"],
    }
    run(account, "PutUserPolicy", user_name="alice", policy_name="p", policy_document=document(allow("iam:GetUser")))
    me = operations.run(actor_for(account, "alice"), "GetUser", {})
    assert me.name == "alice"


def test_get_user_missing_and_other_account(account, other_account):
    run(other_account, "CreateUser", user_name="bob")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "GetUser", user_name="bob")
    assert exc.value.message == "The user with name bob cannot be found."
    assert exc.value.field == "user_name"


def test_list_users_path_prefix_and_pagination(account, other_account):
    for name, path in [("a", "/eng/"), ("b", "/eng/web/"), ("c", "/ops/"), ("d", "/Eng/")]:
        run(account, "CreateUser", user_name=name, path=path)
    run(other_account, "CreateUser", user_name="x", path="/eng/")
    assert [u.name for u in run(account, "ListUsers")] == ["a", "b", "c", "d"]
    # Path prefixes compare case-sensitively, as in AWS.
    assert [u.name for u in run(account, "ListUsers", path_prefix="/eng/")] == ["a", "b"]
    first = run(account, "ListUsers", max_items=3)
    assert [u.name for u in first] == ["a", "b", "c"] and first.is_truncated
    rest = run(account, "ListUsers", max_items=3, marker=first.marker)
    assert [u.name for u in rest] == ["d"] and not rest.is_truncated
    shape = OUTPUTS["ListUsers"](first)
    assert shape["IsTruncated"] is True and shape["Marker"] == first.marker
    assert "Tags" not in shape["Users"][0]
    with pytest.raises(ValidationError):
        run(account, "ListUsers", path_prefix="eng")


def test_list_users_constant_queries(account):
    def fill(total: int) -> None:
        while User.objects.count() < total:
            run(account, "CreateUser", user_name=f"user{User.objects.count()}")

    assert_constant_queries(fill, lambda: len(OUTPUTS["ListUsers"](run(account, "ListUsers"))["Users"]))


def test_update_user_renames_and_moves(account):
    user = run(account, "CreateUser", user_name="alice")
    run(account, "UpdateUser", user_name="alice", new_user_name="alicia", new_path="/new/")
    user.refresh_from_db()
    assert (user.name, user.path) == ("alicia", "/new/")
    run(account, "UpdateUser", user_name="alicia", new_user_name="ALICIA")
    run(account, "CreateUser", user_name="bob")
    with pytest.raises(EntityAlreadyExists) as exc:
        run(account, "UpdateUser", user_name="bob", new_user_name="alicia")
    assert exc.value.message == "User with name alicia already exists."
    with pytest.raises(NoSuchEntity):
        run(account, "UpdateUser", user_name="nobody", new_path="/x/")


def test_delete_user_conflicts_in_order(account):
    user = run(account, "CreateUser", user_name="alice")
    policy = make_policy(account, "p", document(allow("s3:*")))
    factories.group(account, "g", members=("alice",))
    factories.attach(account, policy, user_name="alice")
    factories.put_user_policy(account, "alice", document(allow("s3:*")), policy_name="i")
    key_id, _ = factories.access_key(account, "alice")
    run(account, "CreateLoginProfile", user_name="alice", password="Correct-Horse-7")
    steps = [
        ("Cannot delete entity, must delete login profile first.", "DeleteLoginProfile", {}),
        ("Cannot delete entity, must delete access keys first.", "DeleteAccessKey", {"access_key_id": key_id}),
        ("Cannot delete entity, must delete policies first.", "DeleteUserPolicy", {"policy_name": "i"}),
        ("Cannot delete entity, must detach all policies first.", "DetachUserPolicy", {"policy_arn": policy.arn}),
        ("Cannot delete entity, must remove users from group first.", "RemoveUserFromGroup", {"group_name": "g"}),
    ]
    assert_delete_conflicts(account, "DeleteUser", {"user_name": "alice"}, steps)
    assert not User.objects.filter(pk=user.pk).exists()
    with pytest.raises(NoSuchEntity):
        run(account, "DeleteUser", user_name="alice")


def test_tags(account):
    run(account, "CreateUser", user_name="alice", tags=[{"key": "Team", "value": "a"}])
    run(account, "TagUser", user_name="alice", tags=[{"key": "team", "value": "b"}, {"key": "env", "value": ""}])
    page = run(account, "ListUserTags", user_name="alice")
    assert page.tags == [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "b"}]
    run(account, "UntagUser", user_name="alice", tag_keys=["TEAM", "absent"])
    assert run(account, "ListUserTags", user_name="alice").tags == [{"Key": "env", "Value": ""}]
    first = run(account, "ListUserTags", user_name="alice", max_items=1)
    assert first.is_truncated is False


def test_tag_rules(account):
    run(account, "CreateUser", user_name="alice")
    with pytest.raises(InvalidInput):
        run(account, "TagUser", user_name="alice", tags=[{"key": "AWS:x", "value": "v"}])
    with pytest.raises(InvalidInput) as exc:
        run(account, "TagUser", user_name="alice", tags=[{"key": "a", "value": "1"}, {"key": "A", "value": "2"}])
    assert "Tag keys are case insensitive" in exc.value.message
    with pytest.raises(ValidationError):
        run(account, "TagUser", user_name="alice", tags=[{"key": "k" * 129, "value": "v"}])
    with pytest.raises(ValidationError):
        run(account, "TagUser", user_name="alice", tags=[{"key": "k", "value": "v" * 257}])
    with pytest.raises(ValidationError):
        run(account, "TagUser", user_name="alice", tags=[{"key": "bad!", "value": "v"}])
    with pytest.raises(ValidationError):
        run(account, "CreateUser", user_name="bob", tags=[{"key": f"k{n}", "value": ""} for n in range(51)])
    run(account, "TagUser", user_name="alice", tags=[{"key": f"k{n}", "value": "é ü"} for n in range(50)])
    with pytest.raises(LimitExceeded) as limit:
        run(account, "TagUser", user_name="alice", tags=[{"key": "one-more", "value": ""}])
    assert limit.value.message == "Cannot exceed quota for TagsPerUser: 50"
    run(account, "TagUser", user_name="alice", tags=[{"key": "K0", "value": "replaced"}])
    assert len(User.objects.get(name="alice").tags) == 50
    page = run(account, "ListUserTags", user_name="alice", max_items=30)
    assert page.is_truncated and len(page.tags) == 30
    assert len(run(account, "ListUserTags", user_name="alice", marker=page.marker).tags) == 20


def test_permissions_boundary(account):
    boundary = make_policy(account, "Boundary", document(allow("s3:*")))
    user = run(account, "CreateUser", user_name="alice", permissions_boundary=boundary.arn)
    assert OUTPUTS["GetUser"](run(account, "GetUser", user_name="alice"))["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary.arn,
    }
    run(account, "DeleteUserPermissionsBoundary", user_name="alice")
    assert User.objects.get(pk=user.pk).permissions_boundary is None
    run(account, "PutUserPermissionsBoundary", user_name="alice", permissions_boundary=boundary.arn)
    user.refresh_from_db()
    assert user.permissions_boundary == boundary
    missing = f"arn:aws:iam::{account.account_id}:policy/Nope"
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "PutUserPermissionsBoundary", user_name="alice", permissions_boundary=missing)
    assert exc.value.message == f"Scope ARN: {missing} does not exist or is not attachable."
    service_role = make_policy(
        None, "SvcRolePolicy", document(allow("s3:*")), path="/aws-service-role/", aws_managed=True
    )
    with pytest.raises(PolicyNotAttachable):
        run(account, "PutUserPermissionsBoundary", user_name="alice", permissions_boundary=service_role.arn)
    with pytest.raises(InvalidInput):
        run(account, "PutUserPermissionsBoundary", user_name="alice", permissions_boundary="not-an-arn")


def test_other_accounts_policy_is_not_visible_as_boundary(account, other_account):
    theirs = make_policy(other_account, "Theirs", document(allow("s3:*")))
    with pytest.raises(NoSuchEntity):
        run(account, "CreateUser", user_name="alice", permissions_boundary=theirs.arn)
    assert not User.objects.filter(name="alice").exists()


def test_audit_records_success_and_failure(account):
    run(account, "CreateUser", user_name="alice")
    with pytest.raises(EntityAlreadyExists):
        run(account, "CreateUser", user_name="alice")
    events = list(
        AuditEvent.objects.filter(event_name="CreateUser").order_by("pk").values_list("outcome", "error_code")
    )
    assert events == [("success", ""), ("failed", "EntityAlreadyExists")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_name(account):
    results = race(lambda i: run(account, "CreateUser", user_name="Alice" if i else "alice"))
    assert sorted(type(r).__name__ for r in results) == ["EntityAlreadyExists", "NoneType"]
    assert User.objects.filter(account__account_id=account.account_id).count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(IAM_QUOTAS={"users": 3, "groups": 300, "managed_policies_per_user": 10})
def test_concurrent_creates_respect_the_quota(account):
    run(account, "CreateUser", user_name="first")
    run(account, "CreateUser", user_name="second")
    results = race(lambda i: run(account, "CreateUser", user_name=f"racer{i}"), count=3)
    assert sorted(type(r).__name__ for r in results) == ["LimitExceeded", "LimitExceeded", "NoneType"]
    assert User.objects.filter(account__account_id=account.account_id).count() == 3
