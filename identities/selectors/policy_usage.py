"""Reads on managed policies that need their uses: attachments to users, groups and roles, and boundaries.

GetPolicy and ListPolicies answer ``AttachmentCount`` (users, groups and roles the policy is attached to) and
``PermissionsBoundaryUsageCount`` (users and roles it bounds), counted in the caller's account only, AWS managed
policies included; ListEntitiesForPolicy names those entities. Counts are subquery annotations, so a list is one
query whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower

from accounts.models import Account
from iamconsole import domain
from iamconsole.errors import ValidationError, constraint_error
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
from identities.models import Group, PolicyAttachment, Role, User
from policies import selectors as policy_selectors
from policies.models import ManagedPolicy
from policies.selectors import PolicyScope

__all__ = [
    "EntityType",
    "PolicyEntities",
    "PolicyUsage",
    "get_policy",
    "list_entities_for_policy",
    "list_policies",
    "with_usage_counts",
]


class PolicyUsage(StrEnum):
    """``PolicyUsageFilter``: as a permissions policy (attached), or as a permissions boundary."""

    PERMISSIONS_POLICY = "PermissionsPolicy"
    PERMISSIONS_BOUNDARY = "PermissionsBoundary"


class EntityType(StrEnum):
    """ListEntitiesForPolicy's ``EntityFilter``."""

    USER = "User"
    ROLE = "Role"
    GROUP = "Group"
    LOCAL_MANAGED_POLICY = "LocalManagedPolicy"
    AWS_MANAGED_POLICY = "AWSManagedPolicy"


def _count(queryset: QuerySet[Any], column: str) -> Coalesce:
    # Grouped by the outer policy's column, so the subquery yields one row: that policy's count.
    counted = queryset.order_by().values(column).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_usage_counts(policies: QuerySet[ManagedPolicy], *, account: Account) -> QuerySet[ManagedPolicy]:
    """Annotate ``attachment_count`` and ``permissions_boundary_usage_count``, counted in ``account`` only."""
    attachments = PolicyAttachment.objects.filter(account=account, policy=OuterRef("pk"))
    bounded_users = User.objects.filter(account=account, permissions_boundary=OuterRef("pk"))
    bounded_roles = Role.objects.filter(account=account, permissions_boundary=OuterRef("pk"))
    return policies.annotate(
        attachment_count=_count(attachments, "policy"),
        permissions_boundary_usage_count=_count(bounded_users, "permissions_boundary")
        + _count(bounded_roles, "permissions_boundary"),
    )


def get_policy(*, account: Account, policy_arn: str) -> ManagedPolicy:
    """GetPolicy: the customer managed or AWS managed policy with its usage counts in the account.

    ``NoSuchEntity`` "Policy ARN does not exist or is not attachable." for a policy the account cannot see.
    """
    policy = policy_selectors.get_policy_by_arn(account=account, policy_arn=policy_arn)
    return with_usage_counts(ManagedPolicy.objects.filter(pk=policy.pk), account=account).get()


def _check_usage(value: str | None, member: str = "PolicyUsageFilter") -> PolicyUsage | None:
    if value is None:
        return None
    if value not in PolicyUsage.__members__.values():
        raise constraint_error(
            member,
            value,
            "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]",
            field="policy_usage_filter",
        )
    return PolicyUsage(value)


#: The console's orders of a policies list (``window=``).
POLICY_SORTS: Sorts = {"name": Lower("name"), "attachments": "attachment_count", "created": "created_at"}


def list_policies(
    *,
    account: Account,
    scope: str = PolicyScope.ALL,
    only_attached: bool = False,
    path_prefix: str = "/",
    policy_usage_filter: str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
    window: Window | None = None,
) -> Page[ManagedPolicy]:
    """ListPolicies: the account's and AWS's managed policies with their usage counts, sorted by name.

    ``window`` (console only) asks instead for the policies whose name contains a text, in a column's order
    (:data:`POLICY_SORTS`), one page of them: a query for the page and one for the count.

    ``OnlyAttached`` keeps the policies attached to a user, group or role of the account; ``PolicyUsageFilter``
    ``PermissionsBoundary`` keeps those used as a permissions boundary there, ``PermissionsPolicy`` those attached
    (when ``OnlyAttached``). One query per page whatever its size (two when the AWS catalogue is checked).
    """
    usage = _check_usage(policy_usage_filter)
    domain.validate_path_prefix(path_prefix)
    policies = with_usage_counts(
        policy_selectors.policies_in_scope(account=account, scope=scope, path_prefix=path_prefix), account=account
    )
    if usage is PolicyUsage.PERMISSIONS_BOUNDARY:
        policies = policies.filter(Q(permissions_boundary_usage_count__gt=0))
    elif only_attached:
        policies = policies.filter(Q(attachment_count__gt=0))
    if window is not None:
        return paginate_window(policies, window, search=("name",), sorts=POLICY_SORTS, default_sort="name")
    return paginate(policies, key=policy_selectors.LIST_KEY, marker=marker, max_items=max_items)


