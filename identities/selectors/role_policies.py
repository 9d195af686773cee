"""Reads on a role's policies: ListAttachedRolePolicies, GetRolePolicy, ListRolePolicies.

Mirrors the IAM API Reference: attached managed policies are listed with their names and ARNs (optionally only those
whose path starts with ``PathPrefix``), inline policies by name, and an inline policy's document as written.
"""

from __future__ import annotations

from accounts.models import Account
from iamconsole import domain
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import InlinePolicy, PolicyAttachment, Role
from identities.selectors.roles import no_such_role

__all__ = [
    "get_role_policy",
    "list_attached_role_policies",
    "list_role_policies",
]


def _role_id(account: Account, role_name: str) -> int:
    pk = Role.objects.filter(account=account, name__iexact=role_name).values_list("pk", flat=True).first()
    if pk is None:
        raise no_such_role(role_name)
    return pk


def list_attached_role_policies(
    *,
    account: Account,
    role_name: str,
    path_prefix: str = "/",
    marker: str | None = None,
    max_items: int | None = None,
) -> Page[PolicyAttachment]:
    """ListAttachedRolePolicies: the role's managed policy attachments, oldest first, with their policies."""
    domain.validate_path_prefix(path_prefix)
    attachments = PolicyAttachment.objects.select_related("policy").filter(
        role_id=_role_id(account, role_name), policy__path__startswith=path_prefix
    )
    return paginate(attachments, key="pk", marker=marker, max_items=max_items)


def get_role_policy(*, account: Account, role_name: str, policy_name: str) -> InlinePolicy:
    """GetRolePolicy: the inline policy of that name with its document; ``NoSuchEntity`` when either is missing."""
    domain.validate_policy_name(policy_name)  # before the query: a NUL cannot even be sent to PostgreSQL
    policy = (
        InlinePolicy.objects.select_related("role")
        .filter(role_id=_role_id(account, role_name), name=policy_name)
        .first()
    )
    if policy is None:
        raise NoSuchEntity(f"The role policy with name {policy_name} cannot be found.", field="policy_name")
    return policy


def list_role_policies(
    *, account: Account, role_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[InlinePolicy]:
    """ListRolePolicies: the names of the role's inline policies, in the order they were created."""
    policies = InlinePolicy.objects.filter(role_id=_role_id(account, role_name)).only("pk", "name")
    return paginate(policies, key="pk", marker=marker, max_items=max_items)
