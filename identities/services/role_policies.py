"""Writes on a role's policies: AttachRolePolicy, DetachRolePolicy, PutRolePolicy, DeleteRolePolicy.

Mirrors the IAM API Reference and "IAM and AWS STS quotas": at most 10 managed policies per role (20 when the quota
is raised with ``IAM_QUOTA_MANAGED_POLICIES_PER_ROLE``), counted under a lock on the role row so concurrent attaches
cannot pass it; inline policies of one role total at most 10,240 characters without whitespace. Service-linked roles
are refused with ``UnmodifiableEntity``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import Account
from iamconsole import domain, quotas
from iamconsole.arn import parse_arn
from iamconsole.errors import InvalidInput, NoSuchEntity, constraint_error
from iamconsole.etags import check_if_match
from identities.models import InlinePolicy, PolicyAttachment
from identities.services.policy_arns import resolve_attachable_policy
from identities.services.roles import lock_role, policy_error, refuse_service_linked
from policies.engine import PolicyError, PolicyKind, check_inline_policies_size, parse_policy

__all__ = [
    "attach_role_policy",
    "delete_role_policy",
    "detach_role_policy",
    "put_role_policy",
]


@transaction.atomic
def attach_role_policy(*, account: Account, role_name: str, policy_arn: str) -> None:
    """AttachRolePolicy: attach a managed policy (idempotent); ``LimitExceeded`` past the per-role quota."""
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    policy = resolve_attachable_policy(account, policy_arn)
    if PolicyAttachment.objects.filter(role=role, policy=policy).exists():
        return  # attaching twice is a no-op in AWS
    quotas.check("managed_policies_per_role", PolicyAttachment.objects.filter(role=role).count())
    try:
        with transaction.atomic():
            PolicyAttachment.objects.create(policy=policy, account=account, role=role)
    except IntegrityError:
        return  # the same attachment committed meanwhile: the outcome AWS gives is the same


@transaction.atomic
def detach_role_policy(*, account: Account, role_name: str, policy_arn: str) -> None:
    """DetachRolePolicy: ``NoSuchEntity`` when the policy is not attached to the role."""
    if parse_arn(policy_arn) is None:
        raise InvalidInput(f"ARN {policy_arn} is not valid.", field="policy_arn")
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    deleted, _ = PolicyAttachment.objects.filter(role=role, policy__arn=policy_arn).delete()
    if not deleted:
        raise NoSuchEntity(f"Policy {policy_arn} was not found.", field="policy_arn")


@transaction.atomic
def put_role_policy(
    *, account: Account, role_name: str, policy_name: str, policy_document: str, if_match: str | None = None
) -> None:
    """PutRolePolicy: create or replace an inline policy; the role's inline policies total at most 10,240.
    ``if_match`` (the REST face's If-Match): ``PreconditionFailed`` unless it names the document replaced."""
    domain.validate_name(policy_name, member="PolicyName", field="policy_name", max_length=domain.POLICY_NAME_MAX)
    if not policy_document:
        raise constraint_error("PolicyDocument", None, "Member must not be null", field="policy_document")
    try:
        parse_policy(policy_document, PolicyKind.IDENTITY)
    except PolicyError as exc:
        raise policy_error(exc, field="policy_document") from None
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    # Every write of the role's inline policies locks the role first: the document compared stays until commit.
    policies = InlinePolicy.objects.filter(role=role)
    check_if_match(if_match, policies.filter(name=policy_name).values_list("document", flat=True).first())
    others = policies.exclude(name=policy_name).values_list("document", flat=True)
    try:
        check_inline_policies_size("role", role.name, [*others, policy_document])
    except PolicyError as exc:
        raise policy_error(exc, field="policy_document") from None
    InlinePolicy.objects.update_or_create(
        role=role, name=policy_name, defaults={"account": account, "document": policy_document}
    )


@transaction.atomic
def delete_role_policy(*, account: Account, role_name: str, policy_name: str, if_match: str | None = None) -> None:
    """DeleteRolePolicy: ``NoSuchEntity`` when the role has no inline policy of that name."""
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    policy = InlinePolicy.objects.filter(role=role, name=policy_name).first()
    if policy is None:
        raise NoSuchEntity(f"The role policy with name {policy_name} cannot be found.", field="policy_name")
    check_if_match(if_match, policy.document)
    policy.delete()
