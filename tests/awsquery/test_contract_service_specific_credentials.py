"""boto3 contract tests for service-specific credentials through ``/aws``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from identities.models import ServiceSpecificCredential
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.conftest import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "CreateServiceSpecificCredential", "ListServiceSpecificCredentials", "ResetServiceSpecificCredential",
        "UpdateServiceSpecificCredential", "DeleteServiceSpecificCredential",
    }
)  # fmt: skip


def test_codecommit_credentials_shown_once_stored_as_a_digest(iam: Any, account: AccountFixture) -> None:
    iam.create_user(UserName="jane")
    created = iam.create_service_specific_credential(UserName="jane", ServiceName="codecommit.amazonaws.com")
    credential = created["ServiceSpecificCredential"]
    assert credential["ServiceUserName"] == f"jane-at-{account.account_id}"
    assert credential["ServiceSpecificCredentialId"].startswith("ACCA")
    assert credential["Status"] == "Active"
    assert isinstance(credential["CreateDate"], datetime)
    password = credential["ServicePassword"]
    assert len(password) >= 40
    stored = ServiceSpecificCredential.objects.get(
        service_specific_credential_id=credential["ServiceSpecificCredentialId"]
    )
    assert password not in stored.secret_digest

    listed = iam.list_service_specific_credentials(UserName="jane")["ServiceSpecificCredentials"]
    assert [item["ServiceSpecificCredentialId"] for item in listed] == [credential["ServiceSpecificCredentialId"]]
    assert "ServicePassword" not in listed[0]

    reset = iam.reset_service_specific_credential(
        UserName="jane", ServiceSpecificCredentialId=credential["ServiceSpecificCredentialId"]
    )["ServiceSpecificCredential"]
    assert reset["ServicePassword"] != password

    credential_id = credential["ServiceSpecificCredentialId"]
    iam.update_service_specific_credential(
        UserName="jane", ServiceSpecificCredentialId=credential_id, Status="Inactive"
    )
    assert iam.list_service_specific_credentials(UserName="jane")["ServiceSpecificCredentials"][0]["Status"] == (
        "Inactive"
    )
    assert code_of(iam.delete_user, UserName="jane") == "DeleteConflict"
    iam.delete_service_specific_credential(UserName="jane", ServiceSpecificCredentialId=credential_id)
    missing = error_of(
        iam.delete_service_specific_credential, UserName="jane", ServiceSpecificCredentialId=credential_id
    )
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)


def test_limits_services_and_api_keys(iam: Any, account: AccountFixture) -> None:
    iam.create_user(UserName="jane")
    iam.create_user(UserName="joe")
    unsupported = error_of(iam.create_service_specific_credential, UserName="jane", ServiceName="s3.amazonaws.com")
    assert (unsupported["Code"], unsupported["Status"]) == ("NotSupportedService", 404)
    for _ in range(2):
        iam.create_service_specific_credential(UserName="jane", ServiceName="cassandra.amazonaws.com")
    over = error_of(iam.create_service_specific_credential, UserName="jane", ServiceName="cassandra.amazonaws.com")
    assert (over["Code"], over["Status"]) == ("LimitExceeded", 409)
    assert (
        code_of(
            iam.create_service_specific_credential,
            UserName="jane",
            ServiceName="codecommit.amazonaws.com",
            CredentialAgeDays=3,
        )
        == "InvalidInput"
    )

    key = iam.create_service_specific_credential(
        UserName="joe", ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30
    )["ServiceSpecificCredential"]
    assert key["ServiceCredentialAlias"].startswith("joe+") and key["ServiceCredentialAlias"].endswith(
        f"-at-{account.account_id}"
    )
    assert key["ServiceCredentialSecret"].startswith("ABSK")
    assert (key["ExpirationDate"] - key["CreateDate"]).days == 30
    assert "ServicePassword" not in key

    everyone = iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert {item["UserName"] for item in everyone} == {"jane", "joe"}
    bedrock = iam.list_service_specific_credentials(AllUsers=True, ServiceName="bedrock.amazonaws.com")
    assert [item["UserName"] for item in bedrock["ServiceSpecificCredentials"]] == ["joe"]
    # The root user has none of its own.
    assert iam.list_service_specific_credentials()["ServiceSpecificCredentials"] == []
    assert code_of(iam.list_service_specific_credentials, UserName="nobody") == "NoSuchEntity"
    assert code_of(iam.list_service_specific_credentials, ServiceName="s3.amazonaws.com") == "NotSupportedService"


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
