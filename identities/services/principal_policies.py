"""Writes on the policies of users and groups: managed policy attachments and inline policies.

Mirrors Attach/DetachUserPolicy, Attach/DetachGroupPolicy (at most 10 managed policies per user and per group;
attaching an attached policy again changes nothing), and Put/DeleteUserPolicy, Put/DeleteGroupPolicy (AWS counts
the characters of all of an entity's inline policies, whitespace excepted: 2,048 for a user, 5,120 for a group).
The owner's row is locked before counting, so concurrent writes cannot exceed a quota together.
"""

from __future__ import annotations

from typing import Literal

from django.db import transaction

from accounts.models import Account
from iamconsole import domain, quotas
from iamconsole.errors import ERRORS_BY_CODE, LimitExceeded, MalformedPolicyDocument, NoSuchEntity, ValidationError
from iamconsole.etags import check_if_match
from identities.models import Group, InlinePolicy, PolicyAttachment, User
from identities.services.groups import lock_group
from identities.services.policy_arns import resolve_attachable_policy
from identities.services.users import lock_user
from policies.engine import PolicyError, PolicyKind, check_inline_policies_size, parse_policy

MAX_POLICIES_PER_GROUP = 10
OwnerKind = Literal["user", "group"]


def _owner_filter(owner: User | Group) -> dict[str, User | Group]:
    return {"user": owner} if isinstance(owner, User) else {"group": owner}


def _lock_owner(account: Account, kind: OwnerKind, name: str) -> User | Group:
    return lock_user(account, name) if kind == "user" else lock_group(account, name)


def _attach(account: Account, kind: OwnerKind, name: str, policy_arn: str, quota_name: str, quota: int) -> None:
    policy = resolve_attachable_policy(account, policy_arn)
    owner = _lock_owner(account, kind, name)
    attachments = PolicyAttachment.objects.filter(**_owner_filter(owner))
    if attachments.filter(policy=policy).exists():
        return
    if attachments.count() >= quota:
        raise LimitExceeded(f"Cannot exceed quota for {quota_name}: {quota}")
    PolicyAttachment.objects.create(policy=policy, account=account, **_owner_filter(owner))


def _detach(account: Account, kind: OwnerKind, name: str, policy_arn: str) -> None:
    owner = _lock_owner(account, kind, name)
    deleted, _ = PolicyAttachment.objects.filter(policy__arn=policy_arn, **_owner_filter(owner)).delete()
    if not deleted:
        raise NoSuchEntity(f"Policy {policy_arn} was not found.", field="policy_arn")


@transaction.atomic
def attach_user_policy(*, account: Account, user_name: str, policy_arn: str) -> None:
    """AttachUserPolicy: ``LimitExceeded`` ("Cannot exceed quota for PoliciesPerUser: 10") past the quota."""
    key = "managed_policies_per_user"
    _attach(account, "user", user_name, policy_arn, quotas.QUOTA_NAMES[key], quotas.limit(key))


@transaction.atomic
def detach_user_policy(*, account: Account, user_name: str, policy_arn: str) -> None:
    """DetachUserPolicy: ``NoSuchEntity`` when the policy is not attached to the user."""
    _detach(account, "user", user_name, policy_arn)


@transaction.atomic
def attach_group_policy(*, account: Account, group_name: str, policy_arn: str) -> None:
    """AttachGroupPolicy: ``LimitExceeded`` ("Cannot exceed quota for PoliciesPerGroup: 10") past the quota."""
    _attach(account, "group", group_name, policy_arn, "PoliciesPerGroup", MAX_POLICIES_PER_GROUP)


@transaction.atomic
def detach_group_policy(*, account: Account, group_name: str, policy_arn: str) -> None:
    """DetachGroupPolicy: ``NoSuchEntity`` when the policy is not attached to the group."""
    _detach(account, "group", group_name, policy_arn)


