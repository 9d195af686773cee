"""What authorizing a request on an existing user or role needs to know of it, read once per call in one query: its
path (for the resource ARN), its tags (``aws:ResourceTag/*``) and its permissions boundary (``iam:PermissionsBoundary``
when the boundary is removed). The operations table looks it up once and hands it to every builder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from accounts.models import Account
from identities.models import Role, User

__all__ = ["EntityFacts", "role_facts", "user_facts"]

_FIELDS = ("pk", "name", "path", "tags", "permissions_boundary__arn")


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """An existing user or role as authorization sees it."""

    pk: int
    name: str
    path: str
    tags: Mapping[str, str] = field(default_factory=dict)
    permissions_boundary_arn: str | None = None


def _facts(row: tuple[int, str, str, dict[str, str] | None, str | None] | None) -> EntityFacts | None:
    if row is None:
        return None
    pk, name, path, tags, boundary = row
    return EntityFacts(pk=pk, name=name, path=path, tags=dict(tags or {}), permissions_boundary_arn=boundary)


def user_facts(*, account: Account, user_name: str) -> EntityFacts | None:
    """The named user's path, tags and boundary in one query, or None when the account has no such user."""
    return _facts(User.objects.filter(account=account, name__iexact=user_name).values_list(*_FIELDS).first())


def role_facts(*, account: Account, role_name: str) -> EntityFacts | None:
    """The named role's path, tags and boundary in one query, or None when the account has no such role."""
    return _facts(Role.objects.filter(account=account, name__iexact=role_name).values_list(*_FIELDS).first())
