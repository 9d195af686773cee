"""Background work of the identities app: service-linked role deletion and credential report generation.

Tasks are faces: they take ids, call ``operations.run`` as the system actor (audited with source ``task``), and hold
no business rules. Each step is idempotent (state guards in the services), so a task sent twice (outbox and commit
hook) or retried after a crash changes nothing more. Transient database errors are retried with exponential backoff.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from iamconsole.actors import Actor, RequestContext, Source

#: Errors worth another try: the database restarting, a connection dropped, SQLite's "database is locked".
TRANSIENT = (OperationalError, InterfaceError)


def _run(account_id: str, operation: str, params: dict[str, Any]) -> Any:
    from iamconsole import operations

    return operations.run(Actor.system(account_id), operation, params, request=RequestContext(source=Source.TASK))


@shared_task(
    name="identities.tasks.delete_service_linked_role_task",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def delete_service_linked_role_task(account_id: str, deletion_task_id: str) -> str:
    """Advance a DeleteServiceLinkedRole deletion by one step; the service enqueues the next step itself."""
    deletion = _run(account_id, "ProcessServiceLinkedRoleDeletion", {"deletion_task_id": deletion_task_id})
    return str(deletion.status)


@shared_task(
    name="identities.tasks.generate_credential_report_task",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def generate_credential_report_task(account_id: str) -> str:
    """Write the account's credential report (GenerateCredentialReport's task)."""
    report = _run(account_id, "CompleteCredentialReport", {})
    return str(report.state) if report is not None else ""


@shared_task(
    name="identities.tasks.resume_stalled_tasks_task",
    acks_late=True,
    ignore_result=True,
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def resume_stalled_tasks_task() -> dict[str, int]:
    """Beat's sweep: send again the deletion and report tasks that a killed worker lost (ResumeStalledTasks)."""
    from iamconsole import operations

    resent: dict[str, int] = operations.run(
        Actor.system(), "ResumeStalledTasks", {}, request=RequestContext(source=Source.TASK)
    )
    return resent
