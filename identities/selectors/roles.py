"""Reads on IAM roles (GetRole, ListRoles, ListRoleTags), scoped to one account.

Role names compare ignoring case, as IAM's do; a role outside the account is ``NoSuchEntity`` like a missing one.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, cast

from django.db.models.functions import Lower

from accounts.models import Account
from iamconsole.actors import RequestContext, Source
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, Sorts, Window, paginate_window
from identities.models import Role
from identities.selectors.named import list_columns_under_path, list_named_tags, list_under_path
from identities.selectors.targets import EntityFacts, find_role
from identities.selectors.users import TagPage, filter_path_prefix

__all__ = [
    "ListedRole",
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


class ListedRole(NamedTuple):
    """A role as the Query API's ListRoles returns it: the columns of botocore's ``Role`` shape without the members
    AWS leaves out of a list (boundary, tags, last use), read as one tuple per row."""

    pk: int
    path: str
    name: str
    role_id: str
    created_at: datetime
    assume_role_policy_document: str
    max_session_duration: int
    description: str
    account_id: str


#: The columns of :class:`ListedRole` read from the table (the account's id is the call's).
_LISTED_COLUMNS = ListedRole._fields[:-1]


#: The console's orders of the Roles list (``window=``).
ROLE_SORTS: Sorts = {"name": Lower("name"), "last_activity": "last_used_at", "created": "created_at"}


def list_roles(
    *,
    account: Account,
    path_prefix: str = "/",
    marker: str | None = None,
    max_items: int | None = None,
    window: Window | None = None,
    request: RequestContext | None = None,
) -> Page[Role] | Page[ListedRole]:
    """ListRoles: the roles whose path starts with ``path_prefix``, oldest first, one query per page.

    ``window`` (console only) asks instead for the roles whose name, description or trust policy contains a text (the
    trust policy names the trusted entities: ``ec2`` finds the roles EC2 assumes), in a column's order
    (:data:`ROLE_SORTS`), one page of them: a query for the page and one for the count.

    The Query API (``request`` from it) gets the same page as :class:`ListedRole` tuples, since its answer holds
    nothing else; the other faces get the roles with their account and boundary.
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
    if request is not None and request.source is Source.QUERY:
        page = list_columns_under_path(
            Role,
            account=account,
            path_prefix=path_prefix,
            columns=_LISTED_COLUMNS,
            marker=marker,
            max_items=max_items,
        )
        account_id = account.account_id
        rows = [ListedRole._make((*row, account_id)) for row in page.items]
        return Page(items=rows, is_truncated=page.is_truncated, marker=page.marker)
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
