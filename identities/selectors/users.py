"""Reads on IAM users: GetUser, ListUsers, ListUserTags, and the lookups other modules name users by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Left, Lower, Now

from accounts.models import Account
from iamconsole.arn import root_arn
from iamconsole.domain import tag_list, validate_path_prefix
from iamconsole.errors import NoSuchEntity, ValidationError
from iamconsole.pagination import (
    Page,
    Sorts,
    Window,
    check_max_items,
    decode_marker,
    encode_marker,
    paginate,
    paginate_window,
)
from identities.models import AccessKey, GroupMembership, MFADevice, User


def user_not_found(user_name: str) -> NoSuchEntity:
    """AWS's ``NoSuchEntity`` for a user name that the account does not hold."""
    return NoSuchEntity(f"The user with name {user_name} cannot be found.", field="user_name")


def get_user_by_name(*, account: Account, user_name: str) -> User:
    """The user of that name (names compare ignoring case, as IAM's do); ``NoSuchEntity`` otherwise."""
    user = User.objects.select_related("account").filter(account=account, name__iexact=user_name).first()
    if user is None:
        raise user_not_found(user_name)
    return user


def find_user_by_unique_id(*, account: Account, user_id: str) -> User | None:
    """The user with that ``AIDA…`` id in the account, or None (console sessions keep the id, not the name)."""
    return User.objects.select_related("account").filter(account=account, user_id=user_id).first()


def user_path_and_tags(*, account: Account, user_name: str) -> tuple[str, dict[str, str]] | None:
    """The path and tags of the named user in one query, or None: what a request's resource ARN and
    ``aws:ResourceTag/*`` keys are built from."""
    row = User.objects.filter(account=account, name__iexact=user_name).values_list("path", "tags").first()
    return (row[0], dict(row[1] or {})) if row else None


@dataclass(frozen=True, slots=True)
class RootUser:
    """GetUser's answer for the root user: the account id as ``UserId`` and the root ARN, no name or path."""

    account_id: str
    created_at: datetime

    @property
    def arn(self) -> str:
        return root_arn(self.account_id)


def get_user(*, account: Account, user_name: str | None = None) -> User | RootUser:
    """GetUser: the named user with its boundary and tags; without a name, the root user of the account.

    The operation fills in the calling IAM user's name when ``UserName`` is left out, as AWS infers it.
    """
    if user_name is None:
        return RootUser(account_id=account.account_id, created_at=account.created_at)
    user = (
        User.objects.select_related("account", "permissions_boundary")
        .filter(account=account, name__iexact=user_name)
        .first()
    )
    if user is None:
        raise user_not_found(user_name)
    return user


def filter_path_prefix(queryset: QuerySet[Any], path_prefix: str | None) -> QuerySet[Any]:
    """Keep the rows whose path starts with ``path_prefix``, case-sensitively as AWS compares paths.

    ``startswith`` is LIKE on SQLite, which ignores case: compare the leading characters instead.
    """
    if not path_prefix or path_prefix == "/":
        return queryset
    prefix = validate_path_prefix(path_prefix)
    filtered: QuerySet[Any] = queryset.annotate(_path_head=Left("path", len(prefix))).filter(_path_head=prefix)
    return filtered


def _age(moment: str) -> ExpressionWrapper[Any]:
    """How old ``moment`` (a column or annotation) is now: the ages the list shows sort by the age itself, youngest
    first, as the column reads."""
    return ExpressionWrapper(Now() - F(moment), output_field=DurationField())


#: The console's orders of the Users list (``window=``), over :func:`with_activity`'s columns, each computed in the
#: page's query: names and paths ignoring case, as people read them; moments ("Console last sign-in", "Last
#: activity", "Access key last used") earliest first, as the Roles list's Last activity; ages youngest first; counts
#: smallest first. Rows without a value come last either way.
USER_SORTS: Sorts = {
    "name": Lower("name"),
    "path": Lower("path"),
    "created": "created_at",
    "last_sign_in": "password_last_used",
    "groups": "group_count",
    "last_activity": "last_activity",
    "mfa": "mfa_count",
    "password_age": _age("password_changed_at"),
    "access_key": "key_id",
    # The age of the active key only: an inactive one shows no age, so it sorts with the users without a key.
    "key_age": Case(When(key_status="Active", then=_age("key_created_at")), output_field=DurationField()),
    "key_last_used": "key_last_used",
}


