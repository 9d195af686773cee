"""Role results shaped as botocore's IAM output shapes (``Role``, ``GetRole``, ``ListRoles``, ``ListRoleTags``).

AWS returns ``PermissionsBoundary``, ``Tags`` and ``RoleLastUsed`` in GetRole but not in ListRoles; ``RoleLastUsed``
is an empty structure until the role is first used. Trust policies are returned as the raw JSON text (the Query face
URL-encodes them, as AWS does on the wire). Optional members that are unset are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.pagination import page_shape
from identities.awsapi.common import boundary_and_tags
from identities.awsapi.users import tags_shape
from identities.models import Role
from identities.selectors.roles import ListedRole


def role_arn(role: Role, account_id: str | None = None) -> str:
    """The role's ARN, with its path (``account_id`` spares a lookup when the caller knows it)."""
    return iam_arn(account_id or role.account.account_id, "role", role.name, role.path)


def role_shape(role: Role, *, detailed: bool = False, account_id: str | None = None) -> dict[str, Any]:
    """``Role``; ``detailed`` adds the boundary, the tags and the last use, as GetRole returns them."""
    shape = _role_members(role, account_id or role.account.account_id)
    if detailed:
        shape.update(boundary_and_tags(role))
        shape["RoleLastUsed"] = role_last_used_shape(role)
    return shape


def listed_role_shape(role: Role | ListedRole) -> dict[str, Any]:
    """``Role`` as ListRoles returns it, from a model instance or a :class:`ListedRole` row."""
    return _role_members(role, role.account_id if isinstance(role, ListedRole) else role.account.account_id)


def _role_members(role: Role | ListedRole, account_id: str) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": iam_arn(account_id, "role", role.name, role.path),
        "CreateDate": role.created_at,
        "AssumeRolePolicyDocument": role.assume_role_policy_document,
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description:
        shape["Description"] = role.description
    return shape


def role_last_used_shape(role: Role) -> dict[str, Any]:
    """``RoleLastUsed``: the last time and region STS issued credentials for the role; empty when never."""
    used: dict[str, Any] = {}
    if role.last_used_at is not None:
        used["LastUsedDate"] = role.last_used_at
        if role.last_used_region:
            used["Region"] = role.last_used_region
    return used


def _created(role: Role) -> dict[str, Any]:
    shape = role_shape(role, detailed=True)
    shape.pop("RoleLastUsed")  # CreateRole's answer carries no last use
    return {"Role": shape}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateRole": _created,
    "GetRole": lambda role: {"Role": role_shape(role, detailed=True)},
    "ListRoles": lambda page: page_shape("Roles", page, listed_role_shape),
    # UpdateRoleResponse is a structure without members: the answer is an empty UpdateRoleResult.
    "UpdateRole": lambda _role: {},
    "UpdateRoleDescription": lambda role: {"Role": role_shape(role, detailed=True)},
    "ListRoleTags": tags_shape,
}
