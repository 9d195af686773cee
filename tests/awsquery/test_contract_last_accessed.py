"""boto3 contract tests for service last accessed data through ``/aws``: reports computed from the audit trail."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from iamconsole import operations
from iamconsole.actors import Actor
from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.conftest import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "GenerateServiceLastAccessedDetails", "GetServiceLastAccessedDetails",
        "GetServiceLastAccessedDetailsWithEntities", "ListPoliciesGrantingServiceAccess",
    }
)  # fmt: skip


def _document(*actions: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}
    )


def _finish(account: AccountFixture, job_id: str) -> None:
    """What the Celery task does once the job is committed (the worker itself is tested in tests/integration)."""
    operations.run(Actor.system(account.account_id), "CompleteServiceLastAccessedDetails", {"job_id": job_id})


def _as_user(iam: Any, client: ClientFactory, name: str) -> Any:
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def test_user_report_at_service_and_action_level(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    iam.create_user(UserName="dev")
    iam.put_user_policy(UserName="dev", PolicyName="work", PolicyDocument=_document("iam:List*", "s3:GetObject"))
    dev = _as_user(iam, client, "dev")
    dev.list_users()
    dev.list_groups()
    assert code_of(dev.create_user, UserName="nope") == "AccessDenied"  # not allowed: not in the report

    job_id = iam.generate_service_last_accessed_details(
        Arn=f"arn:aws:iam::{account.account_id}:user/dev", Granularity="ACTION_LEVEL"
    )["JobId"]
    pending = iam.get_service_last_accessed_details(JobId=job_id)
    assert pending["JobStatus"] == "IN_PROGRESS"
    assert pending["ServicesLastAccessed"] == []
    _finish(account, job_id)

    report = iam.get_service_last_accessed_details(JobId=job_id)
    assert report["JobStatus"] == "COMPLETED"
    assert report["JobType"] == "ACTION_LEVEL"
    assert isinstance(report["JobCompletionDate"], datetime)
    services = {item["ServiceNamespace"]: item for item in report["ServicesLastAccessed"]}
    assert set(services) == {"iam", "s3"}
    iam_service = services["iam"]
    assert iam_service["LastAuthenticatedEntity"] == f"arn:aws:iam::{account.account_id}:user/dev"
    assert isinstance(iam_service["LastAuthenticated"], datetime)
    assert iam_service["TotalAuthenticatedEntities"] == 1
    assert iam_service["ServiceName"]
    actions = {item["ActionName"]: item for item in iam_service["TrackedActionsLastAccessed"]}
    assert "LastAccessedTime" in actions["ListUsers"]
    assert "LastAccessedTime" in actions["ListGroups"]
    assert "LastAccessedTime" not in actions["ListRoles"]
    assert "CreateUser" not in actions
    assert "LastAuthenticated" not in services["s3"]
    assert services["s3"]["TotalAuthenticatedEntities"] == 0

    first = iam.get_service_last_accessed_details(JobId=job_id, MaxItems=1)
    assert first["IsTruncated"] is True
    rest = iam.get_service_last_accessed_details(JobId=job_id, Marker=first["Marker"])
    assert [item["ServiceNamespace"] for item in first["ServicesLastAccessed"] + rest["ServicesLastAccessed"]] == [
        "iam",
        "s3",
    ]

    entities = iam.get_service_last_accessed_details_with_entities(JobId=job_id, ServiceNamespace="iam")
    assert [item["EntityInfo"]["Name"] for item in entities["EntityDetailsList"]] == ["dev"]
    assert entities["EntityDetailsList"][0]["EntityInfo"]["Type"] == "USER"
    assert isinstance(entities["EntityDetailsList"][0]["LastAuthenticated"], datetime)


def test_group_report_counts_members_and_errors(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    iam.create_group(GroupName="eng")
    iam.put_group_policy(GroupName="eng", PolicyName="read", PolicyDocument=_document("iam:Get*", "iam:List*"))
    for name in ("ann", "bob"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="eng", UserName=name)
    _as_user(iam, client, "ann").list_roles()

    job_id = iam.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{account.account_id}:group/eng")["JobId"]
    _finish(account, job_id)
    report = iam.get_service_last_accessed_details(JobId=job_id)
    assert report["JobType"] == "SERVICE_LEVEL"
    (only,) = report["ServicesLastAccessed"]
    assert only["ServiceNamespace"] == "iam"
    assert "TrackedActionsLastAccessed" not in only
    assert only["TotalAuthenticatedEntities"] == 1
    assert only["LastAuthenticatedEntity"].endswith(":user/ann")
    entities = iam.get_service_last_accessed_details_with_entities(JobId=job_id, ServiceNamespace="iam")
    last = {item["EntityInfo"]["Name"]: item.get("LastAuthenticated") for item in entities["EntityDetailsList"]}
    assert set(last) == {"ann", "bob"}
    assert last["ann"] is not None and last["bob"] is None

    missing = error_of(iam.get_service_last_accessed_details, JobId="00000000-0000-0000-0000-000000000000")
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)
    gone = error_of(iam.generate_service_last_accessed_details, Arn=f"arn:aws:iam::{account.account_id}:user/ghost")
    assert (gone["Code"], gone["Status"]) == ("NoSuchEntity", 404)
    invalid = error_of(iam.generate_service_last_accessed_details, Arn="arn:aws:s3:::example-bucket")
    assert (invalid["Code"], invalid["Status"]) == ("InvalidInput", 400)


def test_list_policies_granting_service_access(iam: Any, account: AccountFixture) -> None:
    iam.create_user(UserName="dev")
    iam.create_group(GroupName="eng")
    iam.add_user_to_group(GroupName="eng", UserName="dev")
    iam.put_user_policy(UserName="dev", PolicyName="own", PolicyDocument=_document("s3:GetObject"))
    iam.put_group_policy(GroupName="eng", PolicyName="team", PolicyDocument=_document("iam:ListUsers", "s3:*"))
    managed = iam.create_policy(PolicyName="Ec2Read", PolicyDocument=_document("ec2:Describe*"))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="dev", PolicyArn=managed)

    answer = iam.list_policies_granting_service_access(
        Arn=f"arn:aws:iam::{account.account_id}:user/dev", ServiceNamespaces=["s3", "ec2", "sqs"]
    )
    assert answer["IsTruncated"] is False
    by_namespace = {item["ServiceNamespace"]: item["Policies"] for item in answer["PoliciesGrantingServiceAccess"]}
    assert sorted(
        (p["PolicyName"], p["PolicyType"], p.get("EntityType"), p.get("EntityName")) for p in by_namespace["s3"]
    ) == [
        ("own", "INLINE", "USER", "dev"),
        ("team", "INLINE", "GROUP", "eng"),
    ]
    assert by_namespace["ec2"] == [{"PolicyName": "Ec2Read", "PolicyType": "MANAGED", "PolicyArn": managed}]
    assert by_namespace["sqs"] == []
    assert (
        code_of(
            iam.list_policies_granting_service_access,
            Arn=f"arn:aws:iam::{account.account_id}:role/none",
            ServiceNamespaces=["s3"],
        )
        == "NoSuchEntity"
    )


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
