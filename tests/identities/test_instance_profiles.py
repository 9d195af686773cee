"""Instance profiles: Create, Get, List (PathPrefix), ListInstanceProfilesForRole, Delete, Add/RemoveRole, tags,
through operations.run."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from iamconsole import operations
from iamconsole.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from identities.awsapi import OUTPUTS
from identities.models import InstanceProfile
from tests.factories import run
from tests.identities.concurrency import run_concurrently
from tests.identities.test_roles import QUOTAS, create


def test_create_and_get(account):
    profile = run(
        account, "CreateInstanceProfile", instance_profile_name="web", path="/ec2/", tags=[{"key": "a", "value": "b"}]
    )
    assert profile.instance_profile_id.startswith("AIPA") and len(profile.instance_profile_id) == 21
    shape = OUTPUTS["GetInstanceProfile"](run(account, "GetInstanceProfile", instance_profile_name="WEB"))
    assert shape == {
        "InstanceProfile": {
            "Path": "/ec2/",
            "InstanceProfileName": "web",
            "InstanceProfileId": profile.instance_profile_id,
            "Arn": f"arn:aws:iam::{account.account_id}:instance-profile/ec2/web",
            "CreateDate": profile.created_at,
            "Roles": [],
            "Tags": [{"Key": "a", "Value": "b"}],
        }
    }
    with pytest.raises(EntityAlreadyExists) as exc:
        run(account, "CreateInstanceProfile", instance_profile_name="Web")
    assert exc.value.message == "Instance Profile Web already exists."
    with pytest.raises(NoSuchEntity) as missing:
        run(account, "GetInstanceProfile", instance_profile_name="ghost")
    assert missing.value.message == "Instance Profile ghost cannot be found."


def test_one_role_per_profile(account):
    create(account, "app")
    create(account, "other")
    run(account, "CreateInstanceProfile", instance_profile_name="web")
    run(account, "AddRoleToInstanceProfile", instance_profile_name="web", role_name="app")
    for role_name in ("other", "app"):
        with pytest.raises(LimitExceeded) as exc:
            run(account, "AddRoleToInstanceProfile", instance_profile_name="web", role_name=role_name)
        assert exc.value.message == "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    roles = OUTPUTS["GetInstanceProfile"](run(account, "GetInstanceProfile", instance_profile_name="web"))[
        "InstanceProfile"
    ]["Roles"]
    assert [r["RoleName"] for r in roles] == ["app"]
    assert roles[0]["Arn"] == f"arn:aws:iam::{account.account_id}:role/app"
    with pytest.raises(DeleteConflict) as conflict:
        run(account, "DeleteInstanceProfile", instance_profile_name="web")
    assert conflict.value.message == "Cannot delete entity, must remove roles from instance profile first."
    with pytest.raises(NoSuchEntity):
        run(account, "RemoveRoleFromInstanceProfile", instance_profile_name="web", role_name="other")
    run(account, "RemoveRoleFromInstanceProfile", instance_profile_name="web", role_name="app")
    run(account, "DeleteInstanceProfile", instance_profile_name="web")
    assert not InstanceProfile.objects.filter(name="web").exists()


def test_list_and_list_for_role(account):
    create(account, "app")
    for name, path in [("a", "/"), ("b", "/ec2/"), ("c", "/ec2/x/")]:
        run(account, "CreateInstanceProfile", instance_profile_name=name, path=path)
    run(account, "AddRoleToInstanceProfile", instance_profile_name="c", role_name="app")
    assert [p.name for p in run(account, "ListInstanceProfiles", path_prefix="/ec2/")] == ["b", "c"]
    page = run(account, "ListInstanceProfiles", max_items=2)
    assert page.is_truncated
    assert [p.name for p in run(account, "ListInstanceProfiles", marker=page.marker)] == ["c"]
    for_role = OUTPUTS["ListInstanceProfilesForRole"](run(account, "ListInstanceProfilesForRole", role_name="app"))
    assert [p["InstanceProfileName"] for p in for_role["InstanceProfiles"]] == ["c"]
    with pytest.raises(NoSuchEntity):
        run(account, "ListInstanceProfilesForRole", role_name="ghost")


def test_list_runs_constant_queries(account):
    def listed() -> int:
        with CaptureQueriesContext(connection) as queries:
            OUTPUTS["ListInstanceProfiles"](run(account, "ListInstanceProfiles"))
        return len(queries)

    def add(start: int, stop: int) -> None:
        for i in range(start, stop):
            create(account, f"r{i}")
            run(account, "CreateInstanceProfile", instance_profile_name=f"p{i}")
            run(account, "AddRoleToInstanceProfile", instance_profile_name=f"p{i}", role_name=f"r{i}")

    add(0, 2)
    with_two = listed()
    add(2, 20)
    assert listed() == with_two


def test_tags(account):
    run(account, "CreateInstanceProfile", instance_profile_name="web")
    run(account, "TagInstanceProfile", instance_profile_name="web", tags=[{"key": "b", "value": "2"}])
    run(account, "TagInstanceProfile", instance_profile_name="web", tags=[{"key": "a", "value": "1"}])
    page = run(account, "ListInstanceProfileTags", instance_profile_name="web")
    assert OUTPUTS["ListInstanceProfileTags"](page) == {
        "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
        "IsTruncated": False,
    }
    run(account, "UntagInstanceProfile", instance_profile_name="web", tag_keys=["A"])
    assert run(account, "ListInstanceProfileTags", instance_profile_name="web").tags == [{"Key": "b", "Value": "2"}]


def test_quota(account):
    with override_settings(IAM_QUOTAS={**QUOTAS, "instance_profiles": 1}):
        run(account, "CreateInstanceProfile", instance_profile_name="one")
        with pytest.raises(LimitExceeded) as exc:
            run(account, "CreateInstanceProfile", instance_profile_name="two")
    assert exc.value.message == "Cannot exceed quota for InstanceProfilesPerAccount: 1"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_respect_the_quota(account):
    names = iter([f"p{i}" for i in range(4)])  # a list iterator: safe to share between threads
    with override_settings(IAM_QUOTAS={**QUOTAS, "instance_profiles": 2}):
        results = run_concurrently(4, lambda: run(account, "CreateInstanceProfile", instance_profile_name=next(names)))
    assert sum(isinstance(r, InstanceProfile) for r in results) == 2
    assert InstanceProfile.objects.filter(account__account_id=account.account_id).count() == 2


def test_adding_a_role_needs_pass_role_on_that_role(account):
    """AWS: the caller of AddRoleToInstanceProfile must be granted iam:PassRole on the role."""
    from iamconsole.errors import AccessDenied
    from tests.factories import actor_for, allow, document

    create(account, "app")
    create(account, "other")
    run(account, "CreateInstanceProfile", instance_profile_name="web")
    run(account, "CreateUser", user_name="ops")
    policy = document(
        allow("iam:AddRoleToInstanceProfile"),
        allow("iam:PassRole", f"arn:aws:iam::{account.account_id}:role/app"),
    )
    run(account, "PutUserPolicy", user_name="ops", policy_name="p", policy_document=policy)
    ops = actor_for(account, "ops")
    with pytest.raises(AccessDenied, match=r"perform: iam:PassRole on resource: arn:aws:iam::\d+:role/other"):
        operations.run(ops, "AddRoleToInstanceProfile", {"instance_profile_name": "web", "role_name": "other"})
    operations.run(ops, "AddRoleToInstanceProfile", {"instance_profile_name": "web", "role_name": "app"})
    profile = InstanceProfile.objects.select_related("role").get(name="web")
    assert profile.role is not None
    assert profile.role.name == "app"
