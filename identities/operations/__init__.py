"""The identities app's operations, one module per entity, merged into one table."""

from identities.operations import access_keys, groups, login_profiles, mfa, principal_policies, users

OPERATIONS = (
    *access_keys.OPERATIONS,
    *mfa.OPERATIONS,
    *users.OPERATIONS,
    *groups.OPERATIONS,
    *principal_policies.OPERATIONS,
    *login_profiles.OPERATIONS,
)
