"""Account-wide settings results shaped as botocore's IAM output shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identities.models import AccountIamSettings


def _outbound_info_shape(settings: AccountIamSettings) -> dict[str, Any]:
    return {"IssuerIdentifier": settings.outbound_issuer, "JwtVendingEnabled": settings.outbound_federation_enabled}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "EnableOutboundWebIdentityFederation": lambda settings: {"IssuerIdentifier": settings.outbound_issuer},
    "GetOutboundWebIdentityFederationInfo": _outbound_info_shape,
}
