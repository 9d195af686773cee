"""Service last accessed results shaped as botocore's IAM output shapes.

Jobs keep their report as JSON (times as ISO 8601 text); these functions turn it back into AWS's members.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from identities.models import ServiceLastAccessedJob
from identities.selectors.last_accessed import GLOBAL_REGION, GrantingPolicies, LastAccessedPage


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _job_header(job: ServiceLastAccessedJob) -> dict[str, Any]:
    shape: dict[str, Any] = {"JobStatus": job.status, "JobCreationDate": job.created_at}
    if job.completed_at is not None:
        shape["JobCompletionDate"] = job.completed_at
    if job.error:
        shape["Error"] = dict(job.error)
    return shape


def _tail(page: LastAccessedPage, shape: dict[str, Any]) -> dict[str, Any]:
    shape["IsTruncated"] = page.is_truncated
    if page.marker:
        shape["Marker"] = page.marker
    return shape


def service_last_accessed_shape(entry: dict[str, Any]) -> dict[str, Any]:
    """``ServiceLastAccessed``."""
    shape: dict[str, Any] = {
        "ServiceName": entry["name"],
        "ServiceNamespace": entry["namespace"],
        "TotalAuthenticatedEntities": entry["total"],
    }
    if entry["last"]:
        shape["LastAuthenticated"] = _time(entry["last"])
        shape["LastAuthenticatedEntity"] = entry["entity"]
        shape["LastAuthenticatedRegion"] = GLOBAL_REGION
    if "actions" in entry:
        tracked = []
        for action in entry["actions"]:
            item: dict[str, Any] = {"ActionName": action["action"]}
            if action["last"]:
                item["LastAccessedTime"] = _time(action["last"])
                item["LastAccessedEntity"] = action["entity"]
                item["LastAccessedRegion"] = GLOBAL_REGION
            tracked.append(item)
        shape["TrackedActionsLastAccessed"] = tracked
    return shape


def _details_shape(page: LastAccessedPage) -> dict[str, Any]:
    shape = _job_header(page.job)
    shape["JobType"] = page.job.granularity
    shape["ServicesLastAccessed"] = [service_last_accessed_shape(entry) for entry in page.items]
    return _tail(page, shape)


def _entity_details_shape(page: LastAccessedPage) -> dict[str, Any]:
    shape = _job_header(page.job)
    details = []
    for entity in page.items:
        item: dict[str, Any] = {"EntityInfo": dict(entity["info"])}
        if entity["last"]:
            item["LastAuthenticated"] = _time(entity["last"])
        details.append(item)
    shape["EntityDetailsList"] = details
    return _tail(page, shape)


def _granting_shape(found: GrantingPolicies) -> dict[str, Any]:
    return {"PoliciesGrantingServiceAccess": list(found.services), "IsTruncated": False}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "GenerateServiceLastAccessedDetails": lambda job: {"JobId": job.job_id},
    "GetServiceLastAccessedDetails": _details_shape,
    "GetServiceLastAccessedDetailsWithEntities": _entity_details_shape,
    "ListPoliciesGrantingServiceAccess": _granting_shape,
}
