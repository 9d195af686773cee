"""Writes on IAM users: CreateUser, UpdateUser, DeleteUser, TagUser, UntagUser.

Names are unique per account ignoring case; the database's functional unique constraint decides between two
concurrent creates (one succeeds, the other gets ``EntityAlreadyExists``). The users quota is counted under a lock on
the account row, so concurrent creates cannot both take the last place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, ids, quotas
from iamconsole.errors import DeleteConflict, EntityAlreadyExists
from identities.models import (
    AccessKey,
    GroupMembership,
    InlinePolicy,
    LoginProfile,
    MFADevice,
    PolicyAttachment,
    ServiceSpecificCredential,
    SigningCertificate,
    SSHPublicKey,
    User,
)
from identities.selectors.users import user_not_found
from identities.services import tagging
from identities.services.inserts import insert_unique
from identities.services.named import lock_named, rename_and_move
from identities.services.policy_arns import resolve_boundary
from policies.models import ManagedPolicy


def user_exists(user_name: str) -> EntityAlreadyExists:
    """AWS's ``EntityAlreadyExists`` for a taken user name."""
    return EntityAlreadyExists(f"User with name {user_name} already exists.", field="user_name")


def lock_user(account: Account, user_name: str) -> User:
    """The named user, locked for the rest of the transaction; ``NoSuchEntity`` when it does not exist."""
    return lock_named(User, account, user_name, user_not_found)


def lock_user_or_root(account: Account, user_name: str | None) -> User | None:
    """Lock the owner of keys or MFA devices: the named user, or the account row for the root user (None).

    Concurrent creates then count each other's keys and devices against their quotas.
    """
    if user_name is None:
        Account.objects.select_for_update().filter(pk=account.pk).first()
        return None
    return lock_user(account, user_name)


@transaction.atomic
def create_user(
    *,
    account: Account,
    user_name: str,
    path: str = "/",
    permissions_boundary: str | None = None,
    tags: Sequence[Any] | None = None,
) -> User:
    """CreateUser: a new user with an ``AIDA…`` id, optional path, permissions boundary and tags.

    ``EntityAlreadyExists`` when the name is taken (ignoring case); ``LimitExceeded`` past the users quota
    (5,000 unless ``IAM_QUOTA_USERS`` says otherwise); a boundary must be an existing managed policy.
    """
    domain.validate_name(user_name, member="UserName", field="user_name", max_length=domain.USER_NAME_MAX)
    domain.validate_path(path)
    tag_map = domain.validate_tags(tags)
    boundary: ManagedPolicy | None = None
    if permissions_boundary is not None:
        boundary = resolve_boundary(account, permissions_boundary, field="permissions_boundary")
    # Lock the account row: concurrent creates then count each other's users.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    quotas.check("users", User.objects.filter(account=account).count())
    user = insert_unique(
        User,
        duplicate=user_exists(user_name),
        account=account,
        user_id=ids.unique_id(ids.IdPrefix.USER),
        name=user_name,
        path=path,
        permissions_boundary=boundary,
        tags=tag_map,
        created_at=timezone.now(),
    )
    return user


@transaction.atomic
def update_user(
    *, account: Account, user_name: str, new_user_name: str | None = None, new_path: str | None = None
) -> None:
    """UpdateUser: rename the user and/or move it to a new path; its id, keys and policies stay with it.

    ``EntityAlreadyExists`` when the new name belongs to another user (ignoring case).
    """
    rename_and_move(
        lambda: lock_user(account, user_name),
        kind="User",
        new_name=new_user_name,
        new_path=new_path,
        member="NewUserName",
        field="new_user_name",
        max_length=domain.USER_NAME_MAX,
    )


#: What must be removed before DeleteUser succeeds, in the order AWS's documentation lists it, with its message.
_DELETE_CONFLICTS: tuple[tuple[type[Any], str], ...] = (
    (LoginProfile, "Cannot delete entity, must delete login profile first."),
    (AccessKey, "Cannot delete entity, must delete access keys first."),
    (SigningCertificate, "Cannot delete entity, must delete signing certificates first."),
    (SSHPublicKey, "Cannot delete entity, must delete SSH public keys first."),
    (ServiceSpecificCredential, "Cannot delete entity, must delete service specific credentials first."),
    (MFADevice, "Cannot delete entity, must delete MFA device first."),
    (InlinePolicy, "Cannot delete entity, must delete policies first."),
    (PolicyAttachment, "Cannot delete entity, must detach all policies first."),
    (GroupMembership, "Cannot delete entity, must remove users from group first."),
)


@transaction.atomic
def delete_user(*, account: Account, user_name: str) -> None:
    """DeleteUser: ``DeleteConflict`` while the user still has a login profile, access keys, MFA devices, inline
    or attached policies, or group memberships (AWS never removes them implicitly)."""
    user = lock_user(account, user_name)
    for model, message in _DELETE_CONFLICTS:
        if model.objects.filter(user=user).exists():
            raise DeleteConflict(message)
    user.delete()


@transaction.atomic
def tag_user(*, account: Account, user_name: str, tags: Sequence[Any]) -> None:
    """TagUser: add tags or overwrite the value of keys already present (keys compare ignoring case).

    ``LimitExceeded`` when the user would hold more than 50 tags.
    """
    tagging.tag(lambda: lock_user(account, user_name), tags, quota_name="TagsPerUser")


@transaction.atomic
def untag_user(*, account: Account, user_name: str, tag_keys: Sequence[str]) -> None:
    """UntagUser: remove the tags with those keys; keys the user does not have are ignored."""
    tagging.untag(lambda: lock_user(account, user_name), tag_keys)


@transaction.atomic
def put_user_permissions_boundary(*, account: Account, user_name: str, permissions_boundary: str) -> None:
    """PutUserPermissionsBoundary: set or replace the managed policy that bounds the user's permissions."""
    boundary = resolve_boundary(account, permissions_boundary, field="permissions_boundary")
    user = lock_user(account, user_name)
    user.permissions_boundary = boundary
    user.save(update_fields=["permissions_boundary"])


@transaction.atomic
def delete_user_permissions_boundary(*, account: Account, user_name: str) -> None:
    """DeleteUserPermissionsBoundary: remove the user's boundary (nothing to do when it has none)."""
    user = lock_user(account, user_name)
    if user.permissions_boundary_id is not None:
        user.permissions_boundary = None
        user.save(update_fields=["permissions_boundary"])


__all__ = [
    "create_user",
    "delete_user",
    "delete_user_permissions_boundary",
    "lock_user",
    "put_user_permissions_boundary",
    "tag_user",
    "untag_user",
    "update_user",
    "user_exists",
]
