"""Operations on IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole, ListRoleTags, PutRolePermissionsBoundary,
DeleteRolePermissionsBoundary.

Each names the role's ARN with its real path as the resource and adds the condition keys AWS documents for it:
``aws:RequestTag/*`` and ``aws:TagKeys`` on CreateRole and TagRole, ``aws:TagKeys`` on UntagRole,
``iam:PermissionsBoundary`` when a boundary is set or removed, and ``aws:ResourceTag/*`` from an existing role's tags.
ListRoles is authorized against ``arn:aws:iam::ACCOUNT:role/``, as AWS names it in its denials.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.condition_keys import creation_context, put_boundary_context, tag_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import delete_boundary_context
from identities.selectors import EntityFacts


def target_role(call: Call) -> EntityFacts | None:
    """The role the request names (None when there is none): the operations on roles look it up once, as their
    ``target``."""
    name = call.params.get("role_name")
    if not name or call.account is None:
        return None
    return selectors.role_facts(account=call.account, role_name=str(name))


def locked_target_role(call: Call) -> EntityFacts | None:
    """The role the request names, its row locked for the rest of the call's transaction (DeleteRole)."""
    name = call.params.get("role_name")
    if not name or call.account is None:
        return None
    return selectors.role_facts(account=call.account, role_name=str(name), lock=True)


def role_of(call: Call) -> EntityFacts | None:
    """The call's target role (looked up here when the operation's target is something else, or none)."""
    return call.target if isinstance(call.target, EntityFacts) else target_role(call)


def role_resource(call: Call) -> str:
    """The ARN of the role the request names, with its real path when it exists."""
    role = role_of(call)
    return iam_arn(call.account_id, "role", str(call.params.get("role_name") or ""), role.path if role else "/")


def role_tags_context(call: Call) -> dict[str, Any]:
    """``aws:ResourceTag/KEY`` for each tag of the existing role the request names."""
    role = role_of(call)
    return {f"aws:ResourceTag/{key}": value for key, value in (role.tags if role else {}).items()}


def on_role(name: str, handler: Callable[..., Any], **options: Any) -> Operation:
    """An operation on the role the request names: authorized on the role's ARN, the role looked up once as the
    call's target (``target_role`` unless ``options`` name another)."""
    return Operation(name, handler, **{"resource": role_resource, "target": target_role, **options})


def _create_resource(call: Call) -> str:
    # The role does not exist yet: its ARN is built from the requested path.
    return iam_arn(call.account_id, "role", str(call.params.get("role_name")), str(call.params.get("path") or "/"))


def _roles_resource(call: Call) -> str:
    return iam_arn(call.account_id, "role", "", "/")


OPERATIONS = (
    Operation("CreateRole", services.create_role, resource=_create_resource, context=creation_context),
    on_role("GetRole", selectors.get_role, context=role_tags_context, read_only=True, takes_target=True),
    Operation("ListRoles", selectors.list_roles, resource=_roles_resource, read_only=True, takes_request=True),
    on_role("UpdateRole", services.update_role, context=role_tags_context),
    on_role("UpdateRoleDescription", services.update_role_description, context=role_tags_context),
    on_role("UpdateAssumeRolePolicy", services.update_assume_role_policy, context=role_tags_context),
    on_role(
        "DeleteRole", services.delete_role, context=role_tags_context, target=locked_target_role, takes_target=True
    ),
    on_role("TagRole", services.tag_role, context=tag_context(role_tags_context)),
    on_role("UntagRole", services.untag_role, context=untag_context(role_tags_context)),
    on_role("ListRoleTags", selectors.list_role_tags, context=role_tags_context, read_only=True),
    on_role(
        "PutRolePermissionsBoundary",
        services.put_role_permissions_boundary,
        context=put_boundary_context(role_tags_context),
    ),
    on_role(
        "DeleteRolePermissionsBoundary",
        services.delete_role_permissions_boundary,
        context=delete_boundary_context(role_tags_context, role_of),
    ),
)
