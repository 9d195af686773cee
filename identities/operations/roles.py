"""Operations on IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole, ListRoleTags, PutRolePermissionsBoundary,
DeleteRolePermissionsBoundary.

Each names the role's ARN with its real path as the resource and adds the condition keys AWS documents for it:
``aws:RequestTag/*`` and ``aws:TagKeys`` on CreateRole and TagRole, ``aws:TagKeys`` on UntagRole,
``iam:PermissionsBoundary`` when a boundary is set or removed, and ``aws:ResourceTag/*`` from an existing role's tags.
ListRoles is authorized against ``arn:aws:iam::ACCOUNT:role/``, as AWS names it in its denials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.condition_keys import creation_context, put_boundary_context, tag_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services


def role_resource(call: Call, param: str = "role_name") -> str:
    """The ARN of the role named by ``param``, with its real path when it exists."""
    name = str(call.params.get(param) or "")
    path = "/"
    if call.account is not None and name:
        path = selectors.role_path(account=call.account, role_name=name)
    return iam_arn(call.account_id, "role", name, path)


def role_tags_context(call: Call, param: str = "role_name") -> dict[str, Any]:
    """``aws:ResourceTag/KEY`` for each tag of the existing role the request names."""
    name = call.params.get(param)
    if not name or call.account is None:
        return {}
    tags = selectors.role_tags(account=call.account, role_name=str(name))
    return {f"aws:ResourceTag/{key}": value for key, value in tags.items()}


def _create_resource(call: Call) -> str:
    # The role does not exist yet: its ARN is built from the requested path.
    return iam_arn(call.account_id, "role", str(call.params.get("role_name")), str(call.params.get("path") or "/"))


def _delete_boundary_context(call: Call) -> Mapping[str, Any]:
    context = role_tags_context(call)
    if call.account is not None:
        role = selectors.get_role(account=call.account, role_name=str(call.params.get("role_name")))
        if role.permissions_boundary is not None:
            context["iam:PermissionsBoundary"] = role.permissions_boundary.arn
    return context


def _roles_resource(call: Call) -> str:
    return iam_arn(call.account_id, "role", "", "/")


OPERATIONS = (
    Operation("CreateRole", services.create_role, resource=_create_resource, context=creation_context),
    Operation("GetRole", selectors.get_role, resource=role_resource, context=role_tags_context, read_only=True),
    Operation("ListRoles", selectors.list_roles, resource=_roles_resource, read_only=True),
    Operation("UpdateRole", services.update_role, resource=role_resource, context=role_tags_context),
    Operation(
        "UpdateRoleDescription", services.update_role_description, resource=role_resource, context=role_tags_context
    ),
    Operation(
        "UpdateAssumeRolePolicy", services.update_assume_role_policy, resource=role_resource, context=role_tags_context
    ),
    Operation("DeleteRole", services.delete_role, resource=role_resource, context=role_tags_context),
    Operation("TagRole", services.tag_role, resource=role_resource, context=tag_context(role_tags_context)),
    Operation("UntagRole", services.untag_role, resource=role_resource, context=untag_context(role_tags_context)),
    Operation(
        "ListRoleTags", selectors.list_role_tags, resource=role_resource, context=role_tags_context, read_only=True
    ),
    Operation(
        "PutRolePermissionsBoundary",
        services.put_role_permissions_boundary,
        resource=role_resource,
        context=put_boundary_context(role_tags_context),
    ),
    Operation(
        "DeleteRolePermissionsBoundary",
        services.delete_role_permissions_boundary,
        resource=role_resource,
        context=_delete_boundary_context,
    ),
)
