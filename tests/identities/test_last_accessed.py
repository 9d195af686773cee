"""Service last accessed reports below the faces: role sessions, managed policy reports, the tracking period, a job
whose entity is gone, and beat's sweep of stalled jobs."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OutboxTask
from iamconsole import operations
from iamconsole.actors import Actor
from identities.models import ServiceLastAccessedJob
from tests import factories
from tests.factories import allow, audit_event, deny, document

pytestmark = pytest.mark.django_db


def _report(account, arn: str, granularity: str = "SERVICE_LEVEL") -> ServiceLastAccessedJob:
    job = operations.run(account.root, "GenerateServiceLastAccessedDetails", {"arn": arn, "granularity": granularity})
    operations.run(Actor.system(account.account_id), "CompleteServiceLastAccessedDetails", {"job_id": job.job_id})
    job.refresh_from_db()
    return job


def test_a_role_report_counts_its_sessions_within_400_days(account):
    factories.role(account, "deploy", policy_document=document(allow(["iam:GetRole", "sts:GetCallerIdentity"])))
    session = f"arn:aws:sts::{account.account_id}:assumed-role/deploy/ci-run"
    audit_event(account, session, "GetRole", days_ago=3)
    audit_event(account, session, "GetCallerIdentity", source="sts.amazonaws.com", days_ago=500)  # outside the period
    audit_event(account, f"arn:aws:sts::{account.account_id}:assumed-role/deployer/x", "GetRole")  # another role

    job = _report(account, f"arn:aws:iam::{account.account_id}:role/deploy", "ACTION_LEVEL")
    assert job.status == "COMPLETED"
    services = {entry["namespace"]: entry for entry in job.result}
    assert set(services) == {"iam", "sts"}
    role_arn = f"arn:aws:iam::{account.account_id}:role/deploy"
    assert services["iam"]["entity"] == role_arn  # the role, not its session
    assert services["iam"]["total"] == 1
    assert services["sts"]["last"] is None
    assert [(a["action"], a["entity"]) for a in services["iam"]["actions"]] == [("GetRole", role_arn)]


def test_a_managed_policy_report_names_every_entity_it_is_attached_to(account):
    policy = factories.managed_policy(account, "Reader", document(allow(["iam:List*"])))
    for name in ("ann", "bob"):
        factories.user(account, name)
        factories.attach(account, policy, user_name=name)
    audit_event(account, f"arn:aws:iam::{account.account_id}:user/bob", "ListUsers")

    job = _report(account, policy.arn)
    (iam,) = job.result
    assert iam["entity"] == f"arn:aws:iam::{account.account_id}:user/bob"
    assert [(entity["info"]["Name"], entity["last"] is not None) for entity in iam["entities"]] == [
        ("ann", False),
        ("bob", True),
    ]


def test_a_job_whose_entity_was_deleted_fails_with_the_reason(account):
    root = account.root
    factories.user(account, "temp")
    job = operations.run(
        root, "GenerateServiceLastAccessedDetails", {"arn": f"arn:aws:iam::{account.account_id}:user/temp"}
    )
    operations.run(root, "DeleteUser", {"user_name": "temp"})
    operations.run(Actor.system(account.account_id), "CompleteServiceLastAccessedDetails", {"job_id": job.job_id})
    page = operations.run(root, "GetServiceLastAccessedDetails", {"job_id": job.job_id})
    assert page.job.status == "FAILED"
    assert page.job.error["Code"] == "NoSuchEntity"
    assert list(page.items) == []


def test_beat_sweep_sends_a_stalled_job_again(account):
    root = account.root
    factories.user(account, "dev")
    job = operations.run(
        root, "GenerateServiceLastAccessedDetails", {"arn": f"arn:aws:iam::{account.account_id}:user/dev"}
    )
    OutboxTask.objects.all().delete()
    resent = operations.run(Actor.system(), "ResumeStalledTasks", {})
    assert resent["service_last_accessed_jobs"] == 0
    ServiceLastAccessedJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    resent = operations.run(Actor.system(), "ResumeStalledTasks", {})
    assert resent["service_last_accessed_jobs"] == 1
    assert OutboxTask.objects.filter(args=[account.account_id, job.job_id]).exists()


def test_unused_permissions_and_a_least_privilege_policy_that_validates(account):
    from policies.engine.validation import has_errors, validate_policy

    root = account.root
    factories.user(account, "dev")
    user_arn = f"arn:aws:iam::{account.account_id}:user/dev"
    broad = document(
        allow(["iam:List*", "iam:GetUser"], Sid="Iam"),
        allow("s3:GetObject", "arn:aws:s3:::logs/*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        deny("iam:DeleteUser"),
    )
    factories.put_user_policy(account, "dev", broad, policy_name="broad")
    audit_event(account, user_arn, "ListUsers", days_ago=10)
    audit_event(account, user_arn, "GetUser", days_ago=120)  # used, but before the 90 days
    audit_event(account, user_arn, "CreateUser", days_ago=1)  # not granted: ignored

    unused = operations.run(root, "GetUnusedPermissions", {"arn": user_arn})
    assert unused.days == 90
    assert unused.used_actions == ["iam:ListUsers"]
    assert "iam:GetUser" in unused.unused_actions and "iam:ListRoles" in unused.unused_actions
    assert "iam:ListUsers" not in unused.unused_actions
    assert unused.unused_services == ["s3"]
    suggested = json.loads(unused.suggested_policy)
    assert suggested["Statement"] == [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"},
    ]
    assert not has_errors(validate_policy(unused.suggested_policy))
    assert not [finding for finding in unused.findings if finding["type"] == "ERROR"]

    wider = operations.run(root, "GetUnusedPermissions", {"arn": user_arn, "days": 400})
    assert wider.used_actions == ["iam:GetUser", "iam:ListUsers"]

    factories.user(account, "idle")
    factories.put_user_policy(account, "idle", broad, policy_name="p")
    idle = operations.run(root, "GetUnusedPermissions", {"arn": f"arn:aws:iam::{account.account_id}:user/idle"})
    assert idle.suggested_policy is None  # nothing used: nothing to keep
    assert idle.unused_services == ["iam", "s3"]


def test_unused_permissions_refuse_groups_and_out_of_range_days(account):
    from iamconsole.errors import InvalidInput, ValidationError

    factories.group(account, "eng")
    with pytest.raises(InvalidInput):
        operations.run(account.root, "GetUnusedPermissions", {"arn": f"arn:aws:iam::{account.account_id}:group/eng"})
    factories.user(account, "dev")
    with pytest.raises(ValidationError):
        operations.run(
            account.root, "GetUnusedPermissions", {"arn": f"arn:aws:iam::{account.account_id}:user/dev", "days": 0}
        )


def test_wildcards_report_every_service_namespace_of_the_catalogue(account):
    """``*`` covers every service namespace AWS defines (not only those iamconsole serves), and ``s3:Get*`` exactly
    S3; only the services the entity used carry a last-authenticated time."""
    from policies.engine.catalog import get_catalog

    factories.user(account, "admin", allow(["*"]))
    audit_event(account, f"arn:aws:iam::{account.account_id}:user/admin", "ListUsers")
    report = _report(account, f"arn:aws:iam::{account.account_id}:user/admin").result
    namespaces = [entry["namespace"] for entry in report]
    catalogue = {info.service for info in get_catalog().expand_action("*")}
    assert set(namespaces) == catalogue and len(namespaces) > 400
    by_namespace = {entry["namespace"]: entry for entry in report}
    assert by_namespace["s3"]["name"] == "Amazon S3" and by_namespace["s3"]["last"] is None
    assert by_namespace["iam"]["last"] is not None
    assert [entry["namespace"] for entry in report if entry["last"]] == ["iam"]

    factories.user(account, "reader", allow(["s3:Get*"]))
    reader = _report(account, f"arn:aws:iam::{account.account_id}:user/reader").result
    assert [entry["namespace"] for entry in reader] == ["s3"]
