"""Operations on service-linked roles, and iamconsole's own ones on the resources that use them.

``RegisterServiceLinkedRoleUsage``, ``DeregisterServiceLinkedRoleUsage`` and ``ListServiceLinkedRoleUsages`` have no
AWS counterpart (AWS asks its services); they are authorized as ``iamconsole:<Name>`` actions, which a policy grants
like any other (``"Action": "iamconsole:*"``). ``ProcessServiceLinkedRoleDeletion`` is the deletion task's step, for
the system actor only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.roles import on_role
from identities.selectors.service_linked_roles import DELETION_TASK_PREFIX
from identities.services.service_linked_roles import SERVICE_ROLE_PATH_PREFIX


def _new_role_resource(call: Call) -> str:
    """The ARN the new role will have: AWS authorizes CreateServiceLinkedRole on it."""
    from identities import service_linked_catalog

    service = str(call.params.get("aws_service_name") or "")
    spec = service_linked_catalog.get_spec(service)
    if spec is None:
        return iam_arn(call.account_id, "role", "*", f"{SERVICE_ROLE_PATH_PREFIX}{service}/")
    suffix = call.params.get("custom_suffix")
    name = spec.role_name if not suffix or not spec.custom_suffix_allowed else f"{spec.role_name}_{suffix}"
    return iam_arn(call.account_id, "role", name, spec.path)


def _service_name_context(call: Call) -> Mapping[str, Any]:
    """``iam:AWSServiceName``, the condition key AWS documents for CreateServiceLinkedRole."""
    return {"iam:AWSServiceName": str(call.params.get("aws_service_name") or "")}


def _deletion_resource(call: Call) -> str:
    """The role a deletion task id names: ``task/aws-service-role/<service>/<role>/<uuid>``."""
    task_id = str(call.params.get("deletion_task_id") or "")
    parts = task_id.split("/")
    if not task_id.startswith(DELETION_TASK_PREFIX) or len(parts) != 5:
        return "*"
    return iam_arn(call.account_id, "role", parts[3], f"{SERVICE_ROLE_PATH_PREFIX}{parts[2]}/")


def _resume_stalled_tasks() -> dict[str, int]:
    """Beat's sweep of background work whose task was lost: deletions, credential reports and last accessed reports
    sent again."""
    return {
        "service_linked_role_deletions": services.resume_stalled_service_linked_role_deletions(),
        "credential_reports": services.resume_stalled_credential_reports(),
        "service_last_accessed_jobs": services.resume_stalled_service_last_accessed_jobs(),
    }


OPERATIONS = (
    Operation(
        "CreateServiceLinkedRole",
        services.create_service_linked_role,
        resource=_new_role_resource,
        context=_service_name_context,
    ),
    on_role("DeleteServiceLinkedRole", services.delete_service_linked_role),
    Operation(
        "GetServiceLinkedRoleDeletionStatus",
        selectors.get_service_linked_role_deletion_status,
        resource=_deletion_resource,
        read_only=True,
    ),
    Operation(
        "ResumeStalledTasks",
        _resume_stalled_tasks,
        audit_details=lambda resent: resent,
        action=None,
        account_scoped=False,
        system_only=True,
    ),
    Operation(
        "ProcessServiceLinkedRoleDeletion",
        services.process_service_linked_role_deletion,
        action=None,
        system_only=True,
    ),
    on_role(
        "RegisterServiceLinkedRoleUsage",
        services.register_service_linked_role_usage,
        action="iamconsole:RegisterServiceLinkedRoleUsage",
    ),
    on_role(
        "DeregisterServiceLinkedRoleUsage",
        services.deregister_service_linked_role_usage,
        action="iamconsole:DeregisterServiceLinkedRoleUsage",
    ),
    on_role(
        "ListServiceLinkedRoleUsages",
        selectors.list_service_linked_role_usages,
        action="iamconsole:ListServiceLinkedRoleUsages",
        read_only=True,
    ),
)
