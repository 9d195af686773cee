"""Groups: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup and memberships, through operations.run."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iamconsole.errors import EntityAlreadyExists, LimitExceeded, NoSuchEntity, ValidationError
from identities.awsapi import OUTPUTS
from identities.models import Group, GroupMembership
from tests import factories
from tests.checks import assert_constant_queries, assert_delete_conflicts
from tests.factories import allow, document, make_policy, run
from tests.identities.concurrency import race


def test_create_and_get_group(account):
    group = run(account, "CreateGroup", group_name="Admins", path="/ops/")
    assert group.group_id.startswith("AGPA") and len(group.group_id) == 21
    assert OUTPUTS["CreateGroup"](group)["Group"] == {
        "Path": "/ops/",
        "GroupName": "Admins",
        "GroupId": group.group_id,
        "Arn": f"arn:aws:iam::{account.account_id}:group/ops/Admins",
        "CreateDate": group.created_at,
    }
    with pytest.raises(EntityAlreadyExists) as exc:
        run(account, "CreateGroup", group_name="admins")
    assert exc.value.message == "Group with name admins already exists."
    run(account, "CreateGroup", group_name="g" * 128)
    with pytest.raises(ValidationError) as invalid:
        run(account, "CreateGroup", group_name="g" * 129)
    assert invalid.value.field == "group_name"


def test_get_group_members_paginated(account):
    run(account, "CreateGroup", group_name="devs")
    for name in ["carol", "alice", "bob"]:
        run(account, "CreateUser", user_name=name)
        run(account, "AddUserToGroup", group_name="devs", user_name=name)
    run(account, "AddUserToGroup", group_name="devs", user_name="alice")  # again: nothing changes
    first = run(account, "GetGroup", group_name="DEVS", max_items=2)
    assert [u.name for u in first.users] == ["alice", "bob"]
    shape = OUTPUTS["GetGroup"](first)
    assert shape["IsTruncated"] is True and shape["Group"]["GroupName"] == "devs"
    assert [u["UserName"] for u in shape["Users"]] == ["alice", "bob"]
    rest = run(account, "GetGroup", group_name="devs", marker=first.users.marker)
    assert [u.name for u in rest.users] == ["carol"]
    with CaptureQueriesContext(connection) as three:
        OUTPUTS["GetGroup"](run(account, "GetGroup", group_name="devs"))
    for n in range(20):
        run(account, "CreateUser", user_name=f"extra{n}")
        run(account, "AddUserToGroup", group_name="devs", user_name=f"extra{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(OUTPUTS["GetGroup"](run(account, "GetGroup", group_name="devs"))["Users"]) == 23
    assert len(many.captured_queries) == len(three.captured_queries)


def test_list_groups_and_groups_for_user(account, other_account):
    for name, path in [("a", "/x/"), ("b", "/y/"), ("c", "/x/z/")]:
        run(account, "CreateGroup", group_name=name, path=path)
    run(other_account, "CreateGroup", group_name="theirs")
    assert [g.name for g in run(account, "ListGroups")] == ["a", "b", "c"]
    assert [g.name for g in run(account, "ListGroups", path_prefix="/x/")] == ["a", "c"]
    run(account, "CreateUser", user_name="u")
    run(account, "AddUserToGroup", group_name="c", user_name="u")
    run(account, "AddUserToGroup", group_name="a", user_name="u")
    page = run(account, "ListGroupsForUser", user_name="u")
    assert [g.name for g in page] == ["a", "c"]
    assert OUTPUTS["ListGroupsForUser"](page)["Groups"][0]["Arn"].endswith(":group/x/a")
    with pytest.raises(NoSuchEntity):
        run(account, "ListGroupsForUser", user_name="nobody")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "GetGroup", group_name="theirs")
    assert exc.value.message == "The group with name theirs cannot be found."


def test_list_groups_constant_queries(account):
    def fill(total: int) -> None:
        while Group.objects.count() < total:
            run(account, "CreateGroup", group_name=f"g{Group.objects.count()}")

    assert_constant_queries(fill, lambda: len(OUTPUTS["ListGroups"](run(account, "ListGroups"))["Groups"]))


def test_update_group(account):
    run(account, "CreateGroup", group_name="a")
    run(account, "CreateGroup", group_name="b")
    run(account, "UpdateGroup", group_name="a", new_group_name="c", new_path="/new/")
    group = Group.objects.get(name="c")
    assert group.path == "/new/"
    with pytest.raises(EntityAlreadyExists):
        run(account, "UpdateGroup", group_name="c", new_group_name="B")
    with pytest.raises(NoSuchEntity):
        run(account, "UpdateGroup", group_name="a", new_path="/x/")


def test_delete_group_conflicts(account):
    run(account, "CreateGroup", group_name="g")
    run(account, "CreateUser", user_name="u")
    run(account, "AddUserToGroup", group_name="g", user_name="u")
    policy = make_policy(account, "P", document(allow("s3:*")))
    run(account, "AttachGroupPolicy", group_name="g", policy_arn=policy.arn)
    run(account, "PutGroupPolicy", group_name="g", policy_name="inline", policy_document=document(allow("s3:*")))
    steps = [
        ("Cannot delete entity, must remove users from group first.", "RemoveUserFromGroup", {"user_name": "u"}),
        ("Cannot delete entity, must delete policies first.", "DeleteGroupPolicy", {"policy_name": "inline"}),
        ("Cannot delete entity, must detach all policies first.", "DetachGroupPolicy", {"policy_arn": policy.arn}),
    ]
    assert_delete_conflicts(account, "DeleteGroup", {"group_name": "g"}, steps)
    assert not Group.objects.filter(name="g").exists()


def test_remove_user_from_group_errors(account):
    run(account, "CreateGroup", group_name="g")
    run(account, "CreateUser", user_name="u")
    with pytest.raises(NoSuchEntity):
        run(account, "RemoveUserFromGroup", group_name="g", user_name="u")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "AddUserToGroup", group_name="g", user_name="ghost")
    assert exc.value.message == "The user with name ghost cannot be found."
    with pytest.raises(NoSuchEntity):
        run(account, "AddUserToGroup", group_name="nope", user_name="u")


def _user_in_groups(account, groups: int, joined: int) -> None:
    """User ``u`` and groups ``g0``, ``g1``…, ``u`` a member of the first ``joined`` of them."""
    factories.user(account, "u")
    for n in range(groups):
        factories.group(account, f"g{n}", members=("u",) if n < joined else ())


def test_groups_per_user_quota(account):
    _user_in_groups(account, groups=11, joined=10)
    with pytest.raises(LimitExceeded) as exc:
        run(account, "AddUserToGroup", group_name="g10", user_name="u")
    assert exc.value.message == "Cannot exceed quota for GroupsPerUser: 10"


@pytest.mark.django_db(transaction=True)
def test_concurrent_group_creates(account):
    results = race(lambda i: run(account, "CreateGroup", group_name="TEAM" if i else "team"), 2)
    assert sorted(type(r).__name__ for r in results) == ["EntityAlreadyExists", "NoneType"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_memberships_respect_the_quota(account):
    _user_in_groups(account, groups=12, joined=9)
    results = race(lambda i: run(account, "AddUserToGroup", group_name=f"g{9 + i}", user_name="u"), 3)
    assert sorted(type(r).__name__ for r in results) == ["LimitExceeded", "LimitExceeded", "NoneType"]
    assert GroupMembership.objects.filter(user__name="u").count() == 10
