"""Background work of the identities app: service-linked role deletion and credential report generation.

Tasks are faces: they take ids, call ``operations.run`` as the system actor (audited with source ``task``), and hold
no business rules. Each step is idempotent (state guards in the services), so a task sent twice (outbox and commit
hook) or retried after a crash changes nothing more. Transient database errors are retried with exponential backoff.
"""

from __future__ import annotations

from iamconsole.background import retried_task, run_as_system


@retried_task("identities.tasks.delete_service_linked_role_task", retry_backoff_max=120, max_retries=8)
def delete_service_linked_role_task(account_id: str, deletion_task_id: str) -> str:
    """Advance a DeleteServiceLinkedRole deletion by one step; the service enqueues the next step itself."""
    deletion = run_as_system(
        "ProcessServiceLinkedRoleDeletion", {"deletion_task_id": deletion_task_id}, account_id=account_id
    )
    return str(deletion.status)


@retried_task("identities.tasks.generate_credential_report_task", retry_backoff_max=120, max_retries=8)
def generate_credential_report_task(account_id: str) -> str:
    """Write the account's credential report (GenerateCredentialReport's task)."""
    report = run_as_system("CompleteCredentialReport", {}, account_id=account_id)
    return str(report.state) if report is not None else ""


@retried_task("identities.tasks.resume_stalled_tasks_task", retry_backoff_max=60, max_retries=5)
def resume_stalled_tasks_task() -> dict[str, int]:
    """Beat's sweep: send again the deletion and report tasks that a killed worker lost (ResumeStalledTasks)."""
    resent: dict[str, int] = run_as_system("ResumeStalledTasks", {})
    return resent


@retried_task("identities.tasks.complete_service_last_accessed_details_task", retry_backoff_max=120, max_retries=8)
def complete_service_last_accessed_details_task(account_id: str, job_id: str) -> str:
    """Compute a GenerateServiceLastAccessedDetails report from the audit trail."""
    job = run_as_system("CompleteServiceLastAccessedDetails", {"job_id": job_id}, account_id=account_id)
    return str(job.status) if job is not None else ""
