"""What authorizing a request on an existing user or role needs to know of it, read once per call in one query: its
path (for the resource ARN), its tags (``aws:ResourceTag/*``) and its permissions boundary (``iam:PermissionsBoundary``
when the boundary is removed). The operations table looks it up once and hands it to every builder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Account
from iamconsole.dbvalues import RowReader
from identities.models import Role, User

__all__ = ["EntityFacts", "find_role", "role_facts", "user_facts"]

_FIELDS = ("pk", "name", "path", "tags", "permissions_boundary__arn")


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """An existing user or role as authorization sees it."""

    pk: int
    name: str
    path: str
    tags: Mapping[str, str] = field(default_factory=dict)
    permissions_boundary_arn: str | None = None
    #: The whole row when it was read whole (a role's): GetRole answers it and DeleteRole deletes it without reading
    #: it again.
    row: Any = field(default=None, compare=False, repr=False)


def _facts(row: tuple[int, str, str, dict[str, str] | None, str | None] | None) -> EntityFacts | None:
    if row is None:
        return None
    pk, name, path, tags, boundary = row
    return EntityFacts(pk=pk, name=name, path=path, tags=dict(tags or {}), permissions_boundary_arn=boundary)


def user_facts(*, account: Account, user_name: str) -> EntityFacts | None:
    """The named user's path, tags and boundary in one query, or None when the account has no such user."""
    return _facts(User.objects.filter(account=account, name__iexact=user_name).values_list(*_FIELDS).first())


#: A role by name in its account ignoring case, as ``name__iexact`` reads it (``UPPER`` on both sides, which the
#: ``UPPER(name), account`` index serves; on SQLite both fold ASCII letters only, as its ``LIKE`` does), the first
#: by id as ``first()`` takes it, its permissions boundary joined.
_ROLE_BY_NAME = "t.account_id = %s AND UPPER(t.name) = UPPER(%s) ORDER BY t.id LIMIT 1"
_ROLE = RowReader(Role, where=_ROLE_BY_NAME, related=("permissions_boundary",))
_LOCKED_ROLE = RowReader(Role, where=_ROLE_BY_NAME, related=("permissions_boundary",), lock=True)


def find_role(*, account: Account, role_name: str, lock: bool = False) -> Role | None:
    """The named role, its boundary and account at hand, in one precomposed query (every operation on a role reads
    it); None when the account has none. ``lock`` locks the row for the rest of the transaction."""
    role = (_LOCKED_ROLE if lock else _ROLE).one([account.pk, role_name])
    if role is not None:
        Role.account.field.set_cached_value(role, account)
    return role


def role_facts(*, account: Account, role_name: str, lock: bool = False) -> EntityFacts | None:
    """The named role's path, tags and boundary, and its whole row, in one query; None when the account has no such
    role. ``lock`` as for :func:`find_role`."""
    role = find_role(account=account, role_name=role_name, lock=lock)
    if role is None:
        return None
    boundary = role.permissions_boundary
    return EntityFacts(
        pk=role.pk,
        name=role.name,
        path=role.path,
        tags=dict(role.tags or {}),
        permissions_boundary_arn=boundary.arn if boundary is not None else None,
        row=role,
    )
