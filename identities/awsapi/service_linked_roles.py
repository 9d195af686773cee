"""Service-linked role results shaped as botocore's IAM output shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn
from identities.models import Role, ServiceLinkedRoleDeletion


def service_linked_role_shape(role: Role) -> dict[str, Any]:
    """``Role`` as CreateServiceLinkedRole returns it: the trust policy as its JSON text, no tags or boundary."""
    shape: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.role_id,
        "Arn": iam_arn(role.account.account_id, "role", role.name, role.path),
        "CreateDate": role.created_at,
        "AssumeRolePolicyDocument": role.assume_role_policy_document,
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description:
        shape["Description"] = role.description
    return shape


def deletion_status_shape(deletion: ServiceLinkedRoleDeletion) -> dict[str, Any]:
    """``Status``, and for a failed deletion ``Reason`` with the resources that still use the role."""
    shape: dict[str, Any] = {"Status": deletion.status}
    if deletion.status == ServiceLinkedRoleDeletion.Status.FAILED:
        shape["Reason"] = {
            "Reason": deletion.reason,
            "RoleUsageList": [
                {"Region": entry["region"], "Resources": list(entry["resources"])} for entry in deletion.role_usage
            ],
        }
    return shape


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateServiceLinkedRole": lambda role: {"Role": service_linked_role_shape(role)},
    "DeleteServiceLinkedRole": lambda deletion: {"DeletionTaskId": deletion.deletion_task_id},
    "GetServiceLinkedRoleDeletionStatus": deletion_status_shape,
}
