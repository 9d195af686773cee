"""GetAccountSummary and GetAccountAuthorizationDetails through operations.run: AWS's keys and shapes, the
installation's quotas, Filter, marker pagination across the lists, and a constant number of queries."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import botocore.session
import pytest
from botocore.model import StringShape
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from iamconsole.errors import ValidationError
from identities.awsapi import OUTPUTS
from identities.awsapi.account import SUMMARY_KEYS
from identities.selectors.account import AccountSummary
from tests.factories import allow, document, make_policy, run
from tests.identities.test_roles import QUOTAS, create


def test_summary_has_every_aws_key_and_counts(account, other_account):
    create(account, "a")
    create(account, "b")
    create(other_account, "theirs")
    run(account, "CreateUser", user_name="alice")
    run(account, "CreateInstanceProfile", instance_profile_name="web")
    run(account, "CreateOpenIDConnectProvider", url="https://token.example.com")
    policy = make_policy(account, "P", document(allow("s3:*")))
    run(account, "AttachRolePolicy", role_name="a", policy_arn=policy.arn)
    with override_settings(IAM_QUOTAS={**QUOTAS, "roles": 1234, "managed_policies_per_role": 20}):
        result = run(account, "GetAccountSummary")
    assert isinstance(result, AccountSummary)  # our own type; only the shaper knows AWS's keys
    summary = OUTPUTS["GetAccountSummary"](result)["SummaryMap"]
    shape = botocore.session.get_session().get_service_model("iam").shape_for("summaryKeyType")
    assert isinstance(shape, StringShape)
    enum = shape.enum
    assert set(summary) == set(enum)
    assert summary["Roles"] == 2 and summary["RolesQuota"] == 1234
    assert summary["Users"] == 1 and summary["InstanceProfiles"] == 1 and summary["Providers"] == 1
    assert summary["Policies"] == 1 and summary["PolicyVersionsInUse"] == 1
    assert summary["AttachedPoliciesPerRoleQuota"] == 20 and summary["AssumeRolePolicySizeQuota"] == 2048
    assert summary["AccountAccessKeysPresent"] == 1  # the fixture's root access key
    assert summary["AccountMFAEnabled"] == 0 and summary["AccountPasswordPresent"] == 1
    assert all(type(value) is int for value in summary.values())
    assert sorted(name for _, name in SUMMARY_KEYS) == sorted(f.name for f in fields(AccountSummary))


def test_summary_is_one_query(account, django_assert_num_queries):
    with CaptureQueriesContext(connection) as queries:
        run(account, "GetAccountSummary")
    create(account, "a")
    with django_assert_num_queries(len(queries)):
        run(account, "GetAccountSummary")


def _populate(account: Any, count: int, start: int = 0) -> None:
    policy = make_policy(account, f"P{start}", document(allow("s3:*")))
    for i in range(start, start + count):
        run(account, "CreateUser", user_name=f"u{i}", tags=[{"key": "k", "value": "v"}])
        run(account, "CreateGroup", group_name=f"g{i}")
        run(account, "AddUserToGroup", group_name=f"g{i}", user_name=f"u{i}")
        run(account, "AttachUserPolicy", user_name=f"u{i}", policy_arn=policy.arn)
        run(
            account, "PutGroupPolicy", group_name=f"g{i}", policy_name="inline", policy_document=document(allow("s3:*"))
        )
        create(account, f"r{i}", permissions_boundary=policy.arn)
        run(account, "AttachRolePolicy", role_name=f"r{i}", policy_arn=policy.arn)
        run(account, "CreateInstanceProfile", instance_profile_name=f"p{i}")
        run(account, "AddRoleToInstanceProfile", instance_profile_name=f"p{i}", role_name=f"r{i}")


def test_authorization_details_shape(account):
    _populate(account, 1)
    details = OUTPUTS["GetAccountAuthorizationDetails"](run(account, "GetAccountAuthorizationDetails"))
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "u0" and user["GroupList"] == ["g0"]
    assert user["AttachedManagedPolicies"] == [
        {"PolicyName": "P0", "PolicyArn": f"arn:aws:iam::{account.account_id}:policy/P0"}
    ]
    assert user["Tags"] == [{"Key": "k", "Value": "v"}] and user["UserPolicyList"] == []
    (group,) = details["GroupDetailList"]
    assert group["GroupPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": document(allow("s3:*"))}]
    (role,) = details["RoleDetailList"]
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["p0"]
    assert role["InstanceProfileList"][0]["Roles"][0]["RoleName"] == "r0"
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(":policy/P0")
    assert role["RoleLastUsed"] == {}
    (policy,) = details["Policies"]
    assert policy["AttachmentCount"] == 2 and policy["PermissionsBoundaryUsageCount"] == 1
    assert [v["VersionId"] for v in policy["PolicyVersionList"]] == ["v1"]
    assert policy["PolicyVersionList"][0]["IsDefaultVersion"] is True
    assert details["IsTruncated"] is False and "Marker" not in details


def test_filter(account):
    _populate(account, 1)
    only_roles = run(account, "GetAccountAuthorizationDetails", filter=["Role"])
    assert [r.name for r in only_roles.roles] == ["r0"]
    assert not only_roles.users and not only_roles.groups and not only_roles.policies
    assert [p.name for p in run(account, "GetAccountAuthorizationDetails", filter=["LocalManagedPolicy"]).policies] == [
        "P0"
    ]
    assert not run(account, "GetAccountAuthorizationDetails", filter=["AWSManagedPolicy"]).policies
    with pytest.raises(ValidationError):
        run(account, "GetAccountAuthorizationDetails", filter=["Robot"])


def test_pagination_walks_every_list(account):
    _populate(account, 2)  # 2 users, 2 groups, 2 roles, 1 policy: 7 entities
    seen: list[str] = []
    marker = None
    pages = 0
    while True:
        page = run(account, "GetAccountAuthorizationDetails", max_items=3, marker=marker)
        seen += [u.name for u in page.users] + [g.name for g in page.groups]
        seen += [r.name for r in page.roles] + [p.name for p in page.policies]
        pages += 1
        assert len(page.users) + len(page.groups) + len(page.roles) + len(page.policies) <= 3
        if not page.is_truncated:
            break
        marker = page.marker
    assert seen == ["u0", "u1", "g0", "g1", "r0", "r1", "P0"] and pages == 3


def test_authorization_details_run_constant_queries(account):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            OUTPUTS["GetAccountAuthorizationDetails"](run(account, "GetAccountAuthorizationDetails"))
        return len(captured)

    _populate(account, 2)
    with_two = queries()
    _populate(account, 8, start=2)
    assert queries() == with_two
