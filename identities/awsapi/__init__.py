"""Results of the identities operations shaped as botocore's IAM output shapes (PascalCase members).

One module per entity, each with an ``OUTPUTS`` table; one ``*_shape`` function per AWS structure, reused by the
Get, Create and List outputs that contain it. The Query API face reads the merged ``OUTPUTS``.
"""

from collections.abc import Callable
from typing import Any

from identities.awsapi import (
    absent_features,
    access_keys,
    account,
    account_settings,
    credential_report,
    groups,
    identity_providers,
    instance_profiles,
    last_accessed,
    login_profiles,
    mfa,
    principal_policies,
    role_policies,
    roles,
    server_certificates,
    service_linked_roles,
    service_specific_credentials,
    user_credentials,
    users,
)

OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    **access_keys.OUTPUTS,
    **users.OUTPUTS,
    **groups.OUTPUTS,
    **principal_policies.OUTPUTS,
    **mfa.OUTPUTS,
    **login_profiles.OUTPUTS,
    **service_linked_roles.OUTPUTS,
    **credential_report.OUTPUTS,
    **roles.OUTPUTS,
    **role_policies.OUTPUTS,
    **instance_profiles.OUTPUTS,
    **identity_providers.OUTPUTS,
    **account.OUTPUTS,
    **user_credentials.OUTPUTS,
    **server_certificates.OUTPUTS,
    **service_specific_credentials.OUTPUTS,
    **last_accessed.OUTPUTS,
    **account_settings.OUTPUTS,
    **absent_features.OUTPUTS,
}
