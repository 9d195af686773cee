"""Authorization: may this actor perform this action on this resource?

``authorize`` is called once per operation by ``iamconsole.operations.run``; ``is_allowed`` answers the same
question without raising, for the console's enabled and disabled buttons. Both decide with the policy engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.actors import Actor, RequestContext
from iamconsole.arn import parse_arn
from iamconsole.errors import AccessDenied


def _resource_account(resource: str) -> str | None:
    arn = parse_arn(resource)
    return arn.account if arn else None


def denial_message(actor: Actor, action: str, resource: str, reason: str) -> str:
    """AWS's AccessDenied wording: "User: ARN is not authorized to perform: ACTION on resource: ARN because …"."""
    return f"User: {actor.arn} is not authorized to perform: {action} on resource: {resource} {reason}"


def check(
    actor: Actor,
    action: str,
    resource: str,
    *,
    context: Mapping[str, Any] | None = None,
    request: RequestContext | None = None,
) -> str | None:
    """None when allowed, otherwise the end of AWS's denial message (``because no identity-based policy allows…``)."""
    if actor.is_system:
        return None
    if actor.is_root:
        # The root user may do everything in its own account (AWS managed policies, owned by "aws", are readable too).
        owner = _resource_account(resource)
        if owner in (None, "", actor.account_id, "aws"):
            return None
        return f"because no resource-based policy allows the {action} action"
    return f"because no identity-based policy allows the {action} action"


def authorize(
    actor: Actor,
    action: str,
    resource: str,
    *,
    context: Mapping[str, Any] | None = None,
    request: RequestContext | None = None,
) -> None:
    """Raise ``AccessDenied`` unless ``actor`` may perform ``action`` on ``resource``."""
    reason = check(actor, action, resource, context=context, request=request)
    if reason is not None:
        raise AccessDenied(denial_message(actor, action, resource, reason))


def is_allowed(
    actor: Actor,
    action: str,
    resource: str = "*",
    *,
    context: Mapping[str, Any] | None = None,
    request: RequestContext | None = None,
) -> bool:
    """True when ``authorize`` would let the request through."""
    return check(actor, action, resource, context=context, request=request) is None
