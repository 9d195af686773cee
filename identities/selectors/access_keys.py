"""Reads on access keys, including the one actor-less read used to authenticate API requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import AccessKey, User
from identities.selectors.users import get_user_by_name


def _owner(account: Account, user_name: str | None) -> User | None:
    return get_user_by_name(account=account, user_name=user_name) if user_name else None


def list_access_keys(
    *, account: Account, user_name: str | None = None, marker: str | None = None, max_items: int | None = None
) -> Page[AccessKey]:
    """The access keys of the user, or of the root user when no user is named, oldest first."""
    user = _owner(account, user_name)
    keys = AccessKey.objects.filter(account=account, user=user).select_related("user")
    return paginate(keys, key="pk", marker=marker, max_items=max_items)


@dataclass(frozen=True, slots=True)
class AccessKeyLastUsed:
    """GetAccessKeyLastUsed's answer: the owner's name and the last use, if any."""

    user_name: str
    last_used_at: datetime | None
    service_name: str
    region: str


def get_access_key_last_used(*, account: Account, access_key_id: str) -> AccessKeyLastUsed:
    """When, where and for which service the key was last used (``N/A`` when never), as AWS answers."""
    key = AccessKey.objects.select_related("user").filter(account=account, access_key_id=access_key_id).first()
    if key is None:
        raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.", field="access_key_id")
    return AccessKeyLastUsed(
        user_name=key.user.name if key.user else "root",
        last_used_at=key.last_used_at,
        service_name=key.last_used_service or "N/A",
        region=key.last_used_region or "N/A",
    )


def access_key_owner_path(*, account: Account, access_key_id: str) -> tuple[str, str] | None:
    """The name and path of the IAM user owning the key, or None for a root key or an unknown one.

    GetAccessKeyLastUsed is authorized against the owner's ARN, which the request does not name.
    """
    row = (
        AccessKey.objects.filter(account=account, access_key_id=access_key_id, user__isnull=False)
        .values_list("user__name", "user__path")
        .first()
    )
    return (row[0], row[1]) if row else None
