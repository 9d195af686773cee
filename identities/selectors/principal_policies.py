"""Reads on the policies of users and groups, and what the authorizer gathers for a principal.

List and Get operations mirror ListAttachedUserPolicies, ListUserPolicies, GetUserPolicy and their group
equivalents. :func:`gather_principal_policies` collects, in a fixed number of queries whatever the number of
policies, every document that decides a request of an IAM user (its own and its groups' managed and inline policies,
its permissions boundary) or of a role session (the role's policies and boundary, and the session's managed
policies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection

from accounts.models import Account
from iamconsole import domain
from iamconsole.dbvalues import json_value
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import Group, GroupMembership, InlinePolicy, PolicyAttachment, Role, User
from identities.selectors.groups import get_group_by_name
from identities.selectors.users import filter_path_prefix, get_user_by_name
from policies.models import ManagedPolicy, PolicyVersion


def _attached(
    owner: User | Group, path_prefix: str | None, marker: str | None, max_items: int | None
) -> Page[PolicyAttachment]:
    owner_filter = {"user": owner} if isinstance(owner, User) else {"group": owner}
    attachments = PolicyAttachment.objects.filter(**owner_filter).select_related("policy")
    if path_prefix and path_prefix != "/":
        # The prefix applies to the policy's path, not the attachment's.
        matching = filter_path_prefix(ManagedPolicy.objects.all(), path_prefix)
        attachments = attachments.filter(policy__in=matching.values("pk"))
    return paginate(attachments, key="pk", marker=marker, max_items=max_items)


def list_attached_user_policies(
    *,
    account: Account,
    user_name: str,
    path_prefix: str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
) -> Page[PolicyAttachment]:
    """ListAttachedUserPolicies: the managed policies attached to the user, oldest attachment first."""
    return _attached(get_user_by_name(account=account, user_name=user_name), path_prefix, marker, max_items)


def list_attached_group_policies(
    *,
    account: Account,
    group_name: str,
    path_prefix: str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
) -> Page[PolicyAttachment]:
    """ListAttachedGroupPolicies: the managed policies attached to the group, oldest attachment first."""
    return _attached(get_group_by_name(account=account, group_name=group_name), path_prefix, marker, max_items)


def get_user_policy(*, account: Account, user_name: str, policy_name: str) -> InlinePolicy:
    """GetUserPolicy: the user's inline policy; ``NoSuchEntity`` when the user or the policy is missing."""
    domain.validate_policy_name(policy_name)  # before the query: a NUL cannot even be sent to PostgreSQL
    user = get_user_by_name(account=account, user_name=user_name)
    policy = InlinePolicy.objects.select_related("user").filter(user=user, name=policy_name).first()
    if policy is None:
        raise NoSuchEntity(f"The user policy with name {policy_name} cannot be found.", field="policy_name")
    return policy


def get_group_policy(*, account: Account, group_name: str, policy_name: str) -> InlinePolicy:
    """GetGroupPolicy: the group's inline policy; ``NoSuchEntity`` when the group or the policy is missing."""
    domain.validate_policy_name(policy_name)  # before the query: a NUL cannot even be sent to PostgreSQL
    group = get_group_by_name(account=account, group_name=group_name)
    policy = InlinePolicy.objects.select_related("group").filter(group=group, name=policy_name).first()
    if policy is None:
        raise NoSuchEntity(f"The group policy with name {policy_name} cannot be found.", field="policy_name")
    return policy