def check_policy_document(document: str, *, kind: PolicyKind = PolicyKind.IDENTITY) -> None:
    """Parse a policy document with the engine; its errors become ``MalformedPolicyDocument`` (or the code the
    engine names)."""
    if not document:
        raise ValidationError("PolicyDocument must be a non-empty string.", field="policy_document")
    try:
        parse_policy(document, kind)
    except PolicyError as exc:
        error = ERRORS_BY_CODE.get(exc.code, MalformedPolicyDocument)
        raise error(exc.message, field="policy_document") from None


def _put(
    account: Account, kind: OwnerKind, name: str, policy_name: str, policy_document: str, if_match: str | None
) -> None:
    domain.validate_name(policy_name, member="PolicyName", field="policy_name", max_length=domain.POLICY_NAME_MAX)
    check_policy_document(policy_document)
    owner = _lock_owner(account, kind, name)
    policies = InlinePolicy.objects.filter(**_owner_filter(owner))
    # Every write of the owner's inline policies locks the owner first: the document compared stays until commit.
    check_if_match(if_match, policies.filter(name=policy_name).values_list("document", flat=True).first())
    others = policies.exclude(name=policy_name)
    texts = [*others.values_list("document", flat=True), policy_document]
    try:
        check_inline_policies_size(kind, owner.name, texts)
    except PolicyError as exc:
        raise LimitExceeded(exc.message, field="policy_document") from None
    updated = InlinePolicy.objects.filter(name=policy_name, **_owner_filter(owner)).update(document=policy_document)
    if not updated:
        InlinePolicy.objects.create(account=account, name=policy_name, document=policy_document, **_owner_filter(owner))


def _delete(account: Account, kind: OwnerKind, name: str, policy_name: str, if_match: str | None) -> None:
    owner = _lock_owner(account, kind, name)
    policy = InlinePolicy.objects.filter(name=policy_name, **_owner_filter(owner)).first()
    if policy is None:
        raise NoSuchEntity(f"The {kind} policy with name {policy_name} cannot be found.", field="policy_name")
    check_if_match(if_match, policy.document)
    policy.delete()


@transaction.atomic
def put_user_policy(
    *, account: Account, user_name: str, policy_name: str, policy_document: str, if_match: str | None = None
) -> None:
    """PutUserPolicy: add or replace an inline policy; ``MalformedPolicyDocument`` for a bad document,
    ``LimitExceeded`` ("Maximum policy size of 2048 bytes exceeded for user NAME") past the user's total.
    ``if_match`` (the REST face's If-Match): ``PreconditionFailed`` unless it names the document replaced."""
    _put(account, "user", user_name, policy_name, policy_document, if_match)


@transaction.atomic
def delete_user_policy(*, account: Account, user_name: str, policy_name: str, if_match: str | None = None) -> None:
    """DeleteUserPolicy: ``NoSuchEntity`` ("The user policy with name X cannot be found.") when absent."""
    _delete(account, "user", user_name, policy_name, if_match)


@transaction.atomic
def put_group_policy(
    *, account: Account, group_name: str, policy_name: str, policy_document: str, if_match: str | None = None
) -> None:
    """PutGroupPolicy: as PutUserPolicy, with the group's total of 5,120 characters."""
    _put(account, "group", group_name, policy_name, policy_document, if_match)


@transaction.atomic
def delete_group_policy(*, account: Account, group_name: str, policy_name: str, if_match: str | None = None) -> None:
    """DeleteGroupPolicy: ``NoSuchEntity`` ("The group policy with name X cannot be found.") when absent."""
    _delete(account, "group", group_name, policy_name, if_match)


__all__ = [
    "MAX_POLICIES_PER_GROUP",
    "attach_group_policy",
    "attach_user_policy",
    "check_policy_document",
    "delete_group_policy",
    "delete_user_policy",
    "detach_group_policy",
    "detach_user_policy",
    "put_group_policy",
    "put_user_policy",
]
