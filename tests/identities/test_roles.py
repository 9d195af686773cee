"""Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy, DeleteRole,
tags and boundaries, through operations.run (so authorization and audit run too)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import (
    AccessDenied,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    UnmodifiableEntity,
    ValidationError,
)
from identities.awsapi import OUTPUTS
from identities.models import Role
from tests import factories
from tests.checks import assert_delete_conflicts
from tests.factories import actor_for, allow, document, make_policy, run
from tests.identities.concurrency import run_concurrently

QUOTAS = {
    "users": 5000,
    "groups": 300,
    "roles": 1000,
    "policies": 1500,
    "instance_profiles": 1000,
    "managed_policies_per_role": 10,
    "managed_policies_per_user": 10,
    "role_trust_policy_size": 2048,
    "saml_providers": 100,
    "oidc_providers": 100,
}


def trust(principal: dict[str, Any] | str, action: str = "sts:AssumeRole") -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]}
    )


EC2_TRUST = trust({"Service": "ec2.amazonaws.com"})


def create(account: Any, name: str = "app", **params: Any) -> Role:
    return run(account, "CreateRole", role_name=name, assume_role_policy_document=EC2_TRUST, **params)


def test_create_role_returns_aws_shape(account):
    role = create(account, path="/svc/", description="runs the app", tags=[{"key": "team", "value": "core"}])
    assert role.role_id.startswith("AROA") and len(role.role_id) == 21
    shape = OUTPUTS["CreateRole"](role)["Role"]
    assert shape["Arn"] == f"arn:aws:iam::{account.account_id}:role/svc/app"
    assert shape["AssumeRolePolicyDocument"] == EC2_TRUST
    assert shape["Description"] == "runs the app"
    assert shape["MaxSessionDuration"] == 3600
    assert shape["Tags"] == [{"Key": "team", "Value": "core"}]
    assert "PermissionsBoundary" not in shape and "RoleLastUsed" not in shape


def test_role_names_are_unique_ignoring_case(account, other_account):
    create(account, "Deploy")
    with pytest.raises(EntityAlreadyExists) as exc:
        create(account, "deploy")
    assert exc.value.message == "Role with name deploy already exists."
    create(other_account, "deploy")  # names are per account


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({"role_name": "a" * 65}, "role_name", "Member must have length less than or equal to 64"),
        ({"role_name": "bad name"}, "role_name", "regular expression pattern"),
        ({"description": "d" * 1001}, "description", "less than or equal to 1000"),
        ({"max_session_duration": 3599}, "max_session_duration", "greater than or equal to 3600"),
        ({"max_session_duration": 43201}, "max_session_duration", "less than or equal to 43200"),
        ({"path": "svc"}, "path", "regular expression pattern"),
    ],
)
def test_create_role_validation(account, params, field, fragment):
    params = {"role_name": "ok", **params}
    with pytest.raises(ValidationError) as exc:
        run(account, "CreateRole", assume_role_policy_document=EC2_TRUST, **params)
    assert exc.value.field == field
    assert fragment in exc.value.message


def test_bounds_of_name_description_and_session(account):
    role = create(account, "a" * 64, description="d" * 1000, max_session_duration=43200)
    assert role.max_session_duration == 43200 and len(role.description) == 1000


def test_trust_policy_is_parsed_as_a_trust_policy(account):
    no_principal = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]})
    with pytest.raises(MalformedPolicyDocument) as exc:
        run(account, "CreateRole", role_name="r", assume_role_policy_document=no_principal)
    assert exc.value.message == "Missing required field Principal"
    with pytest.raises(MalformedPolicyDocument):
        run(account, "CreateRole", role_name="r", assume_role_policy_document="{not json")


def test_trust_policy_size_quota(account):
    padding = "x" * 2000
    big = trust({"Service": "ec2.amazonaws.com"}).replace('"Effect"', f'"Sid": "{padding}", "Effect"')
    with pytest.raises(LimitExceeded) as exc:
        run(account, "CreateRole", role_name="r", assume_role_policy_document=big)
    assert exc.value.message == "Cannot exceed quota for ACLSizePerRole: 2048"
    with override_settings(IAM_QUOTAS={**QUOTAS, "role_trust_policy_size": 4096}):
        assert run(account, "CreateRole", role_name="r", assume_role_policy_document=big).name == "r"


def test_principals_naming_missing_users_or_roles_are_refused(account):
    arn = f"arn:aws:iam::{account.account_id}:role/ghost"
    with pytest.raises(MalformedPolicyDocument) as exc:
        run(account, "CreateRole", role_name="r", assume_role_policy_document=trust({"AWS": arn}))
    assert exc.value.message == f'Invalid principal in policy: "AWS":"{arn}"'
    user_arn = f"arn:aws:iam::{account.account_id}:user/ghost"
    with pytest.raises(MalformedPolicyDocument):
        run(account, "CreateRole", role_name="r", assume_role_policy_document=trust({"AWS": [user_arn]}))
    wildcard = f"arn:aws:iam::{account.account_id}:role/*"
    with pytest.raises(MalformedPolicyDocument):
        run(account, "CreateRole", role_name="r", assume_role_policy_document=trust({"AWS": wildcard}))


def test_principals_that_resolve_are_accepted(account, other_account):
    run(account, "CreateUser", user_name="alice", path="/eng/")
    create(account, "base")
    principals = [
        f"arn:aws:iam::{account.account_id}:user/eng/alice",
        f"arn:aws:iam::{account.account_id}:role/base",
        f"arn:aws:iam::{other_account.account_id}:root",
        other_account.account_id,
        "arn:aws:iam::210987654321:role/elsewhere",  # an account this installation does not hold
    ]
    role = run(account, "CreateRole", role_name="r", assume_role_policy_document=trust({"AWS": principals}))
    assert role.name == "r"
    # the user's path is part of its ARN: the same name under another path names nobody
    with pytest.raises(MalformedPolicyDocument):
        run(
            account,
            "CreateRole",
            role_name="r2",
            assume_role_policy_document=trust({"AWS": f"arn:aws:iam::{account.account_id}:user/alice"}),
        )


def test_federated_principals(account):
    missing = f"arn:aws:iam::{account.account_id}:saml-provider/Okta"
    with pytest.raises(MalformedPolicyDocument) as exc:
        run(account, "CreateRole", role_name="r", assume_role_policy_document=trust({"Federated": missing}))
    assert exc.value.message == "Federated principals must be valid domain names or SAML metadata ARNs"
    web = trust({"Federated": "accounts.google.com"}, "sts:AssumeRoleWithWebIdentity")
    assert run(account, "CreateRole", role_name="web", assume_role_policy_document=web).name == "web"


def test_get_role_with_last_used(account):
    create(account, "app")
    shape = OUTPUTS["GetRole"](run(account, "GetRole", role_name="APP"))["Role"]
    assert shape["RoleName"] == "app" and shape["RoleLastUsed"] == {}
    used_at = timezone.now()
    Role.objects.filter(name="app").update(last_used_at=used_at, last_used_region="eu-west-1")  # as STS records it
    shape = OUTPUTS["GetRole"](run(account, "GetRole", role_name="app"))["Role"]
    assert shape["RoleLastUsed"] == {"LastUsedDate": used_at, "Region": "eu-west-1"}


def test_get_role_of_another_account_is_not_found(account, other_account):
    create(other_account, "theirs")
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "GetRole", role_name="theirs")
    assert exc.value.message == "The role with name theirs cannot be found."


def test_list_roles_path_prefix_and_pagination(account):
    for name, path in [("a", "/"), ("b", "/svc/"), ("c", "/svc/x/"), ("d", "/other/")]:
        create(account, name, path=path)
    page = run(account, "ListRoles", path_prefix="/svc/")
    assert [role.name for role in page] == ["b", "c"]
    first = run(account, "ListRoles", max_items=3)
    assert first.is_truncated and len(first) == 3
    rest = run(account, "ListRoles", marker=first.marker)
    assert [r.name for r in rest] == ["d"] and not rest.is_truncated
    shape = OUTPUTS["ListRoles"](first)
    assert shape["IsTruncated"] is True and shape["Marker"] == first.marker
    assert "Tags" not in shape["Roles"][0] and "RoleLastUsed" not in shape["Roles"][0]


@pytest.mark.parametrize("count", [2, 20])
def test_list_roles_runs_constant_queries(account, django_assert_max_num_queries, count):
    boundary = make_policy(account, "Bound", document(allow("s3:*")))
    for i in range(count):
        create(account, f"r{i}", permissions_boundary=boundary.arn, tags=[{"key": "k", "value": str(i)}])
    with django_assert_max_num_queries(8):
        page = run(account, "ListRoles")
        OUTPUTS["ListRoles"](page)
    assert len(page) == count


def test_update_role_and_description(account):
    create(account, "app", description="old")
    run(account, "UpdateRole", role_name="app", max_session_duration=7200)
    role = run(account, "GetRole", role_name="app")
    assert role.max_session_duration == 7200 and role.description == "old"
    run(account, "UpdateRole", role_name="app", description="")
    assert "Description" not in OUTPUTS["GetRole"](run(account, "GetRole", role_name="app"))["Role"]
    updated = run(account, "UpdateRoleDescription", role_name="app", description="new")
    assert OUTPUTS["UpdateRoleDescription"](updated)["Role"]["Description"] == "new"
    with pytest.raises(NoSuchEntity):
        run(account, "UpdateRole", role_name="ghost", description="x")


def test_update_assume_role_policy(account):
    create(account, "app")
    lambda_trust = trust({"Service": "lambda.amazonaws.com"})
    run(account, "UpdateAssumeRolePolicy", role_name="app", policy_document=lambda_trust)
    assert run(account, "GetRole", role_name="app").assume_role_policy_document == lambda_trust
    ghost = trust({"AWS": f"arn:aws:iam::{account.account_id}:user/ghost"})
    with pytest.raises(MalformedPolicyDocument) as exc:
        run(account, "UpdateAssumeRolePolicy", role_name="app", policy_document=ghost)
    assert exc.value.field == "policy_document"


def test_delete_role_conflicts(account):
    create(account, "app")
    policy = make_policy(account, "P", document(allow("s3:GetObject")))
    run(account, "AttachRolePolicy", role_name="app", policy_arn=policy.arn)
    run(account, "PutRolePolicy", role_name="app", policy_name="inline", policy_document=document(allow("s3:*")))
    run(account, "CreateInstanceProfile", instance_profile_name="web")
    run(account, "AddRoleToInstanceProfile", instance_profile_name="web", role_name="app")
    steps = [
        (
            "Cannot delete entity, must remove roles from instance profile first.",
            "RemoveRoleFromInstanceProfile",
            {"instance_profile_name": "web"},
        ),
        ("Cannot delete entity, must detach all policies first.", "DetachRolePolicy", {"policy_arn": policy.arn}),
        ("Cannot delete entity, must delete policies first.", "DeleteRolePolicy", {"policy_name": "inline"}),
    ]
    assert_delete_conflicts(account, "DeleteRole", {"role_name": "app"}, steps)
    with pytest.raises(NoSuchEntity):
        run(account, "GetRole", role_name="app")


def test_tags(account):
    create(account, "app", tags=[{"key": "Env", "value": "dev"}, {"key": "team", "value": "a"}])
    run(account, "TagRole", role_name="app", tags=[{"key": "env", "value": "prod"}, {"key": "cost", "value": "1"}])
    page = run(account, "ListRoleTags", role_name="app")
    assert OUTPUTS["ListRoleTags"](page)["Tags"] == [
        {"Key": "cost", "Value": "1"},
        {"Key": "env", "Value": "prod"},
        {"Key": "team", "Value": "a"},
    ]
    run(account, "UntagRole", role_name="app", tag_keys=["TEAM", "absent"])
    assert [t["Key"] for t in run(account, "ListRoleTags", role_name="app").tags] == ["cost", "env"]
    with pytest.raises(LimitExceeded) as exc:
        run(account, "TagRole", role_name="app", tags=[{"key": f"k{i}", "value": ""} for i in range(49)])
    assert exc.value.message == "Cannot exceed quota for TagsPerRole: 50"
    with pytest.raises(InvalidInput):
        run(account, "TagRole", role_name="app", tags=[{"key": "aws:x", "value": "1"}])


def test_permissions_boundary(account):
    boundary = make_policy(account, "Bound", document(allow("s3:*")))
    create(account, "app", permissions_boundary=boundary.arn)
    shape = OUTPUTS["GetRole"](run(account, "GetRole", role_name="app"))["Role"]
    assert shape["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary.arn,
    }
    run(account, "DeleteRolePermissionsBoundary", role_name="app")
    assert run(account, "GetRole", role_name="app").permissions_boundary is None
    missing = f"arn:aws:iam::{account.account_id}:policy/ghost"
    with pytest.raises(NoSuchEntity) as exc:
        run(account, "PutRolePermissionsBoundary", role_name="app", permissions_boundary=missing)
    assert exc.value.message == f"Scope ARN: {missing} does not exist or is not attachable."
    run(account, "PutRolePermissionsBoundary", role_name="app", permissions_boundary=boundary.arn)
    assert run(account, "GetRole", role_name="app").permissions_boundary == boundary


def test_service_linked_roles_are_protected(account, aws_managed_policies):
    role = operations.run(
        account.root, "CreateServiceLinkedRole", {"aws_service_name": "elasticbeanstalk.amazonaws.com"}
    )
    name = role.name
    message = f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
    policy = make_policy(account, "P", document(allow("s3:GetObject")))
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("UpdateAssumeRolePolicy", {"policy_document": EC2_TRUST}),
        ("AttachRolePolicy", {"policy_arn": policy.arn}),
        ("DetachRolePolicy", {"policy_arn": policy.arn}),
        ("PutRolePolicy", {"policy_name": "p", "policy_document": document(allow("s3:*"))}),
        ("DeleteRolePolicy", {"policy_name": "p"}),
        ("PutRolePermissionsBoundary", {"permissions_boundary": policy.arn}),
        ("DeleteRolePermissionsBoundary", {}),
        ("DeleteRole", {}),
        ("UpdateRole", {"max_session_duration": 7200}),
    ]
    for operation, params in attempts:
        with pytest.raises(UnmodifiableEntity) as exc:
            run(account, operation, role_name=name, **params)
        assert exc.value.message == message, operation
    run(account, "UpdateRoleDescription", role_name=name, description="mine")
    run(account, "UpdateRole", role_name=name, description="still mine")
    assert run(account, "GetRole", role_name=name).description == "still mine"


def test_roles_quota(account):
    with override_settings(IAM_QUOTAS={**QUOTAS, "roles": 2}):
        create(account, "a")
        create(account, "b")
        with pytest.raises(LimitExceeded) as exc:
            create(account, "c")
    assert exc.value.message == "Cannot exceed quota for RolesPerAccount: 2"


def test_create_role_is_audited(account):
    create(account, "app")
    event = AuditEvent.objects.get(event_name="CreateRole", outcome="success")
    assert event.resource_arn == f"arn:aws:iam::{account.account_id}:role/app"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_differing_in_case_give_one_role(account):
    names = iter(["Racer", "racer", "RACER", "rAcer"])
    chosen = [next(names) for _ in range(4)]
    index = iter(range(4))
    results = run_concurrently(4, lambda: create(account, chosen[next(index)]))
    assert sum(isinstance(r, Role) for r in results) == 1
    assert all(isinstance(r, EntityAlreadyExists) for r in results if not isinstance(r, Role))
    assert Role.objects.filter(account__account_id=account.account_id).count() == 1


# --- permissions -------------------------------------------------------------------------------------------------


def _user_with(account: Any, *statements: dict[str, Any]) -> Any:
    factories.user(account, "dev")
    factories.attach(account, make_policy(account, "DevPolicy", document(*statements)), user_name="dev")
    return actor_for(account, "dev")


def test_create_role_needs_the_permission(account):
    actor = _user_with(account, allow("iam:GetRole"))
    with pytest.raises(AccessDenied) as exc:
        operations.run(actor, "CreateRole", {"role_name": "r", "assume_role_policy_document": EC2_TRUST})
    assert "iam:CreateRole" in exc.value.message
    assert f"arn:aws:iam::{account.account_id}:role/r" in exc.value.message
    assert not Role.objects.filter(name="r").exists()


def test_create_role_condition_on_permissions_boundary(account):
    boundary = make_policy(account, "Bound", document(allow("s3:*")))
    actor = _user_with(
        account,
        allow(
            "iam:CreateRole",
            f"arn:aws:iam::{account.account_id}:role/*",
            Condition={"StringEquals": {"iam:PermissionsBoundary": boundary.arn}},
        ),
    )
    with pytest.raises(AccessDenied):
        operations.run(actor, "CreateRole", {"role_name": "r", "assume_role_policy_document": EC2_TRUST})
    role = operations.run(
        actor,
        "CreateRole",
        {"role_name": "r", "assume_role_policy_document": EC2_TRUST, "permissions_boundary": boundary.arn},
    )
    assert role.permissions_boundary == boundary


def test_role_resource_carries_the_path_and_tags(account):
    create(account, "app", path="/svc/", tags=[{"key": "team", "value": "core"}])
    create(account, "other", path="/svc/", tags=[{"key": "team", "value": "ops"}])
    actor = _user_with(
        account,
        allow(
            "iam:GetRole",
            f"arn:aws:iam::{account.account_id}:role/svc/*",
            Condition={"StringEquals": {"aws:ResourceTag/team": "core"}},
        ),
    )
    assert operations.run(actor, "GetRole", {"role_name": "app"}).name == "app"
    with pytest.raises(AccessDenied):
        operations.run(actor, "GetRole", {"role_name": "other"})
