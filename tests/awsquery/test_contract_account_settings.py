"""boto3 contract tests for account-wide settings, and for the operations that need an AWS Organizations
organization, which an iamconsole account is never in: they answer AWS's error for such an account, never
``InvalidAction``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "SetSecurityTokenServicePreferences", "EnableOutboundWebIdentityFederation",
        "DisableOutboundWebIdentityFederation", "GetOutboundWebIdentityFederationInfo",
    }
)  # fmt: skip

REFUSES = {
    "ListOrganizationsFeatures": "OrganizationNotFoundException",
    "EnableOrganizationsRootCredentialsManagement": "OrganizationNotFoundException",
    "DisableOrganizationsRootCredentialsManagement": "OrganizationNotFoundException",
    "EnableOrganizationsRootSessions": "OrganizationNotFoundException",
    "DisableOrganizationsRootSessions": "OrganizationNotFoundException",
    "GenerateOrganizationsAccessReport": "AWSOrganizationsNotInUseException",
    "GetOrganizationsAccessReport": "NoSuchEntity",
}


def test_security_token_service_preferences_show_in_the_account_summary(iam: Any) -> None:
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    assert code_of(iam.set_security_token_service_preferences, GlobalEndpointTokenVersion="v3Token") == (
        "ValidationError"
    )


def test_outbound_web_identity_federation(iam: Any) -> None:
    never = error_of(iam.get_outbound_web_identity_federation_info)
    assert (never["Code"], never["Status"]) == ("FeatureDisabled", 404)
    assert code_of(iam.disable_outbound_web_identity_federation) == "FeatureDisabled"
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    assert re.fullmatch(rf"{re.escape(settings.IAM_CONSOLE_URL)}/outbound/[0-9a-f-]{{36}}", issuer)
    again = error_of(iam.enable_outbound_web_identity_federation)
    assert (again["Code"], again["Status"]) == ("FeatureEnabled", 409)
    assert iam.get_outbound_web_identity_federation_info() | {"ResponseMetadata": None} == {
        "IssuerIdentifier": issuer,
        "JwtVendingEnabled": True,
        "ResponseMetadata": None,
    }
    iam.disable_outbound_web_identity_federation()
    info = iam.get_outbound_web_identity_federation_info()
    assert (info["IssuerIdentifier"], info["JwtVendingEnabled"]) == (issuer, False)
    assert iam.enable_outbound_web_identity_federation()["IssuerIdentifier"] == issuer


def test_organizations_operations_answer_as_for_an_account_outside_an_organization(
    iam: Any, client: ClientFactory
) -> None:
    for call in (
        iam.list_organizations_features,
        iam.enable_organizations_root_credentials_management,
        iam.disable_organizations_root_credentials_management,
        iam.enable_organizations_root_sessions,
        iam.disable_organizations_root_sessions,
    ):
        error = error_of(call)
        assert (error["Code"], error["Status"]) == ("OrganizationNotFoundException", 400)
        assert "no organization is associated with your account" in error["Message"]
    report = error_of(iam.generate_organizations_access_report, EntityPath="o-a1b2c3d4e5/r-f6g7h8i9j0example")
    assert (report["Code"], report["Message"]) == (
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
    missing = error_of(iam.get_organizations_access_report, JobId="examplea-1234-b567-cde8-90fg123abcd4")
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)
    # The permission is checked first, as for any operation.
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    nobody = client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert code_of(nobody.list_organizations_features) == "AccessDenied"


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS, REFUSES)
