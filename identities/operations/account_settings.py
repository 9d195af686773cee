"""Operations on account-wide settings, and those that need an AWS Organizations organization (answered as AWS
answers an account that is not in one). All are authorized against ``*``, as AWS documents no resource for them."""

from __future__ import annotations

from iamconsole.operations import Operation
from identities import selectors, services

OPERATIONS = (
    Operation("SetSecurityTokenServicePreferences", services.set_security_token_service_preferences),
    Operation("EnableOutboundWebIdentityFederation", services.enable_outbound_web_identity_federation),
    Operation("DisableOutboundWebIdentityFederation", services.disable_outbound_web_identity_federation),
    Operation(
        "GetOutboundWebIdentityFederationInfo",
        selectors.get_outbound_web_identity_federation_info,
        read_only=True,
    ),
    Operation("ListOrganizationsFeatures", services.list_organizations_features, read_only=True),
    Operation(
        "EnableOrganizationsRootCredentialsManagement", services.enable_organizations_root_credentials_management
    ),
    Operation(
        "DisableOrganizationsRootCredentialsManagement", services.disable_organizations_root_credentials_management
    ),
    Operation("EnableOrganizationsRootSessions", services.enable_organizations_root_sessions),
    Operation("DisableOrganizationsRootSessions", services.disable_organizations_root_sessions),
    Operation("GenerateOrganizationsAccessReport", services.generate_organizations_access_report),
    Operation("GetOrganizationsAccessReport", services.get_organizations_access_report, read_only=True),
)
