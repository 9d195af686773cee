"""Reads on instance profiles: GetInstanceProfile, ListInstanceProfiles, ListInstanceProfilesForRole,
ListInstanceProfileTags.

Mirrors the IAM API Reference: an instance profile is listed with the role it holds (zero or one), in one query per
page whatever the number of profiles.
"""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import InstanceProfile, Role
from identities.selectors.named import get_named, list_named_tags, list_under_path
from identities.selectors.roles import no_such_role
from identities.selectors.users import TagPage

__all__ = [
    "get_instance_profile",
    "instance_profile_path",
    "list_instance_profile_tags",
    "list_instance_profiles",
    "list_instance_profiles_for_role",
    "no_such_instance_profile",
]


def no_such_instance_profile(name: str) -> NoSuchEntity:
    """AWS's answer for an unknown instance profile: "Instance Profile NAME cannot be found."."""
    return NoSuchEntity(f"Instance Profile {name} cannot be found.", field="instance_profile_name")


def get_instance_profile(*, account: Account, instance_profile_name: str) -> InstanceProfile:
    """GetInstanceProfile: the profile with its role; ``NoSuchEntity`` otherwise."""
    return get_named(
        InstanceProfile,
        account=account,
        name=instance_profile_name,
        not_found=no_such_instance_profile,
        related=("account", "role"),
    )


def list_instance_profiles(
    *, account: Account, path_prefix: str = "/", marker: str | None = None, max_items: int | None = None
) -> Page[InstanceProfile]:
    """ListInstanceProfiles: the profiles whose path starts with ``path_prefix``, oldest first, with their roles."""
    return list_under_path(
        InstanceProfile,
        account=account,
        path_prefix=path_prefix,
        related=("account", "role"),
        marker=marker,
        max_items=max_items,
    )


def list_instance_profiles_for_role(
    *, account: Account, role_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[InstanceProfile]:
    """ListInstanceProfilesForRole: the profiles holding the role; ``NoSuchEntity`` for an unknown role."""
    role = Role.objects.filter(account=account, name__iexact=role_name).first()
    if role is None:
        raise no_such_role(role_name)
    profiles = InstanceProfile.objects.select_related("account", "role").filter(account=account, role=role)
    return paginate(profiles, key="pk", marker=marker, max_items=max_items)


def instance_profile_path(*, account: Account, instance_profile_name: str) -> str:
    """The path of the named profile, or ``/`` when it does not exist (to name the resource of a request)."""
    path = (
        InstanceProfile.objects.filter(account=account, name__iexact=instance_profile_name)
        .values_list("path", flat=True)
        .first()
    )
    return path or "/"


def list_instance_profile_tags(
    *, account: Account, instance_profile_name: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListInstanceProfileTags: the profile's tags, sorted by key."""
    return list_named_tags(
        InstanceProfile,
        account=account,
        name=instance_profile_name,
        not_found=no_such_instance_profile,
        marker=marker,
        max_items=max_items,
    )
