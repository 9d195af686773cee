"""Operations on service last accessed data.

AWS authorizes GenerateServiceLastAccessedDetails and ListPoliciesGrantingServiceAccess against the entity the
request names, and the Get operations against ``*`` (a job id is no resource). ``GetUnusedPermissions`` is
iamconsole's own (``iamconsole:GetUnusedPermissions`` on the user or role), for the console and the REST API.
"""

from __future__ import annotations

from iamconsole.operations import Call, Operation
from identities import selectors, services


def _entity(call: Call) -> str:
    return str(call.params.get("arn") or "*")


OPERATIONS = (
    Operation(
        "GenerateServiceLastAccessedDetails",
        services.generate_service_last_accessed_details,
        resource=_entity,
    ),
    Operation("GetServiceLastAccessedDetails", selectors.get_service_last_accessed_details, read_only=True),
    Operation(
        "GetServiceLastAccessedDetailsWithEntities",
        selectors.get_service_last_accessed_details_with_entities,
        read_only=True,
    ),
    Operation(
        "ListPoliciesGrantingServiceAccess",
        selectors.list_policies_granting_service_access,
        resource=_entity,
        read_only=True,
    ),
    Operation(
        "GetUnusedPermissions",
        selectors.get_unused_permissions,
        action="iamconsole:GetUnusedPermissions",
        resource=_entity,
        read_only=True,
    ),
    Operation(
        "CompleteServiceLastAccessedDetails",
        services.complete_service_last_accessed_details,
        action=None,
        system_only=True,
    ),
)