def list_users(
    *,
    account: Account,
    path_prefix: str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
    window: Window | None = None,
) -> Page[User]:
    """ListUsers: the account's users whose path starts with ``path_prefix``, by name, one query per page.

    ``window`` (console only) asks instead for the users whose name or path contains a text, in a column's order
    (:data:`USER_SORTS`), one page of them, each with what the console's columns show (:func:`with_activity`): a
    query for the page and one for the count.
    """
    users = filter_path_prefix(User.objects.filter(account=account).select_related("account"), path_prefix)
    if window is not None:
        return paginate_window(
            with_activity(users), window, search=("name", "path"), sorts=USER_SORTS, default_sort="name"
        )
    return paginate(users, key="name", marker=marker, max_items=max_items)


def with_activity(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` with the console list's columns computed by the database in the same query: ``group_count``,
    ``mfa_count``, ``password_changed_at`` (None without a login profile), the first key (active ones first, then
    oldest) as ``key_id``, ``key_status`` and ``key_created_at``, ``key_last_used`` (the latest use of any key) and
    ``last_activity`` (the later of that and the last console sign-in).

    Correlated subqueries, not joins: a user's groups, devices and keys do not multiply its row, and PostgreSQL
    evaluates them only for the rows of the page. ``count()`` leaves the unused annotations out.
    """
    own = {"user": OuterRef("pk")}
    groups = GroupMembership.objects.filter(**own).order_by().values("user").annotate(n=Count("*")).values("n")
    devices = MFADevice.objects.filter(**own).order_by().values("user").annotate(n=Count("*")).values("n")
    # "Active" sorts before "Inactive": the first active key, else the first inactive one.
    first_key = AccessKey.objects.filter(**own).order_by("status", "created_at", "pk")
    key_used = AccessKey.objects.filter(**own).order_by().values("user").annotate(at=Max("last_used_at")).values("at")
    annotated: QuerySet[User] = users.annotate(
        group_count=Coalesce(Subquery(groups, output_field=IntegerField()), Value(0)),
        mfa_count=Coalesce(Subquery(devices, output_field=IntegerField()), Value(0)),
        password_changed_at=F("login_profile__password_changed_at"),
        key_id=Subquery(first_key.values("access_key_id")[:1]),
        key_status=Subquery(first_key.values("status")[:1]),
        key_created_at=Subquery(first_key.values("created_at")[:1]),
        key_last_used=Subquery(key_used),
    ).annotate(
        # GREATEST skips NULLs on PostgreSQL but not on SQLite: give each side the other as its fallback.
        last_activity=Greatest(
            Coalesce("password_last_used", "key_last_used"), Coalesce("key_last_used", "password_last_used")
        )
    )
    return annotated


@dataclass(frozen=True, slots=True)
class TagPage:
    """One page of an entity's tags (``[{"Key", "Value"}]``), as the List…Tags operations return them."""

    tags: list[dict[str, str]]
    is_truncated: bool = False
    marker: str | None = None


def page_tags(tags: dict[str, str], *, marker: str | None, max_items: int | None) -> TagPage:
    """Paginate an entity's tags by key; the marker holds the next position."""
    limit = check_max_items(max_items)
    start = int(decode_marker(marker)) if marker else 0
    if start < 0:
        raise ValidationError("Invalid Marker.", field="marker")
    # Sorted by key: the stored object's key order differs between databases (PostgreSQL's jsonb reorders keys).
    listed = sorted(tag_list(tags), key=lambda tag: (tag["Key"].lower(), tag["Key"]))
    chunk = listed[start : start + limit]
    if start + limit < len(listed):
        return TagPage(tags=chunk, is_truncated=True, marker=encode_marker(start + limit))
    return TagPage(tags=chunk)


def list_user_tags(
    *, account: Account, user_name: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListUserTags: the user's tags; ``NoSuchEntity`` when the user does not exist."""
    found = user_path_and_tags(account=account, user_name=user_name)
    if found is None:
        raise user_not_found(user_name)
    return page_tags(found[1], marker=marker, max_items=max_items)


__all__ = [
    "RootUser",
    "TagPage",
    "filter_path_prefix",
    "find_user_by_unique_id",
    "get_user",
    "get_user_by_name",
    "list_user_tags",
    "list_users",
    "page_tags",
    "user_not_found",
    "user_path_and_tags",
    "with_activity",
]
