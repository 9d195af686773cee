"""Reads on account-wide settings: GetOutboundWebIdentityFederationInfo."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import FeatureDisabled
from identities.models import AccountIamSettings


def get_outbound_web_identity_federation_info(*, account: Account) -> AccountIamSettings:
    """The issuer URL and whether token vending is enabled; ``FeatureDisabled`` when it never was."""
    settings = AccountIamSettings.objects.filter(account=account).first()
    if settings is None or not settings.outbound_issuer:
        raise FeatureDisabled("Outbound web identity federation is not enabled for this account.")
    return settings


__all__ = ["get_outbound_web_identity_federation_info"]
