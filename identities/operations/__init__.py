"""The identities app's operations, one module per entity, merged into one table."""

from identities.operations import access_keys, mfa

OPERATIONS = (
    *access_keys.OPERATIONS,
    *mfa.OPERATIONS,
)
