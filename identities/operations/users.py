"""Operations on IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, tags and boundaries.

Each names the user's ARN with its real path as the resource and adds the condition keys AWS documents for it:
``aws:RequestTag/*`` and ``aws:TagKeys`` on CreateUser and TagUser, ``aws:TagKeys`` on UntagUser,
``iam:PermissionsBoundary`` when a boundary is set or removed, and ``aws:ResourceTag/*`` from an existing user's tags.
ListUsers is authorized against ``arn:aws:iam::ACCOUNT:user/``, as AWS names it in its denials.
"""

from __future__ import annotations

from iamconsole.arn import iam_arn
from iamconsole.condition_keys import creation_context, put_boundary_context, tag_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import delete_boundary_context, on_user, user_of, user_tags_context


def _users_resource(call: Call) -> str:
    return iam_arn(call.account_id, "user", "", "/")


def _create_resource(call: Call) -> str:
    # The user does not exist yet: its ARN is built from the requested path.
    return iam_arn(call.account_id, "user", str(call.params.get("user_name")), str(call.params.get("path") or "/"))


OPERATIONS = (
    Operation("CreateUser", services.create_user, resource=_create_resource, context=creation_context),
    on_user("GetUser", selectors.get_user, context=user_tags_context, implicit_user=True, read_only=True),
    Operation("ListUsers", selectors.list_users, resource=_users_resource, read_only=True),
    on_user("UpdateUser", services.update_user, context=user_tags_context),
    on_user("DeleteUser", services.delete_user, context=user_tags_context),
    on_user("TagUser", services.tag_user, context=tag_context(user_tags_context)),
    on_user("UntagUser", services.untag_user, context=untag_context(user_tags_context)),
    on_user("ListUserTags", selectors.list_user_tags, context=user_tags_context, read_only=True),
    on_user(
        "PutUserPermissionsBoundary",
        services.put_user_permissions_boundary,
        context=put_boundary_context(user_tags_context),
    ),
    on_user(
        "DeleteUserPermissionsBoundary",
        services.delete_user_permissions_boundary,
        context=delete_boundary_context(user_tags_context, user_of),
    ),
)
