"""Service-linked role results shaped as botocore's IAM output shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from identities.awsapi.roles import role_shape
from identities.models import ServiceLinkedRoleDeletion


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
    "CreateServiceLinkedRole": lambda role: {"Role": role_shape(role)},
    "DeleteServiceLinkedRole": lambda deletion: {"DeletionTaskId": deletion.deletion_task_id},
    "GetServiceLinkedRoleDeletionStatus": deletion_status_shape,
}