@dataclass(frozen=True, slots=True)
class PolicyEntities:
    """ListEntitiesForPolicy's answer: the groups, users and roles using the policy, one page of them in all."""

    groups: list[Group] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    is_truncated: bool = False
    marker: str | None = None


# Entities are paged groups first, then users, then roles (the order of the output's members); a marker is
# "KIND:PK" of the last entity returned.
_KINDS = ("group", "user", "role")


def _entity_querysets(
    account: Account, policy: ManagedPolicy, usage: PolicyUsage | None, kinds: set[str], path_prefix: str
) -> dict[str, QuerySet[Any]]:
    models: dict[str, Any] = {"group": Group, "user": User, "role": Role}
    result: dict[str, QuerySet[Any]] = {}
    for kind in _KINDS:
        if kind not in kinds:
            continue
        attached = Exists(PolicyAttachment.objects.filter(policy=policy, **{kind: OuterRef("pk")}))
        bounded = Q(permissions_boundary=policy) if kind != "group" else Q(pk__in=[])
        if usage is PolicyUsage.PERMISSIONS_POLICY:
            condition = Q(attached)
        elif usage is PolicyUsage.PERMISSIONS_BOUNDARY:
            if kind == "group":
                continue  # groups cannot have a permissions boundary
            condition = bounded
        else:
            condition = Q(attached) | bounded
        queryset = models[kind].objects.filter(condition, account=account)
        if path_prefix != "/":
            queryset = queryset.filter(path__startswith=path_prefix)
        result[kind] = queryset.order_by("pk")
    return result


def _entity_marker(marker: str | None) -> tuple[int, int]:
    if not marker:
        return (0, 0)
    value = decode_marker(marker)
    kind, _, pk = str(value).partition(":")
    if kind not in _KINDS or not domain.ascii_digits(pk):
        raise ValidationError("Invalid Marker.", field="marker")
    return (_KINDS.index(kind), int(pk))


def list_entities_for_policy(
    *,
    account: Account,
    policy_arn: str,
    entity_filter: str | None = None,
    path_prefix: str = "/",
    policy_usage_filter: str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
) -> PolicyEntities:
    """ListEntitiesForPolicy: the account's users, groups and roles the policy is attached to or bounds.

    ``EntityFilter`` keeps one kind (``LocalManagedPolicy`` and ``AWSManagedPolicy`` name no entity: nothing is
    listed); ``PolicyUsageFilter`` keeps attachments or boundaries; ``PathPrefix`` filters the entities' paths.
    At most three queries per page besides resolving the policy.
    """
    if entity_filter is not None and entity_filter not in EntityType.__members__.values():
        raise constraint_error(
            "EntityFilter",
            entity_filter,
            "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]",
            field="entity_filter",
        )
    usage = _check_usage(policy_usage_filter)
    domain.validate_path_prefix(path_prefix)
    limit = check_max_items(max_items)
    policy = policy_selectors.get_policy_by_arn(account=account, policy_arn=policy_arn)
    kinds = set(_KINDS) if entity_filter is None else {entity_filter.lower()} & set(_KINDS)
    start_kind, start_pk = _entity_marker(marker)
    found: dict[str, list[Any]] = {kind: [] for kind in _KINDS}
    remaining = limit + 1  # one more than asked tells whether the page is truncated
    last: tuple[str, int] | None = None
    truncated = False
    for kind, queryset in _entity_querysets(account, policy, usage, kinds, path_prefix).items():
        position = _KINDS.index(kind)
        if position < start_kind:
            continue
        if position == start_kind and start_pk:
            queryset = queryset.filter(pk__gt=start_pk)
        rows = list(queryset[:remaining])
        for row in rows:
            if remaining == 1:
                truncated = True
                break
            found[kind].append(row)
            last = (kind, row.pk)
            remaining -= 1
        if truncated:
            break
    return PolicyEntities(
        groups=found["group"],
        users=found["user"],
        roles=found["role"],
        is_truncated=truncated,
        marker=encode_marker(f"{last[0]}:{last[1]}") if truncated and last else None,
    )
