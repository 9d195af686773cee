"""Reads on IAM roles (GetRole, ListRoles, ListRoleTags), scoped to one account.

Role names compare ignoring case, as IAM's do; a role outside the account is ``NoSuchEntity`` like a missing one.
"""

from __future__ import annotations

from typing import cast

from django.db.models.functions import Lower

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, Sorts, Window, paginate_window
from identities.models import Role
from identities.selectors.named import list_named_tags, list_under_path
from identities.selectors.targets import EntityFacts, find_role
from identities.selectors.users import TagPage, filter_path_prefix

__all__ = [
    "get_role",
    "list_role_tags",
    "list_roles",
    "no_such_role",
]


def no_such_role(role_name: str) -> NoSuchEntity:
    """AWS's answer for a role that does not exist: "The role with name X cannot be found."."""
    return NoSuchEntity(f"The role with name {role_name} cannot be found.", field="role_name")


def get_role(*, account: Account, role_name: str, target: EntityFacts | None = None) -> Role:
    """GetRole: the role with its permissions boundary, trust policy, tags and last use; ``NoSuchEntity`` otherwise.

    ``target`` is the role as the operation looked it up already (its whole row), so it is not read twice."""
    role = (
        target.row if target is not None and target.row is not None else find_role(account=account, role_name=role_name)
    )
    if role is None:
        raise no_such_role(role_name)
    return cast(Role, role)


#: The console's orders of the Roles list (``window=``).
ROLE_SORTS: Sorts = {"name": Lower("name"), "last_activity": "last_used_at", "created": "created_at"}


def list_roles(
    *,
    account: Account,
    path_prefix: str = "/",
    marker: str | None = None,
    max_items: int | None = None,
    window: Window | None = None,
) -> Page[Role]:
    """ListRoles: the roles whose path starts with ``path_prefix``, oldest first, one query per page.

    ``window`` (console only) asks instead for the roles whose name, description or trust policy contains a text (the
    trust policy names the trusted entities: ``ec2`` finds the roles EC2 assumes), in a column's order
    (:data:`ROLE_SORTS`), one page of them: a query for the page and one for the count.
    """
    if window is not None:
        roles = filter_path_prefix(
            Role.objects.filter(account=account).select_related("account", "permissions_boundary"), path_prefix
        )
        return paginate_window(
            roles,
            window,
            search=("name", "description", "assume_role_policy_document"),
            sorts=ROLE_SORTS,
            default_sort="name",
        )
    return list_under_path(
        Role,
        account=account,
        path_prefix=path_prefix,
        related=("account", "permissions_boundary"),
        marker=marker,
        max_items=max_items,
    )


def list_role_tags(
    *, account: Account, role_name: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListRoleTags: the role's tags, sorted by key."""
    return list_named_tags(
        Role, account=account, name=role_name, not_found=no_such_role, marker=marker, max_items=max_items
    )
