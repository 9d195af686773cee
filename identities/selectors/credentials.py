"""The actor-less reads that authenticate API requests: one precomposed query per request.

Every signed request looks its access key up, so this read skips the ORM's query compilation (see
``iamconsole.dbvalues``) and returns a small value object instead of model instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from accounts.models import Account
from iamconsole.dbvalues import fetch_row, json_value
from identities.models import AccessKey, User


@dataclass(frozen=True, slots=True)
class LongTermKey:
    """An access key as authentication needs it: its secret, status, account and owner (None for root)."""

    access_key_id: str
    secret_encrypted: str
    active: bool
    account_id: str
    user_pk: int | None
    user_id: str | None
    user_name: str | None
    user_path: str | None
    user_tags: dict[str, str]


@cache
def _long_term_key_sql() -> str:
    key, account, user = AccessKey._meta.db_table, Account._meta.db_table, User._meta.db_table
    return (
        f"SELECT k.secret_encrypted, k.status, a.account_id, u.id, u.user_id, u.name, u.path, u.tags "  # noqa: S608
        f"FROM {key} k JOIN {account} a ON a.id = k.account_id LEFT JOIN {user} u ON u.id = k.user_id "
        f"WHERE k.access_key_id = %s"
    )


def find_long_term_key(access_key_id: str) -> LongTermKey | None:
    """The ``AKIA…`` key with that id, for authentication only (no account scope: the key names its account)."""
    row = fetch_row(_long_term_key_sql(), [access_key_id])
    if row is None:
        return None
    secret, status, account_id, user_pk, user_id, name, path, tags = row
    return LongTermKey(
        access_key_id=access_key_id,
        secret_encrypted=secret,
        active=status == AccessKey.Status.ACTIVE,
        account_id=account_id,
        user_pk=user_pk,
        user_id=user_id,
        user_name=name,
        user_path=path,
        user_tags=dict(json_value(tags) or {}),
    )
