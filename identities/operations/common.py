"""Resource and context builders shared by the identities operations, reading the target user looked up once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from iamconsole.actors import ActorKind
from iamconsole.arn import iam_arn, root_arn
from iamconsole.operations import Call, Operation
from identities import selectors
from identities.selectors import EntityFacts


def _named_user(call: Call) -> str | None:
    name = call.params.get("user_name")
    if name:
        return str(name)
    return call.actor.name if call.actor.kind is ActorKind.USER else None


def target_user(call: Call) -> EntityFacts | None:
    """The user the request names, or the calling IAM user when it names none (None when there is no such user):
    the operations on users look it up once, as their ``target``."""
    name = _named_user(call)
    if name is None or call.account is None:
        return None
    return selectors.user_facts(account=call.account, user_name=name)


def user_of(call: Call) -> EntityFacts | None:
    """The call's target user (looked up here when the operation's target is something else, or none)."""
    return call.target if isinstance(call.target, EntityFacts) else target_user(call)


def user_resource(call: Call) -> str:
    """The ARN of the user the request names (with its real path when it exists), or of the caller."""
    name = call.params.get("user_name")
    if not name:
        if call.actor.kind is ActorKind.USER:
            return call.actor.arn
        return root_arn(call.account_id)
    user = user_of(call)
    return iam_arn(call.account_id, "user", str(name), user.path if user is not None else "/")


def user_tags_context(call: Call) -> dict[str, str]:
    """``aws:ResourceTag/KEY`` for each tag of the existing user the request names (or of the calling user)."""
    user = user_of(call)
    return {f"aws:ResourceTag/{key}": value for key, value in (user.tags if user is not None else {}).items()}


def on_user(name: str, handler: Callable[..., Any], **options: Any) -> Operation:
    """An operation on the user the request names (or the calling user): authorized on the user's ARN, the user
    looked up once as the call's target."""
    return Operation(name, handler, resource=user_resource, target=target_user, **options)


def delete_boundary_context(
    resource_tags: Callable[[Call], Mapping[str, Any]], entity_of: Callable[[Call], EntityFacts | None]
) -> Callable[[Call], Mapping[str, Any]]:
    """Delete…PermissionsBoundary: the entity's tags and the boundary being removed as ``iam:PermissionsBoundary``."""

    def build(call: Call) -> Mapping[str, Any]:
        context = dict(resource_tags(call))
        entity = entity_of(call)
        if entity is not None and entity.permissions_boundary_arn:
            context["iam:PermissionsBoundary"] = entity.permissions_boundary_arn
        return context

    return build
