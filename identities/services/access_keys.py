"""Access keys of IAM users and of root users."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import crypto, ids
from iamconsole.errors import LimitExceeded, NoSuchEntity, constraint_error
from identities.models import AccessKey
from identities.services.users import lock_user_or_root

MAX_ACCESS_KEYS_PER_PRINCIPAL = 2


@dataclass(frozen=True, slots=True)
class NewAccessKey:
    """A created access key with its secret, which is shown this once and never again."""

    access_key: AccessKey
    secret_access_key: str


@transaction.atomic
def create_access_key(*, account: Account, user_name: str | None = None) -> NewAccessKey:
    """Create an access key for the user, or for the root user when no user is named.

    At most two keys per principal, inactive ones included (``LimitExceeded``). The secret is encrypted at rest.
    """
    user = lock_user_or_root(account, user_name)
    if AccessKey.objects.filter(account=account, user=user).count() >= MAX_ACCESS_KEYS_PER_PRINCIPAL:
        raise LimitExceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS_PER_PRINCIPAL}")
    secret = ids.secret_access_key()
    key = AccessKey.objects.create(
        access_key_id=ids.access_key_id(),
        account=account,
        user=user,
        secret_encrypted=crypto.encrypt(secret),
        created_at=timezone.now(),
    )
    return NewAccessKey(access_key=key, secret_access_key=secret)


def _get_key(account: Account, access_key_id: str, user_name: str | None) -> AccessKey:
    # No user name means the root user's own keys, as IAM infers the user from the caller.
    user = lock_user_or_root(account, user_name)
    key = AccessKey.objects.select_for_update().filter(account=account, access_key_id=access_key_id, user=user).first()
    if key is None:
        raise NoSuchEntity(f"The Access Key with id {access_key_id} cannot be found.", field="access_key_id")
    return key


@transaction.atomic
def update_access_key(*, account: Account, access_key_id: str, status: str, user_name: str | None = None) -> AccessKey:
    """Make a key ``Active`` or ``Inactive``; an inactive key fails authentication at once."""
    if status not in AccessKey.Status.values:
        raise constraint_error(
            "Status", status, "Member must satisfy enum value set: [Active, Expired, Inactive]", field="status"
        )
    key = _get_key(account, access_key_id, user_name)
    key.status = status
    key.save(update_fields=["status"])
    return key


@transaction.atomic
def delete_access_key(*, account: Account, access_key_id: str, user_name: str | None = None) -> None:
    """Delete a key for good; requests signed with it fail from then on."""
    _get_key(account, access_key_id, user_name).delete()


def record_access_key_use(*, access_key_id: str, service: str, region: str) -> None:
    """Note the time, service and region of a key's use (GetAccessKeyLastUsed); callers throttle it."""
    AccessKey.objects.filter(access_key_id=access_key_id).update(
        last_used_at=timezone.now(), last_used_service=service, last_used_region=region
    )
