"""boto3 contract tests for delegation requests, role templates and account properties: an installation never holds
any, and each operation answers as AWS answers when they do not exist (never ``InvalidAction``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.conftest import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset({"ListDelegationRequests", "GetAccountProperties"})

REFUSES = {
    "CreateDelegationRequest": "InvalidInput",
    "GetDelegationRequest": "NoSuchEntity",
    "AssociateDelegationRequest": "NoSuchEntity",
    "AcceptDelegationRequest": "NoSuchEntity",
    "RejectDelegationRequest": "NoSuchEntity",
    "UpdateDelegationRequest": "NoSuchEntity",
    "SendDelegationToken": "NoSuchEntity",
    "GetHumanReadableSummary": "NoSuchEntity",
    "GetRoleTemplateVersion": "NoSuchEntity",
    "AcquireRole": "NoSuchEntity",
    "PutAccountProperties": "InvalidInput",
}

REQUEST_ID = "dr-0123456789abcdef0123"
TEMPLATE = "arn:aws:iam::aws:role-template/ec2.amazonaws.com/ExampleTemplate:1"


def test_delegation_requests(iam: Any, account: AccountFixture) -> None:
    listed = iam.list_delegation_requests()
    assert (listed["DelegationRequests"], listed["isTruncated"]) == ([], False)
    for call in (
        iam.get_delegation_request,
        iam.associate_delegation_request,
        iam.accept_delegation_request,
        iam.reject_delegation_request,
        iam.update_delegation_request,
        iam.send_delegation_token,
    ):
        error = error_of(call, DelegationRequestId=REQUEST_ID)
        assert (error["Code"], error["Status"]) == ("NoSuchEntity", 404)
        assert REQUEST_ID in error["Message"]
    created = error_of(
        iam.create_delegation_request,
        Description="Read the logs",
        Permissions={"PolicyTemplateArn": "arn:aws:iam::aws:policy-template/Example"},
        RequestorWorkflowId="workflow-1",
        NotificationChannel="arn:aws:sns:us-east-1:123456789012:topic",
        SessionDuration=3600,
    )
    assert (created["Code"], created["Status"]) == ("InvalidInput", 400)
    assert "onboarded" in created["Message"]
    arn = f"arn:aws:iam::{account.account_id}:delegation-request/{REQUEST_ID}"
    assert code_of(iam.get_human_readable_summary, EntityArn=arn) == "NoSuchEntity"
    assert code_of(iam.get_human_readable_summary, EntityArn=f"arn:aws:iam::{account.account_id}:user/bob") == (
        "InvalidInput"
    )


def test_role_templates_and_account_properties(iam: Any, client: ClientFactory) -> None:
    missing = error_of(iam.get_role_template_version, TemplateArn=TEMPLATE)
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)
    assert code_of(iam.acquire_role, TemplateArn=TEMPLATE) == "NoSuchEntity"
    assert iam.get_account_properties()["Properties"] == {}
    refused = error_of(iam.put_account_properties, Properties={"RoleManager/Enabled": "true"})
    assert (refused["Code"], refused["Status"]) == ("InvalidInput", 400)
    assert "RoleManager/Enabled" in refused["Message"]
    assert "same namespace" in error_of(iam.put_account_properties, Properties={"A/x": "1", "B/y": "2"})["Message"]
    # The permission comes first.
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert code_of(nobody.get_role_template_version, TemplateArn=TEMPLATE) == "AccessDenied"


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS, REFUSES)
