"""GenerateServiceLastAccessedDetails: a report job computed by a Celery task from the audit trail.

Generate checks the entity and records a job (``IN_PROGRESS``) whose task runs on commit; the task's step
(``CompleteServiceLastAccessedDetails``, system only) computes the report and marks the job ``COMPLETED``, or
``FAILED`` with the reason when the entity was deleted meanwhile. The step does nothing to a finished job, so a task
delivered twice is harmless.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import outbox
from iamconsole.errors import IamError
from identities.models import ServiceLastAccessedJob
from identities.selectors.last_accessed import check_granularity, compute_report, resolve_subject

REPORT_TASK = "identities.tasks.complete_service_last_accessed_details_task"


@transaction.atomic
def generate_service_last_accessed_details(
    *, account: Account, arn: str, granularity: str = "SERVICE_LEVEL"
) -> ServiceLastAccessedJob:
    """Start a report on a user, group, role or managed policy (``NoSuchEntity`` when it does not exist)."""
    check_granularity(granularity)
    resolve_subject(account=account, arn=arn)
    job = ServiceLastAccessedJob.objects.create(
        account=account,
        job_id=str(uuid.uuid4()),
        arn=arn,
        granularity=granularity,
        created_at=timezone.now(),
    )
    outbox.enqueue(REPORT_TASK, account.account_id, job.job_id)
    return job


@transaction.atomic
def complete_service_last_accessed_details(*, account: Account, job_id: str) -> ServiceLastAccessedJob | None:
    """The report task's step: compute the report of an ``IN_PROGRESS`` job from the audit trail."""
    job = ServiceLastAccessedJob.objects.select_for_update().filter(account=account, job_id=job_id).first()
    if job is None or job.status != ServiceLastAccessedJob.Status.IN_PROGRESS:
        return job
    now = timezone.now()
    try:
        job.result = compute_report(account=account, arn=job.arn, granularity=job.granularity, now=now)
        job.status = ServiceLastAccessedJob.Status.COMPLETED
    except IamError as error:
        job.status = ServiceLastAccessedJob.Status.FAILED
        job.error = {"Code": error.code, "Message": error.message}
    job.completed_at = now
    job.save(update_fields=["result", "status", "error", "completed_at"])
    return job


def resume_stalled_service_last_accessed_jobs(*, batch: int = 500) -> int:
    """Send the report task again for every job still ``IN_PROGRESS`` after ``IAM_STALLED_TASK_AFTER`` (its task was
    lost with a killed worker); beat's sweep calls it. Returns how many were sent again."""
    now = timezone.now()
    with transaction.atomic():
        stalled = list(
            ServiceLastAccessedJob.objects.select_for_update(skip_locked=True)
            .filter(
                status=ServiceLastAccessedJob.Status.IN_PROGRESS,
                created_at__lt=now - settings.IAM_STALLED_TASK_AFTER,
            )
            .select_related("account")
            .order_by("created_at")[:batch]
        )
        for job in stalled:
            outbox.enqueue(REPORT_TASK, job.account.account_id, job.job_id)
    return len(stalled)


__all__ = [
    "complete_service_last_accessed_details",
    "generate_service_last_accessed_details",
    "resume_stalled_service_last_accessed_jobs",
]
