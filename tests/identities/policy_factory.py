"""Test helpers: managed policies stored directly (the policies app's services are tested on their own), and actors."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from iamconsole import ids
from iamconsole.actors import Actor
from iamconsole.arn import aws_managed_policy_arn, iam_arn
from iamconsole.authentication import user_actor
from identities.models import User
from policies.models import ManagedPolicy, PolicyVersion


def document(*statements: dict[str, Any]) -> str:
    """A policy document with these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def make_policy(account: Any, name: str, text: str, *, path: str = "/", aws_managed: bool = False) -> ManagedPolicy:
    """A managed policy with one default version: the account's own, or AWS managed (no account)."""
    now = timezone.now()
    arn = aws_managed_policy_arn(name, path) if aws_managed else iam_arn(account.account_id, "policy", name, path)
    policy = ManagedPolicy.objects.create(
        account=None if aws_managed else account,
        policy_id=ids.unique_id(ids.IdPrefix.POLICY),
        name=name,
        path=path,
        arn=arn,
        created_at=now,
        updated_at=now,
    )
    PolicyVersion.objects.create(policy=policy, version_id="v1", document=text, is_default=True, created_at=now)
    return policy


def actor_for(account: Any, user_name: str) -> Actor:
    """The actor of an IAM user of the account, as authentication builds it."""
    return user_actor(
        User.objects.select_related("account").get(account__account_id=account.account_id, name=user_name)
    )