def list_user_policies(
    *, account: Account, user_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[InlinePolicy]:
    """ListUserPolicies: the user's inline policies, by name."""
    user = get_user_by_name(account=account, user_name=user_name)
    return paginate(InlinePolicy.objects.filter(user=user), key="name", marker=marker, max_items=max_items)


def list_group_policies(
    *, account: Account, group_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[InlinePolicy]:
    """ListGroupPolicies: the group's inline policies, by name."""
    group = get_group_by_name(account=account, group_name=group_name)
    return paginate(InlinePolicy.objects.filter(group=group), key="name", marker=marker, max_items=max_items)


# --- what the authorizer gathers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyText:
    """One policy document with the labels the simulator and matched statements use."""

    source_id: str
    source_type: str
    document: str


@dataclass(frozen=True, slots=True)
class PrincipalPolicies:
    """Every document that decides a principal's requests.

    ``found`` is false when the user or role no longer exists (its credentials then allow nothing).
    """

    found: bool
    identity: tuple[PolicyText, ...] = ()
    boundary: PolicyText | None = None
    session: tuple[PolicyText, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


def _managed_source_type(is_aws: bool) -> str:
    return "aws-managed" if is_aws else "user-managed"


@cache
def _principal_row_sql(table: str) -> str:
    account = Account._meta.db_table
    return (
        f"SELECT p.tags, p.permissions_boundary_id FROM {table} p "  # noqa: S608
        f"JOIN {account} a ON a.id = p.account_id WHERE p.id = %s AND a.account_id = %s"
    )


@cache
def _owner_sql(owner: str, alias: str) -> str:
    """The WHERE test for the rows (of ``alias``) that belong to the principal: its own, and for a user its groups'.

    Takes one parameter (the principal's primary key), two for a user.
    """
    if owner == "user":
        membership = GroupMembership._meta.db_table
        return (
            f"({alias}.user_id = %s OR {alias}.group_id IN "  # noqa: S608
            f"(SELECT m.group_id FROM {membership} m WHERE m.user_id = %s))"
        )
    return f"{alias}.{owner}_id = %s"


@cache
def _versions_sql(owner: str, session_arns: int) -> str:
    """The default versions of every managed policy involved: attached (to the principal or, for a user, its groups),
    the boundary (its id as a parameter, NULL for none) and the session's (``session_arns`` ARNs as parameters);
    only the account's own managed policies and AWS's, never another account's, whatever a session names."""
    version, policy, account = PolicyVersion._meta.db_table, ManagedPolicy._meta.db_table, Account._meta.db_table
    attached = (
        f"EXISTS (SELECT 1 FROM {PolicyAttachment._meta.db_table} pa "  # noqa: S608
        f"WHERE {_owner_sql(owner, 'pa')} AND pa.policy_id = v.policy_id)"
    )
    wanted = [attached, "v.policy_id = %s"]
    if session_arns:
        wanted.append(f"mp.arn IN ({', '.join(['%s'] * session_arns)})")
    return (
        f"SELECT v.policy_id, mp.arn, mp.account_id, v.document, {attached} "  # noqa: S608
        f"FROM {version} v JOIN {policy} mp ON mp.id = v.policy_id LEFT JOIN {account} a ON a.id = mp.account_id "
        f"WHERE v.is_default AND (a.account_id = %s OR mp.account_id IS NULL) AND ({' OR '.join(wanted)}) "
        f"ORDER BY v.policy_id"
    )


@cache
def _inline_sql(owner: str) -> str:
    inline, group = InlinePolicy._meta.db_table, Group._meta.db_table
    return (
        f"SELECT i.name, i.document, g.name FROM {inline} i LEFT JOIN {group} g ON g.id = i.group_id "  # noqa: S608
        f"WHERE {_owner_sql(owner, 'i')} ORDER BY i.id"
    )


def _fetch(sql: str, params: Sequence[Any]) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def gather_principal_policies(
    *,
    account_id: str,
    user_pk: int | None = None,
    role_pk: int | None = None,
    group_pk: int | None = None,
    session_policy_arns: Sequence[str] = (),
) -> PrincipalPolicies:
    """The policies of an IAM user (with its groups'), a role or a group, and the session's managed policies.

    Three queries whatever the number of policies: the principal's row, the default versions of every managed
    policy involved (attached, boundary, session), and the inline policies. For the authorizer (the caller's
    credentials name the principal, so there is no name to look up) and the simulator (which looked the name up).
    The authorizer runs this on every request, so the statements are composed once (as the credential lookups are,
    see ``identities.selectors.credentials``): the ORM's query compilation cost several times the queries.
    """
    row: Sequence[Any] | None  # (tags, permissions boundary id)
    if user_pk is not None:
        owner, owner_params = "user", [user_pk, user_pk]
        rows = _fetch(_principal_row_sql(User._meta.db_table), [user_pk, account_id])
        row = rows[0] if rows else None
    elif role_pk is not None:
        owner, owner_params = "role", [role_pk]
        rows = _fetch(_principal_row_sql(Role._meta.db_table), [role_pk, account_id])
        row = rows[0] if rows else None
    elif group_pk is not None:
        # SimulatePrincipalPolicy on a group: its own policies; a group has no tags and no boundary.
        owner, owner_params = "group", [group_pk]
        exists = Group.objects.filter(pk=group_pk, account__account_id=account_id).exists()
        row = (None, None) if exists else None
    else:
        return PrincipalPolicies(found=False)
    if row is None:
        return PrincipalPolicies(found=False)
    tags, boundary_id = row
    arns = list(dict.fromkeys(session_policy_arns))
    versions = _fetch(_versions_sql(owner, len(arns)), [*owner_params, account_id, *owner_params, boundary_id, *arns])
    identity: list[PolicyText] = []
    session: list[PolicyText] = []
    boundary: PolicyText | None = None
    for policy_id, arn, owner_account, document, is_attached in versions:
        if is_attached:
            identity.append(PolicyText(arn, _managed_source_type(owner_account is None), document))
        if boundary_id is not None and policy_id == boundary_id:
            boundary = PolicyText(arn, "PermissionsBoundaryPolicy", document)
        if arn in arns:
            session.append(PolicyText(arn, "session", document))
    # A user is in a group at most once (a constraint), so no inline policy comes back twice.
    for name, document, group_name in _fetch(_inline_sql(owner), owner_params):
        source_type = "group" if group_name else owner
        label = f"{group_name}/{name}" if group_name else name
        identity.append(PolicyText(label, source_type, document))
    return PrincipalPolicies(
        found=True,
        identity=tuple(identity),
        boundary=boundary,
        session=tuple(session),
        tags=dict(json_value(tags) or {}),
    )


__all__ = [
    "PolicyText",
    "PrincipalPolicies",
    "gather_principal_policies",
    "get_group_policy",
    "get_user_policy",
    "list_attached_group_policies",
    "list_attached_user_policies",
    "list_group_policies",
    "list_user_policies",
]
