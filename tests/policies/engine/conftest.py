"""Helpers for the engine's tests: build policies and principals in one line each."""

from __future__ import annotations

import json
from typing import Any

from policies.engine import Policy, PolicyKind, PolicySource, Principal, parse_policy

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = Principal(arn=f"arn:aws:iam::{ACCOUNT}:user/division/alice")
ROOT = Principal(arn=f"arn:aws:iam::{ACCOUNT}:root")
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/team/Dev"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice-session"
SESSION = Principal(arn=SESSION_ARN, role_arn=ROLE_ARN)
FEDERATED_USER = Principal(
    arn=f"arn:aws:sts::{ACCOUNT}:federated-user/bob", source_user_arn=f"arn:aws:iam::{ACCOUNT}:user/bob"
)
OUTSIDER = Principal(arn=f"arn:aws:iam::{OTHER}:user/eve")


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> str:
    """A policy document with `statements`, as JSON text."""
    body: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        body = {"Version": version, **body}
    return json.dumps(body)


def policy(
    *statements: dict[str, Any], kind: PolicyKind = PolicyKind.IDENTITY, version: str | None = "2012-10-17"
) -> Policy:
    """Parse a policy built from `statements`."""
    return parse_policy(doc(*statements, version=version), kind)


def source(p: Policy, source_id: str = "p1", source_type: str = "user") -> PolicySource:
    """Label a policy as the simulator would."""
    return PolicySource(p, source_id, source_type)


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """An Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """A Deny statement."""
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}
