"""Account-wide settings: SetSecurityTokenServicePreferences and outbound web identity federation.

``GetAccountSummary`` reports the token version as ``GlobalEndpointTokenVersion``. The outbound federation issuer is
a URL unique to the account, made on first enablement and kept afterwards, as AWS keeps it. AWS's issuers live under
``tokens.sts.global.api.aws``; ours is on this installation (``IAM_CONSOLE_URL/outbound/ID``), where the sts app
serves its discovery document and keys, so a relying party can verify the tokens.
"""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.db import transaction

from accounts.models import Account
from iamconsole.errors import FeatureDisabled, FeatureEnabled, constraint_error
from identities.models import AccountIamSettings

TOKEN_VERSIONS = {"v1Token": 1, "v2Token": 2}
FEATURE_DISABLED = "Outbound web identity federation is not enabled for this account."
FEATURE_ENABLED = "Outbound web identity federation is already enabled for this account."


def _lock_settings(account: Account) -> AccountIamSettings:
    settings, _ = AccountIamSettings.objects.select_for_update().get_or_create(account=account)
    return settings


@transaction.atomic
def set_security_token_service_preferences(*, account: Account, global_endpoint_token_version: str) -> None:
    """SetSecurityTokenServicePreferences: ``v1Token`` or ``v2Token`` for tokens from STS's global endpoint."""
    if global_endpoint_token_version not in TOKEN_VERSIONS:
        raise constraint_error(
            "GlobalEndpointTokenVersion",
            global_endpoint_token_version,
            "Member must satisfy enum value set: [v1Token, v2Token]",
            field="global_endpoint_token_version",
        )
    settings = _lock_settings(account)
    settings.global_endpoint_token_version = TOKEN_VERSIONS[global_endpoint_token_version]
    settings.save(update_fields=["global_endpoint_token_version"])


@transaction.atomic
def enable_outbound_web_identity_federation(*, account: Account) -> AccountIamSettings:
    """EnableOutboundWebIdentityFederation: ``FeatureEnabled`` when it already is."""
    settings = _lock_settings(account)
    if settings.outbound_federation_enabled:
        raise FeatureEnabled(FEATURE_ENABLED)
    settings.outbound_federation_enabled = True
    if not settings.outbound_issuer:
        settings.outbound_issuer = f"{django_settings.IAM_CONSOLE_URL}/outbound/{uuid.uuid4()}"
    settings.save(update_fields=["outbound_federation_enabled", "outbound_issuer"])
    return settings


@transaction.atomic
def disable_outbound_web_identity_federation(*, account: Account) -> None:
    """DisableOutboundWebIdentityFederation: ``FeatureDisabled`` when it is not enabled."""
    settings = _lock_settings(account)
    if not settings.outbound_federation_enabled:
        raise FeatureDisabled(FEATURE_DISABLED)
    settings.outbound_federation_enabled = False
    settings.save(update_fields=["outbound_federation_enabled"])


__all__ = [
    "disable_outbound_web_identity_federation",
    "enable_outbound_web_identity_federation",
    "set_security_token_service_preferences",
]
