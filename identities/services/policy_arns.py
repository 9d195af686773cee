"""Resolving the managed policy ARNs that attachments and permissions boundaries name.

Mirrors AttachUserPolicy and PutUserPermissionsBoundary: the policy must exist in the caller's account or be AWS
managed; AWS managed policies under ``/aws-service-role/`` are reserved for service-linked roles and refused with
``PolicyNotAttachable``.
"""

from __future__ import annotations

from accounts.models import Account
from iamconsole.arn import parse_arn
from iamconsole.errors import InvalidInput, NoSuchEntity, PolicyNotAttachable
from policies import selectors as policy_selectors
from policies.models import ManagedPolicy

SERVICE_ROLE_PATH = "/aws-service-role/"


def _check_arn(policy_arn: str, field: str) -> None:
    arn = parse_arn(policy_arn)
    if arn is None or arn.service != "iam" or arn.resource_type != "policy":
        raise InvalidInput(f"ARN {policy_arn} is not valid.", field=field)


def _refuse_service_role_policy(policy: ManagedPolicy, field: str) -> None:
    if not policy.is_attachable or (policy.is_aws_managed and policy.path.startswith(SERVICE_ROLE_PATH)):
        raise PolicyNotAttachable("Cannot attach a Service Role Policy to a Customer Role.", field=field)


def _attachable(account: Account, policy_arn: str, field: str, missing: str) -> ManagedPolicy:
    """The managed policy the account can see by that ARN: ``NoSuchEntity`` (``missing``) when it cannot,
    ``PolicyNotAttachable`` for service-role policies."""
    _check_arn(policy_arn, field)
    try:
        policy = policy_selectors.get_policy_by_arn(account=account, policy_arn=policy_arn)
    except NoSuchEntity:
        raise NoSuchEntity(missing, field=field) from None
    _refuse_service_role_policy(policy, field)
    return policy


def resolve_attachable_policy(account: Account, policy_arn: str, *, field: str = "policy_arn") -> ManagedPolicy:
    """The managed policy to attach: ``NoSuchEntity`` ("Policy ARN does not exist or is not attachable.") when the
    account cannot see it, ``PolicyNotAttachable`` for service-role policies."""
    return _attachable(account, policy_arn, field, f"Policy {policy_arn} does not exist or is not attachable.")


def resolve_boundary(account: Account, policy_arn: str, *, field: str = "permissions_boundary") -> ManagedPolicy:
    """The managed policy to use as a permissions boundary ("Scope ARN: ARN does not exist or is not
    attachable." when the account cannot see it)."""
    return _attachable(account, policy_arn, field, f"Scope ARN: {policy_arn} does not exist or is not attachable.")
