"""Reads on IAM groups: GetGroup (with its members), ListGroups, ListGroupsForUser."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, Sorts, Window, paginate, paginate_window
from identities.models import Group, GroupMembership, InlinePolicy, PolicyAttachment, User
from identities.selectors.named import get_named
from identities.selectors.users import filter_path_prefix, get_user_by_name


def group_not_found(group_name: str) -> NoSuchEntity:
    """AWS's ``NoSuchEntity`` for a group name that the account does not hold."""
    return NoSuchEntity(f"The group with name {group_name} cannot be found.", field="group_name")


def get_group_by_name(*, account: Account, group_name: str) -> Group:
    """The group of that name (ignoring case); ``NoSuchEntity`` otherwise."""
    return get_named(Group, account=account, name=group_name, not_found=group_not_found, related=("account",))


def group_path(*, account: Account, group_name: str) -> str:
    """The path of the named group, or ``/`` when it does not exist (to name the resource of a request)."""
    path = Group.objects.filter(account=account, name__iexact=group_name).values_list("path", flat=True).first()
    return path or "/"


@dataclass(frozen=True, slots=True)
class GroupWithUsers:
    """GetGroup's answer: the group and one page of its members."""

    group: Group
    users: Page[User]


def get_group(
    *, account: Account, group_name: str, marker: str | None = None, max_items: int | None = None
) -> GroupWithUsers:
    """GetGroup: the group and its members by name, paginated (two queries whatever the page size)."""
    group = get_group_by_name(account=account, group_name=group_name)
    members = User.objects.filter(memberships__group=group).select_related("account")
    return GroupWithUsers(group=group, users=paginate(members, key="name", marker=marker, max_items=max_items))


#: The console's orders of the User groups list (``window=``).
GROUP_SORTS: Sorts = {"name": Lower("name"), "users": "user_count", "created": "created_at"}


def list_groups(
    *,
    account: Account,
    path_prefix: str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
    window: Window | None = None,
) -> Page[Group]:
    """ListGroups: the account's groups whose path starts with ``path_prefix``, by name.

    ``window`` (console only) asks for the groups whose name contains a text, in a column's order
    (:data:`GROUP_SORTS`), one page of them, each with ``user_count`` and ``has_permissions`` (an attached or inline
    policy) computed in the same query.
    """
    groups = filter_path_prefix(Group.objects.filter(account=account).select_related("account"), path_prefix)
    if window is None:
        return paginate(groups, key="name", marker=marker, max_items=max_items)
    members = GroupMembership.objects.filter(group=OuterRef("pk")).order_by().values("group").annotate(n=Count("*"))
    groups = groups.annotate(
        user_count=Coalesce(Subquery(members.values("n"), output_field=IntegerField()), Value(0)),
        has_permissions=Exists(PolicyAttachment.objects.filter(group=OuterRef("pk")))
        | Exists(InlinePolicy.objects.filter(group=OuterRef("pk"))),
    )
    return paginate_window(groups, window, search=("name",), sorts=GROUP_SORTS, default_sort="name")


def list_groups_for_user(
    *, account: Account, user_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[Group]:
    """ListGroupsForUser: the groups the user belongs to, by name; ``NoSuchEntity`` when the user does not exist."""
    user = get_user_by_name(account=account, user_name=user_name)
    groups = Group.objects.filter(memberships__user=user).select_related("account")
    return paginate(groups, key="name", marker=marker, max_items=max_items)


__all__ = [
    "GroupWithUsers",
    "get_group",
    "get_group_by_name",
    "group_not_found",
    "group_path",
    "list_groups",
    "list_groups_for_user",
]
