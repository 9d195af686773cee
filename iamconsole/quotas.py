"""Account and entity quotas, as AWS's defaults ("IAM and AWS STS quotas"), raised per installation.

``settings.IAM_QUOTAS`` reads the ``IAM_QUOTA_*`` variables; this module names each quota as AWS does in its
``LimitExceeded`` messages ("Cannot exceed quota for RolesPerAccount: 1000"), so every service words it the same way.
Callers lock the owner row (``select_for_update``) before counting, so concurrent requests cannot both pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.conf import settings

from iamconsole.errors import LimitExceeded

#: AWS's name of each quota in ``settings.IAM_QUOTAS``, as its LimitExceeded messages spell it.
QUOTA_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "users": "UsersPerAccount",
        "groups": "GroupsPerAccount",
        "roles": "RolesPerAccount",
        "policies": "PoliciesPerAccount",
        "instance_profiles": "InstanceProfilesPerAccount",
        "managed_policies_per_role": "PoliciesPerRole",
        "managed_policies_per_user": "PoliciesPerUser",
        "role_trust_policy_size": "ACLSizePerRole",
        "saml_providers": "SAMLProvidersPerAccount",
        "oidc_providers": "OpenIdConnectProvidersPerAccount",
    }
)


def limit(name: str) -> int:
    """The installation's value of quota ``name`` (a key of ``settings.IAM_QUOTAS``)."""
    return int(settings.IAM_QUOTAS[name])


def exceeded(name: str) -> LimitExceeded:
    """AWS's ``LimitExceeded`` for quota ``name``: "Cannot exceed quota for RolesPerAccount: 1000"."""
    return LimitExceeded(f"Cannot exceed quota for {QUOTA_NAMES[name]}: {limit(name)}")


def check(name: str, current: int, adding: int = 1) -> None:
    """Raise ``LimitExceeded`` when ``current`` entities plus ``adding`` new ones would pass quota ``name``."""
    if current + adding > limit(name):
        raise exceeded(name)
