"""Reads on managed policies (customer managed in an account, and AWS managed ones)."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from policies.models import ManagedPolicy


def get_policy_by_arn(*, account: Account, policy_arn: str) -> ManagedPolicy:
    """The managed policy with that ARN: the account's own, or an AWS managed one; ``NoSuchEntity`` otherwise.

    Mirrors GetPolicy: another account's policies are not visible ("Policy ARN was not found.").
    """
    policy = (
        ManagedPolicy.objects.filter(Q(account=account) | Q(account__isnull=True), arn=policy_arn)
        .select_related("account")
        .first()
    )
    if policy is None:
        raise NoSuchEntity(f"Policy {policy_arn} was not found.", field="policy_arn")
    return policy
