"""The Access advisor tab of the user and role detail pages: which services the entity's policies allow, and when
the entity last used each (and, for the services tracked at action level, each action), from the audit trail.

Opening the tab starts a GenerateServiceLastAccessedDetails job (ACTION_LEVEL) for the entity's ARN; the tab then
asks again every few seconds with the job's id (``?tab=access_advisor&job=…``), reading GetServiceLastAccessedDetails
until the job is COMPLETED or FAILED. Both are operations run as the signed-in actor, so a denial shows the
access-denied panel naming the missing action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from iamconsole import console
from iamconsole.errors import IamError
from iamconsole.middleware import SignedInRequest
from identities.awsapi.last_accessed import service_last_accessed_shape

TAB = "access_advisor"
LABEL = "Access advisor"
#: Seconds between two reads of a job still in progress.
POLL_SECONDS = 2
FILTERS = {"all": "All services", "accessed": "Accessed", "not_accessed": "Not accessed"}
#: GetServiceLastAccessedDetails's largest page: a report is read in as few calls as possible.
PAGE = 1000


@dataclass(slots=True)
class Report:
    """What the tab shows: the job, its status, and the services (filtered) once it is complete."""

    job_id: str
    status: str
    services: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    accessed_count: int = 0
    total_count: int = 0
    completed_at: datetime | None = None

    @property
    def not_accessed_count(self) -> int:
        return self.total_count - self.accessed_count


def _filter(request: SignedInRequest) -> str:
    chosen = request.GET.get("filter", "all")
    return chosen if chosen in FILTERS else "all"


def _read(request: SignedInRequest, job_id: str) -> Report:
    services: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        params: dict[str, Any] = {"job_id": job_id, "max_items": PAGE, **({"marker": marker} if marker else {})}
        page = console.run(request, "GetServiceLastAccessedDetails", params)
        services.extend(service_last_accessed_shape(entry) for entry in page.items)
        if not page.is_truncated:
            break
        marker = page.marker
    job = page.job
    error = job.error.get("Message", "") if isinstance(job.error, dict) else ""
    return Report(job_id=job_id, status=str(job.status), services=services, error=error, completed_at=job.completed_at)


def context(request: SignedInRequest, arn: str, detail_url: str) -> dict[str, Any]:
    """The tab's context for the entity ``arn``: a new job, or the one the query string names, as far as it went.

    A denial or any other error is in the context as ``console.render_error`` puts it (``denied`` or ``error``),
    with ``advisor_status`` the HTTP status the tab answers with.
    """
    chosen = _filter(request)
    try:
        job_id = request.GET.get("job", "")
        if not job_id:
            job = console.run(
                request, "GenerateServiceLastAccessedDetails", {"arn": arn, "granularity": "ACTION_LEVEL"}
            )
            job_id = job.job_id
        report = _read(request, job_id)
    except IamError as error:
        key = "denied" if error.code == "AccessDenied" else "error"
        return {key: error, "advisor": None, "advisor_status": error.http_status}
    report.total_count = len(report.services)
    report.accessed_count = sum(1 for service in report.services if "LastAuthenticated" in service)
    if chosen == "accessed":
        report.services = [service for service in report.services if "LastAuthenticated" in service]
    elif chosen == "not_accessed":
        report.services = [service for service in report.services if "LastAuthenticated" not in service]

    def url(**query: str) -> str:
        return f"{detail_url}?{urlencode({'tab': TAB, 'job': report.job_id, **query})}"

    return {
        "advisor": report,
        "advisor_status": 200,
        "advisor_filter": chosen,
        "advisor_filters": [(key, label, url(filter=key)) for key, label in FILTERS.items()],
        "advisor_poll_url": url(filter=chosen),
        "advisor_poll_seconds": POLL_SECONDS,
        # Opening the tab again (a new job) reads the trail as it is now.
        "advisor_refresh_url": f"{detail_url}?{urlencode({'tab': TAB})}",
    }
