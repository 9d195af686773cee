"""Operations on IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, tags and boundaries.

Each names the user's ARN with its real path as the resource and adds the condition keys AWS documents for it:
``aws:RequestTag/*`` and ``aws:TagKeys`` on CreateUser and TagUser, ``aws:TagKeys`` on UntagUser,
``iam:PermissionsBoundary`` when a boundary is set or removed, and ``aws:ResourceTag/*`` from an existing user's tags.
ListUsers is authorized against ``arn:aws:iam::ACCOUNT:user/``, as AWS names it in its denials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.actors import ActorKind
from iamconsole.arn import iam_arn
from iamconsole.condition_keys import creation_context, put_boundary_context, tag_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import user_resource


def resource_tags_context(call: Call, param: str = "user_name") -> dict[str, Any]:
    """``aws:ResourceTag/KEY`` for each tag of the existing user the request names (or of the calling user)."""
    name = call.params.get(param) or (call.actor.name if call.actor.kind is ActorKind.USER else None)
    if not name or call.account is None:
        return {}
    found = selectors.user_path_and_tags(account=call.account, user_name=str(name))
    return {f"aws:ResourceTag/{key}": value for key, value in (found[1] if found else {}).items()}


def _delete_boundary_context(call: Call) -> Mapping[str, Any]:
    context = resource_tags_context(call)
    if call.account is not None:
        current = selectors.user_boundary_arn(account=call.account, user_name=str(call.params.get("user_name")))
        if current:
            context["iam:PermissionsBoundary"] = current
    return context


def _users_resource(call: Call) -> str:
    return iam_arn(call.account_id, "user", "", "/")


def _create_resource(call: Call) -> str:
    # The user does not exist yet: its ARN is built from the requested path.
    return iam_arn(call.account_id, "user", str(call.params.get("user_name")), str(call.params.get("path") or "/"))


OPERATIONS = (
    Operation("CreateUser", services.create_user, resource=_create_resource, context=creation_context),
    Operation(
        "GetUser",
        selectors.get_user,
        resource=user_resource,
        context=resource_tags_context,
        implicit_user=True,
        read_only=True,
    ),
    Operation("ListUsers", selectors.list_users, resource=_users_resource, read_only=True),
    Operation("UpdateUser", services.update_user, resource=user_resource, context=resource_tags_context),
    Operation("DeleteUser", services.delete_user, resource=user_resource, context=resource_tags_context),
    Operation("TagUser", services.tag_user, resource=user_resource, context=tag_context(resource_tags_context)),
    Operation("UntagUser", services.untag_user, resource=user_resource, context=untag_context(resource_tags_context)),
    Operation(
        "ListUserTags", selectors.list_user_tags, resource=user_resource, context=resource_tags_context, read_only=True
    ),
    Operation(
        "PutUserPermissionsBoundary",
        services.put_user_permissions_boundary,
        resource=user_resource,
        context=put_boundary_context(resource_tags_context),
    ),
    Operation(
        "DeleteUserPermissionsBoundary",
        services.delete_user_permissions_boundary,
        resource=user_resource,
        context=_delete_boundary_context,
    ),
)
