"""The identities app's operations, one module per entity, merged into one table."""

from identities.operations import (
    access_keys,
    account,
    credential_report,
    groups,
    identity_providers,
    instance_profiles,
    login_profiles,
    mfa,
    principal_policies,
    role_policies,
    roles,
    server_certificates,
    service_linked_roles,
    simulation,
    user_credentials,
    users,
)

OPERATIONS = (
    *access_keys.OPERATIONS,
    *mfa.OPERATIONS,
    *login_profiles.OPERATIONS,
    *users.OPERATIONS,
    *groups.OPERATIONS,
    *principal_policies.OPERATIONS,
    *service_linked_roles.OPERATIONS,
    *credential_report.OPERATIONS,
    *roles.OPERATIONS,
    *role_policies.OPERATIONS,
    *instance_profiles.OPERATIONS,
    *identity_providers.OPERATIONS,
    *account.OPERATIONS,
    *simulation.OPERATIONS,
    *user_credentials.OPERATIONS,
    *server_certificates.OPERATIONS,
)
