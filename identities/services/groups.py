"""Writes on IAM groups: CreateGroup, UpdateGroup, DeleteGroup, AddUserToGroup, RemoveUserFromGroup.

Group names are unique per account ignoring case (a database constraint decides between concurrent creates). A user
belongs to at most 10 groups: memberships are counted under a lock on the user's row, so concurrent additions cannot
both take the last place.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, ids, quotas
from iamconsole.errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from identities.models import Group, GroupMembership, InlinePolicy, PolicyAttachment
from identities.selectors.groups import group_not_found
from identities.services.inserts import insert_unique
from identities.services.named import lock_named, rename_and_move
from identities.services.users import lock_user

MAX_GROUPS_PER_USER = 10


def lock_group(account: Account, group_name: str) -> Group:
    """The named group, locked for the rest of the transaction; ``NoSuchEntity`` when it does not exist."""
    return lock_named(Group, account, group_name, group_not_found)


@transaction.atomic
def create_group(*, account: Account, group_name: str, path: str = "/") -> Group:
    """CreateGroup: a new group with an ``AGPA…`` id; ``EntityAlreadyExists`` when the name is taken (ignoring
    case), ``LimitExceeded`` past the groups quota (300 unless ``IAM_QUOTA_GROUPS`` says otherwise)."""
    domain.validate_name(group_name, member="GroupName", field="group_name", max_length=domain.GROUP_NAME_MAX)
    domain.validate_path(path)
    Account.objects.select_for_update().filter(pk=account.pk).first()
    quotas.check("groups", Group.objects.filter(account=account).count())
    return insert_unique(
        Group,
        duplicate=EntityAlreadyExists(f"Group with name {group_name} already exists.", field="group_name"),
        account=account,
        group_id=ids.unique_id(ids.IdPrefix.GROUP),
        name=group_name,
        path=path,
        created_at=timezone.now(),
    )


@transaction.atomic
def update_group(
    *, account: Account, group_name: str, new_group_name: str | None = None, new_path: str | None = None
) -> None:
    """UpdateGroup: rename the group and/or move it to a new path; members and policies stay with it."""
    rename_and_move(
        lambda: lock_group(account, group_name),
        kind="Group",
        new_name=new_group_name,
        new_path=new_path,
        member="NewGroupName",
        field="new_group_name",
        max_length=domain.GROUP_NAME_MAX,
    )


@transaction.atomic
def delete_group(*, account: Account, group_name: str) -> None:
    """DeleteGroup: ``DeleteConflict`` while the group has members, inline policies or attached policies."""
    group = lock_group(account, group_name)
    if GroupMembership.objects.filter(group=group).exists():
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    if InlinePolicy.objects.filter(group=group).exists():
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if PolicyAttachment.objects.filter(group=group).exists():
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    group.delete()


@transaction.atomic
def add_user_to_group(*, account: Account, group_name: str, user_name: str) -> None:
    """AddUserToGroup: make the user a member (adding a member again changes nothing).

    ``LimitExceeded`` ("Cannot exceed quota for GroupsPerUser: 10") when the user is already in 10 groups.
    """
    group = Group.objects.filter(account=account, name__iexact=group_name).first()
    if group is None:
        raise group_not_found(group_name)
    user = lock_user(account, user_name)
    memberships = GroupMembership.objects.filter(user=user)
    if memberships.filter(group=group).exists():
        return
    if memberships.count() >= MAX_GROUPS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}")
    GroupMembership.objects.create(group=group, user=user)


@transaction.atomic
def remove_user_from_group(*, account: Account, group_name: str, user_name: str) -> None:
    """RemoveUserFromGroup: end the membership; ``NoSuchEntity`` when the group, the user or the membership is
    missing."""
    group = Group.objects.filter(account=account, name__iexact=group_name).first()
    if group is None:
        raise group_not_found(group_name)
    user = lock_user(account, user_name)
    deleted, _ = GroupMembership.objects.filter(group=group, user=user).delete()
    if not deleted:
        raise NoSuchEntity(f"User {user.name} is not in group {group.name}.", field="user_name")


__all__ = [
    "MAX_GROUPS_PER_USER",
    "add_user_to_group",
    "create_group",
    "delete_group",
    "lock_group",
    "remove_user_from_group",
    "update_group",
]
