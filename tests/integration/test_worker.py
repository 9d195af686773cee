"""Background work end to end, with a real Celery worker and beat (see conftest.py): nothing here runs eagerly.

Requests are made in this process through ``operations.run``, as a face would; their tasks go through the outbox and
the broker to the worker, whose effects are then read back from the shared database.
"""

from __future__ import annotations

import csv
import io
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OutboxTask
from iamconsole import operations
from iamconsole.errors import IamError
from identities.models import Role
from tests import factories
from tests.integration.conftest import publishing_to

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("aws_managed_policies"),
]

BEANSTALK = "elasticbeanstalk.amazonaws.com"


def create_role(account, service=BEANSTALK):
    return operations.run(account.root, "CreateServiceLinkedRole", {"aws_service_name": service})


def delete_role(account, role):
    return operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": role.name}).deletion_task_id


def deletion_status(account, task_id):
    return operations.run(account.root, "GetServiceLinkedRoleDeletionStatus", {"deletion_task_id": task_id})


def status_is(account, task_id, expected):
    return lambda: deletion_status(account, task_id).status == expected


def credential_report(account):
    try:
        return operations.run(account.root, "GetCredentialReport")
    except IamError:
        return None


def test_deletion_is_seen_in_progress_then_succeeded(celery_worker, account):
    role = create_role(account)
    task_id = delete_role(account, role)
    celery_worker.wait_for(status_is(account, task_id, "IN_PROGRESS"), what="IN_PROGRESS")
    assert Role.objects.filter(pk=role.pk).exists()
    celery_worker.wait_for(status_is(account, task_id, "SUCCEEDED"), what="SUCCEEDED")
    assert not Role.objects.filter(pk=role.pk).exists()
    celery_worker.wait_for(lambda: not OutboxTask.objects.exists(), what="the outbox to empty")


def test_deletion_fails_with_the_resources_that_use_the_role(celery_worker, account):
    role = create_role(account, "autoscaling.amazonaws.com")
    resource = f"arn:aws:autoscaling:us-east-1:{account.account_id}:autoScalingGroup:1:autoScalingGroupName/web"
    operations.run(
        account.root,
        "RegisterServiceLinkedRoleUsage",
        {"role_name": role.name, "region": "us-east-1", "resource_arn": resource},
    )
    task_id = delete_role(account, role)
    celery_worker.wait_for(status_is(account, task_id, "FAILED"), what="FAILED")
    deletion = deletion_status(account, task_id)
    assert "in use by 1 resource" in deletion.reason
    assert deletion.role_usage == [{"region": "us-east-1", "resources": [resource]}]
    assert Role.objects.filter(pk=role.pk).exists()


def test_credential_report_is_generated_by_the_worker(celery_worker, account):
    generation = operations.run(account.root, "GenerateCredentialReport")
    assert generation.state == "STARTED"
    report = celery_worker.wait_for(lambda: credential_report(account), what="the credential report")
    lines = list(csv.reader(io.StringIO(report.content)))
    assert lines[0][:3] == ["user", "arn", "user_creation_time"]
    assert lines[1][:2] == ["<root_account>", f"arn:aws:iam::{account.account_id}:root"]


def test_service_last_accessed_report_is_computed_by_the_worker(celery_worker, account):
    factories.user(account, "dev")
    arn = f"arn:aws:iam::{account.account_id}:user/dev"
    job = operations.run(account.root, "GenerateServiceLastAccessedDetails", {"arn": arn})

    def completed():
        page = operations.run(account.root, "GetServiceLastAccessedDetails", {"job_id": job.job_id})
        return page if page.job.status == "COMPLETED" else None

    page = celery_worker.wait_for(completed, what="the last accessed report")
    assert page.job.completed_at is not None
    assert list(page.items) == []  # dev has no policy: no service is allowed, so none is reported


def test_beat_sweeps_expired_sessions(celery_worker, account):
    from sts.models import StsSession

    now = timezone.now()

    # Raw rows: no operation issues a session that has already expired, which is what the sweep must find.
    def session(key, expires_at):
        return StsSession.objects.create(
            access_key_id=key,
            secret_encrypted="x",
            session_token_digest="0" * 64,
            account=account.model,
            issued_to_arn=f"arn:aws:iam::{account.account_id}:root",
            issued_at=now - timedelta(hours=2),
            expires_at=expires_at,
        )

    expired = session("ASIAEXPIREDEXPIRED01", now - timedelta(hours=1))
    live = session("ASIALIVELIVELIVELI01", now + timedelta(hours=1))
    celery_worker.wait_for(
        lambda: not StsSession.objects.filter(pk=expired.pk).exists(), what="the sweep of expired sessions"
    )
    assert StsSession.objects.filter(pk=live.pk).exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_broker_outage_loses_nothing(celery_worker, account):
    role = create_role(account)
    with publishing_to(f"redis://127.0.0.1:{_closed_port()}/0", {}):
        # The requests succeed while the broker cannot be reached; their tasks wait in the outbox.
        task_id = delete_role(account, role)
        assert operations.run(account.root, "GenerateCredentialReport").state == "STARTED"
    kept = list(OutboxTask.objects.order_by("pk"))
    assert [row.task_name for row in kept] == [
        "identities.tasks.delete_service_linked_role_task",
        "identities.tasks.generate_credential_report_task",
    ]
    assert all(row.attempts == 1 and "Connection refused" in row.last_error for row in kept)
    assert deletion_status(account, task_id).status == "NOT_STARTED"

    # Beat hands the kept tasks to the broker, and the worker runs them.
    celery_worker.wait_for(status_is(account, task_id, "SUCCEEDED"), timeout=30, what="the kept deletion to run")
    celery_worker.wait_for(lambda: credential_report(account), what="the kept credential report task")
    celery_worker.wait_for(lambda: not OutboxTask.objects.exists(), what="the outbox to empty")
