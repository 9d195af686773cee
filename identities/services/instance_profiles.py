"""Writes on instance profiles: CreateInstanceProfile, DeleteInstanceProfile, AddRoleToInstanceProfile,
RemoveRoleFromInstanceProfile, TagInstanceProfile, UntagInstanceProfile.

Mirrors the IAM API Reference and "IAM and AWS STS quotas": at most ``IAM_QUOTA_INSTANCE_PROFILES`` profiles per
account (counted under a lock on the account row), names unique ignoring case, ids ``AIPA…``, and one role per
profile, a quota AWS never raises ("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, ids, quotas
from iamconsole.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from identities.models import InstanceProfile
from identities.selectors.instance_profiles import no_such_instance_profile
from identities.services import tagging
from identities.services.inserts import insert_unique
from identities.services.named import lock_named
from identities.services.roles import lock_role

__all__ = [
    "add_role_to_instance_profile",
    "create_instance_profile",
    "delete_instance_profile",
    "remove_role_from_instance_profile",
    "tag_instance_profile",
    "untag_instance_profile",
]


ROLES_PER_INSTANCE_PROFILE = 1
INSTANCE_PROFILE_NAME_MAX = 128


def _lock_profile(account: Account, name: str) -> InstanceProfile:
    return lock_named(InstanceProfile, account, name, no_such_instance_profile)


def _already_exists(name: str) -> EntityAlreadyExists:
    return EntityAlreadyExists(f"Instance Profile {name} already exists.", field="instance_profile_name")


@transaction.atomic
def create_instance_profile(
    *, account: Account, instance_profile_name: str, path: str = "/", tags: Sequence[Any] | None = None
) -> InstanceProfile:
    """CreateInstanceProfile: an empty profile; ``EntityAlreadyExists`` for a taken name, ``LimitExceeded`` past
    the account's quota."""
    domain.validate_name(
        instance_profile_name,
        member="InstanceProfileName",
        field="instance_profile_name",
        max_length=INSTANCE_PROFILE_NAME_MAX,
    )
    domain.validate_path(path)
    tag_map = domain.validate_tags(tags)
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if InstanceProfile.objects.filter(account=account, name__iexact=instance_profile_name).exists():
        raise _already_exists(instance_profile_name)
    quotas.check("instance_profiles", InstanceProfile.objects.filter(account=account).count())
    return insert_unique(
        InstanceProfile,
        duplicate=_already_exists(instance_profile_name),
        account=account,
        instance_profile_id=ids.unique_id(ids.IdPrefix.INSTANCE_PROFILE),
        name=instance_profile_name,
        path=path,
        tags=tag_map,
        created_at=timezone.now(),
    )


@transaction.atomic
def delete_instance_profile(*, account: Account, instance_profile_name: str) -> None:
    """DeleteInstanceProfile: ``DeleteConflict`` while the profile holds a role."""
    profile = _lock_profile(account, instance_profile_name)
    if profile.role_id is not None:
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    profile.delete()


@transaction.atomic
def add_role_to_instance_profile(*, account: Account, instance_profile_name: str, role_name: str) -> None:
    """AddRoleToInstanceProfile: a profile holds at most one role (``LimitExceeded``, even for the same role)."""
    profile = _lock_profile(account, instance_profile_name)
    role = lock_role(account, role_name)
    if profile.role_id is not None:
        raise LimitExceeded(f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {ROLES_PER_INSTANCE_PROFILE}")
    profile.role = role
    profile.save(update_fields=["role"])


@transaction.atomic
def remove_role_from_instance_profile(*, account: Account, instance_profile_name: str, role_name: str) -> None:
    """RemoveRoleFromInstanceProfile: ``NoSuchEntity`` when the role is unknown or not in the profile."""
    profile = _lock_profile(account, instance_profile_name)
    role = lock_role(account, role_name)
    if profile.role_id != role.pk:
        raise NoSuchEntity(
            f"The role with name {role_name} cannot be found in instance profile {profile.name}.", field="role_name"
        )
    profile.role = None
    profile.save(update_fields=["role"])


@transaction.atomic
def tag_instance_profile(*, account: Account, instance_profile_name: str, tags: Sequence[Any]) -> None:
    """TagInstanceProfile: add tags, replacing the value of a key already there (ignoring case); at most 50."""
    tagging.tag(lambda: _lock_profile(account, instance_profile_name), tags, quota_name="TagsPerInstanceProfile")


@transaction.atomic
def untag_instance_profile(*, account: Account, instance_profile_name: str, tag_keys: Sequence[str]) -> None:
    """UntagInstanceProfile: remove the tags with those keys; unknown keys are ignored."""
    tagging.untag(lambda: _lock_profile(account, instance_profile_name), tag_keys)
