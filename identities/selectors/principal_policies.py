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
from typing import Any

from django.db.models import Exists, OuterRef, Q

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import Group, InlinePolicy, PolicyAttachment, Role, User
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
    user = get_user_by_name(account=account, user_name=user_name)
    policy = InlinePolicy.objects.select_related("user").filter(user=user, name=policy_name).first()
    if policy is None:
        raise NoSuchEntity(f"The user policy with name {policy_name} cannot be found.", field="policy_name")
    return policy


def get_group_policy(*, account: Account, group_name: str, policy_name: str) -> InlinePolicy:
    """GetGroupPolicy: the group's inline policy; ``NoSuchEntity`` when the group or the policy is missing."""
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
    """
    row: tuple[Any, int | None] | None  # (tags, permissions boundary id)
    if user_pk is not None:
        row = (
            User.objects.filter(pk=user_pk, account__account_id=account_id)
            .values_list("tags", "permissions_boundary_id")
            .first()
        )
        owner = Q(user_id=user_pk) | Q(group__memberships__user_id=user_pk)
    elif role_pk is not None:
        row = (
            Role.objects.filter(pk=role_pk, account__account_id=account_id)
            .values_list("tags", "permissions_boundary_id")
            .first()
        )
        owner = Q(role_id=role_pk)
    elif group_pk is not None:
        # SimulatePrincipalPolicy on a group: its own policies; a group has no tags and no boundary.
        exists = Group.objects.filter(pk=group_pk, account__account_id=account_id).exists()
        row = ({}, None) if exists else None
        owner = Q(group_id=group_pk)
    else:
        return PrincipalPolicies(found=False)
    if row is None:
        return PrincipalPolicies(found=False)
    tags, boundary_id = row
    attached = Exists(PolicyAttachment.objects.filter(owner, policy_id=OuterRef("policy_id")))
    wanted = Q(attached=True)
    if boundary_id is not None:
        wanted |= Q(policy_id=boundary_id)
    if session_policy_arns:
        wanted |= Q(policy__arn__in=list(session_policy_arns))
    # Only the account's own managed policies and AWS's: never another account's, whatever a session names.
    versions = (
        PolicyVersion.objects.filter(is_default=True)
        .filter(Q(policy__account__account_id=account_id) | Q(policy__account__isnull=True))
        .annotate(attached=attached)
        .filter(wanted)
        .values_list("policy_id", "policy__arn", "policy__account_id", "document", "attached")
    )
    identity: list[PolicyText] = []
    session: list[PolicyText] = []
    boundary: PolicyText | None = None
    for policy_id, arn, owner_account, document, is_attached in versions:
        if is_attached:
            identity.append(PolicyText(arn, _managed_source_type(owner_account is None), document))
        if policy_id == boundary_id:
            boundary = PolicyText(arn, "PermissionsBoundaryPolicy", document)
        if arn in session_policy_arns:
            session.append(PolicyText(arn, "session", document))
    # The group memberships join can repeat a row only if a user were twice in one group, which a constraint forbids.
    inline_rows = InlinePolicy.objects.filter(owner).values_list("name", "document", "group__name")
    for name, document, group_name in inline_rows:
        source_type = "group" if group_name else ("user" if user_pk is not None else "role")
        label = f"{group_name}/{name}" if group_name else name
        identity.append(PolicyText(label, source_type, document))
    return PrincipalPolicies(
        found=True, identity=tuple(identity), boundary=boundary, session=tuple(session), tags=dict(tags or {})
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
