"""boto3 contract tests for managed policies, their versions and tags, and the policy simulator
(SimulateCustomPolicy, SimulatePrincipalPolicy, GetContextKeysForCustomPolicy, GetContextKeysForPrincipalPolicy)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.factories import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "CreatePolicy", "GetPolicy", "ListPolicies", "DeletePolicy", "ListEntitiesForPolicy",
        "CreatePolicyVersion", "GetPolicyVersion", "ListPolicyVersions", "SetDefaultPolicyVersion",
        "DeletePolicyVersion", "TagPolicy", "UntagPolicy", "ListPolicyTags",
        "SimulateCustomPolicy", "SimulatePrincipalPolicy",
        "GetContextKeysForCustomPolicy", "GetContextKeysForPrincipalPolicy",
    }
)  # fmt: skip


def policy(*actions: str, effect: str = "Allow", condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect, "Action": list(actions), "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_managed_policy_versions_tags_and_errors(iam: Any, account: AccountFixture) -> None:
    first = policy("s3:GetObject")
    created = iam.create_policy(
        PolicyName="Reader",
        Path="/team/",
        PolicyDocument=json.dumps(first),
        Description="reads",
        Tags=[{"Key": "owner", "Value": "data"}],
    )["Policy"]
    arn = created["Arn"]
    assert arn == f"arn:aws:iam::{account.account_id}:policy/team/Reader"
    assert created["PolicyId"].startswith("ANPA")
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["IsAttachable"]) == ("v1", 0, True)
    assert isinstance(created["CreateDate"], datetime)
    error = error_of(iam.create_policy, PolicyName="Reader", Path="/team/", PolicyDocument=json.dumps(first))
    assert (error["Code"], error["Status"]) == ("EntityAlreadyExists", 409)
    error = error_of(iam.create_policy, PolicyName="Broken", PolicyDocument='{"Statement": 3}')
    assert (error["Code"], error["Status"]) == ("MalformedPolicyDocument", 400)
    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert got["Description"] == "reads"
    assert got["Tags"] == [{"Key": "owner", "Value": "data"}]
    missing = f"arn:aws:iam::{account.account_id}:policy/Nothing"
    error = error_of(iam.get_policy, PolicyArn=missing)
    assert (error["Code"], error["Message"]) == (
        "NoSuchEntity",
        f"Policy {missing} does not exist or is not attachable.",
    )

    second = policy("s3:GetObject", "s3:ListBucket")
    version = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(second), SetAsDefault=True)
    assert version["PolicyVersion"]["VersionId"] == "v2"
    assert version["PolicyVersion"]["IsDefaultVersion"] is True
    fetched = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert fetched["Document"] == second  # URL-decoded and parsed by boto3, as with AWS
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == first
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    # AWS's documented example lists the newest first; the order is not part of the contract checked here.
    assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions) == [("v1", False), ("v2", True)]
    assert all("Document" not in v for v in versions)
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(first))
    error = error_of(iam.create_policy_version, PolicyArn=arn, PolicyDocument=json.dumps(first))
    assert (error["Code"], error["Status"]) == ("LimitExceeded", 409)
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    assert code_of(iam.delete_policy_version, PolicyArn=arn, VersionId="v1") == "DeleteConflict"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert code_of(iam.get_policy_version, PolicyArn=arn, VersionId="v2") == "NoSuchEntity"

    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "tier", "Value": "gold"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["owner"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "tier", "Value": "gold"}]

    iam.create_user(UserName="alice")
    iam.create_group(GroupName="eng")
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.attach_group_policy(GroupName="eng", PolicyArn=arn)
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["alice"]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["eng"]
    assert entities["PolicyRoles"] == []
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 2
    error = error_of(iam.delete_policy, PolicyArn=arn)
    assert (error["Code"], error["Message"]) == ("DeleteConflict", "Cannot delete a policy attached to entities.")
    iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    iam.detach_group_policy(GroupName="eng", PolicyArn=arn)
    assert code_of(iam.delete_policy, PolicyArn=arn) == "DeleteConflict"  # versions other than the default remain
    for version_id in ("v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version_id)
    iam.delete_policy(PolicyArn=arn)
    assert code_of(iam.get_policy, PolicyArn=arn) == "NoSuchEntity"


def test_aws_managed_policies_are_readable_not_writable(
    iam: Any, account: AccountFixture, aws_managed_policies: None
) -> None:
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert (got["PolicyName"], got["Arn"]) == ("ReadOnlyAccess", arn)
    document = iam.get_policy_version(PolicyArn=arn, VersionId=got["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert isinstance(document, dict)
    assert document["Statement"]
    error = error_of(iam.delete_policy, PolicyArn=arn)
    assert (error["Code"], error["Status"]) == ("AccessDenied", 403)
    assert error["Message"].startswith(f"User: arn:aws:iam::{account.account_id}:root is not authorized to perform: ")


def test_list_policies_through_a_paginator(iam: Any, aws_managed_policies: None) -> None:
    names = [f"P{index}" for index in range(5)]
    for name in names:
        iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(policy("s3:GetObject")))
    pages = list(iam.get_paginator("list_policies").paginate(Scope="Local", PaginationConfig={"PageSize": 2}))
    assert [len(page["Policies"]) for page in pages] == [2, 2, 1]
    assert sorted(p["PolicyName"] for page in pages for p in page["Policies"]) == names
    assert all("Description" not in p for page in pages for p in page["Policies"])
    aws = iam.list_policies(Scope="AWS", MaxItems=3)
    assert len(aws["Policies"]) == 3
    assert aws["IsTruncated"] is True
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws["Policies"])


def test_simulate_custom_policy(iam: Any, client: ClientFactory) -> None:
    allow = json.dumps(policy("s3:GetObject", condition={"Bool": {"aws:SecureTransport": "true"}}))
    deny = json.dumps(policy("s3:DeleteObject", effect="Deny"))
    results = iam.simulate_custom_policy(
        PolicyInputList=[allow, deny],
        ActionNames=["s3:GetObject", "s3:DeleteObject", "s3:PutObject"],
        ContextEntries=[
            {"ContextKeyName": "aws:SecureTransport", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"}
        ],
    )
    assert results["IsTruncated"] is False
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results["EvaluationResults"]}
    assert decisions == {"s3:GetObject": "allowed", "s3:DeleteObject": "explicitDeny", "s3:PutObject": "implicitDeny"}
    get = results["EvaluationResults"][0]
    assert get["EvalResourceName"] == "*"
    (statement,) = get["MatchedStatements"]
    assert (statement["SourcePolicyId"], statement["SourcePolicyType"]) == ("PolicyInputList.1", "IAM Policy")
    assert isinstance(statement["StartPosition"]["Line"], int)

    without_context = iam.simulate_custom_policy(PolicyInputList=[allow], ActionNames=["s3:GetObject"])
    assert without_context["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    assert without_context["EvaluationResults"][0]["MissingContextValues"] == ["aws:SecureTransport"]

    per_resource = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(policy("s3:*"))],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::a/1", "arn:aws:s3:::b/2"],
    )["EvaluationResults"][0]
    assert [r["EvalResourceName"] for r in per_resource["ResourceSpecificResults"]] == [
        "arn:aws:s3:::a/1",
        "arn:aws:s3:::b/2",
    ]

    pages = list(
        iam.get_paginator("simulate_custom_policy").paginate(
            PolicyInputList=[allow], ActionNames=["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
            PaginationConfig={"PageSize": 2},
        )
    )  # fmt: skip
    assert [len(page["EvaluationResults"]) for page in pages] == [2, 1]
    assert [r["EvalActionName"] for page in pages for r in page["EvaluationResults"]] == [
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
    ]

    error = error_of(iam.simulate_custom_policy, PolicyInputList=["{bad"], ActionNames=["s3:GetObject"])
    assert (error["Code"], error["Status"]) == ("MalformedPolicyDocument", 400)
    assert error["Message"].startswith("PolicyInputList.1: ")
    loose = client("iam", validate=False)
    assert code_of(loose.simulate_custom_policy, PolicyInputList=[allow], ActionNames=[]) in (
        "InvalidInput",
        "ValidationError",
    )

    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[allow, deny])["ContextKeyNames"]
    assert keys == ["aws:SecureTransport"]
    assert code_of(iam.get_context_keys_for_custom_policy, PolicyInputList=["nope"]) == "MalformedPolicyDocument"


def test_simulate_principal_policy(iam: Any, account: AccountFixture) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="eng")
    iam.add_user_to_group(GroupName="eng", UserName="alice")
    condition = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=json.dumps(policy("s3:GetObject")))
    iam.put_group_policy(
        GroupName="eng", PolicyName="shared", PolicyDocument=json.dumps(policy("ec2:Describe*", condition=condition))
    )
    arn = iam.create_policy(PolicyName="NoDelete", PolicyDocument=json.dumps(policy("s3:DeleteObject", effect="Deny")))[
        "Policy"
    ]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    user_arn = f"arn:aws:iam::{account.account_id}:user/alice"

    results = iam.simulate_principal_policy(
        PolicySourceArn=user_arn,
        ActionNames=["s3:GetObject", "s3:DeleteObject", "ec2:DescribeInstances", "iam:CreateUser"],
        ContextEntries=[
            {"ContextKeyName": "aws:RequestedRegion", "ContextKeyValues": ["eu-west-1"], "ContextKeyType": "string"}
        ],
    )["EvaluationResults"]
    decisions = {r["EvalActionName"]: r["EvalDecision"] for r in results}
    assert decisions == {
        "s3:GetObject": "allowed",
        "s3:DeleteObject": "explicitDeny",
        "ec2:DescribeInstances": "allowed",
        "iam:CreateUser": "implicitDeny",
    }
    sources = {
        r["EvalActionName"]: r["MatchedStatements"][0]["SourcePolicyId"] for r in results if r["MatchedStatements"]
    }
    assert sources == {"s3:GetObject": "own", "s3:DeleteObject": arn, "ec2:DescribeInstances": "eng/shared"}

    group = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:group/eng", ActionNames=["s3:GetObject"]
    )["EvaluationResults"][0]
    assert group["EvalDecision"] == "implicitDeny"  # the user's own policy is not the group's
    extra = iam.simulate_principal_policy(
        PolicySourceArn=user_arn,
        ActionNames=["iam:CreateUser"],
        PolicyInputList=[json.dumps(policy("iam:CreateUser"))],
    )["EvaluationResults"][0]
    assert extra["EvalDecision"] == "allowed"

    error = error_of(
        iam.simulate_principal_policy,
        PolicySourceArn=f"arn:aws:iam::{account.account_id}:user/nobody",
        ActionNames=["s3:GetObject"],
    )
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", "The user with name nobody cannot be found.")
    # Another account's user is a resource the caller's policies cannot reach.
    assert (
        code_of(
            iam.simulate_principal_policy,
            PolicySourceArn="arn:aws:iam::111122223333:user/alice",
            ActionNames=["s3:GetObject"],
        )
        == "AccessDenied"
    )
    error = error_of(iam.simulate_principal_policy, PolicySourceArn=arn, ActionNames=["s3:GetObject"])
    assert (error["Code"], error["Status"]) == ("InvalidInput", 400)

    keys = iam.get_context_keys_for_principal_policy(
        PolicySourceArn=user_arn,
        PolicyInputList=[json.dumps(policy("s3:*", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))],
    )["ContextKeyNames"]
    assert keys == ["aws:RequestedRegion", "aws:SourceIp"]
    assert (
        code_of(
            iam.get_context_keys_for_principal_policy, PolicySourceArn=f"arn:aws:iam::{account.account_id}:role/none"
        )
        == "NoSuchEntity"
    )


def test_simulation_is_authorized_like_any_call(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="sim", PolicyDocument=json.dumps(policy("iam:SimulateCustomPolicy")))
    key = iam.create_access_key(UserName="bob")["AccessKey"]
    bob = client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    allowed = bob.simulate_custom_policy(PolicyInputList=[json.dumps(policy("s3:*"))], ActionNames=["s3:GetObject"])
    assert allowed["EvaluationResults"][0]["EvalDecision"] == "allowed"
    user_arn = f"arn:aws:iam::{account.account_id}:user/bob"
    error = error_of(bob.simulate_principal_policy, PolicySourceArn=user_arn, ActionNames=["s3:GetObject"])
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        f"User: {user_arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: {user_arn} "
        "because no identity-based policy allows the iam:SimulatePrincipalPolicy action",
    )


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)


def test_simulated_not_principal_is_matched_against_the_caller_arn(iam: Any, account: AccountFixture) -> None:
    bob, eve = (f"arn:aws:iam::{account.account_id}:user/{name}" for name in ("bob", "eve"))
    statements = [
        {"Effect": "Deny", "NotPrincipal": {"AWS": bob}, "Action": "s3:*", "Resource": "arn:aws:s3:::vault/*"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::vault/*"},
    ]
    bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": statements})

    def decision(caller: str) -> str:
        results = iam.simulate_custom_policy(
            PolicyInputList=[],
            ActionNames=["s3:GetObject"],
            ResourceArns=["arn:aws:s3:::vault/report"],
            ResourcePolicy=bucket_policy,
            CallerArn=caller,
        )["EvaluationResults"]
        return str(results[0]["EvalDecision"])

    # The Deny names bob in NotPrincipal, so it does not apply to bob; it does to eve.
    assert (decision(bob), decision(eve)) == ("allowed", "explicitDeny")
