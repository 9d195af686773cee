"""The credential report: GenerateCredentialReport, and the task step that writes the CSV.

As in IAM, a report is made at most every four hours: asking again within four hours of the last one returns
``COMPLETE`` and keeps it; an older report, or none, starts a generation task (``STARTED``). The CSV has AWS's columns
in AWS's order, the root user first as ``<root_account>``, and AWS's placeholder values (``N/A``, ``not_supported``,
``no_information``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Account, PasswordPolicy
from iamconsole import outbox
from iamconsole.arn import iam_arn, root_arn
from identities.models import AccessKey, CredentialReport, CredentialStatus, MFADevice, SigningCertificate, User

__all__ = [
    "COLUMNS",
    "ReportGeneration",
    "complete_credential_report",
    "generate_credential_report",
    "resume_stalled_credential_reports",
]

#: A report is fresh for four hours; a new one cannot be made before.
REPORT_LIFETIME = timedelta(hours=4)
GENERATION_TASK = "identities.tasks.generate_credential_report_task"

COLUMNS = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
)

NOT_APPLICABLE = "N/A"
NOT_SUPPORTED = "not_supported"
NO_INFORMATION = "no_information"


@dataclass(frozen=True, slots=True)
class ReportGeneration:
    """GenerateCredentialReport's answer: ``State`` (``STARTED``, ``INPROGRESS``, ``COMPLETE``) and ``Description``."""

    state: str
    description: str


@transaction.atomic
def generate_credential_report(*, account: Account) -> ReportGeneration:
    """Start a credential report unless one was made in the last four hours.

    No report, or one older than four hours: a generation task starts (``STARTED``). A generation under way:
    ``INPROGRESS``. A report younger than four hours: ``COMPLETE``, and GetCredentialReport returns it.
    """
    Account.objects.select_for_update().filter(pk=account.pk).first()
    now = timezone.now()
    report = CredentialReport.objects.filter(account=account).first()
    if report is None:
        CredentialReport.objects.create(account=account, state=CredentialReport.State.STARTED, requested_at=now)
        outbox.enqueue(GENERATION_TASK, account.account_id)
        return ReportGeneration("STARTED", "No report exists. Starting a new report generation task")
    if report.state == CredentialReport.State.STARTED:
        if now - report.requested_at > settings.IAM_STALLED_TASK_AFTER:
            report.requested_at = now
            report.save(update_fields=["requested_at"])
            outbox.enqueue(GENERATION_TASK, account.account_id)
        return ReportGeneration("INPROGRESS", "Report generation task is in progress")
    if report.generated_at is not None and now - report.generated_at < REPORT_LIFETIME:
        return ReportGeneration("COMPLETE", "Report is less than 4 hours old")
    report.state = CredentialReport.State.STARTED
    report.requested_at = now
    report.save(update_fields=["state", "requested_at"])
    outbox.enqueue(GENERATION_TASK, account.account_id)
    return ReportGeneration("STARTED", "Report is older than 4 hours. Starting a new report generation task")


@transaction.atomic
def complete_credential_report(*, account: Account) -> CredentialReport | None:
    """Write the CSV of a ``STARTED`` report and mark it ``COMPLETE`` (the generation task's step, not an AWS action).

    A report that is already complete, or that does not exist, is left alone, so running the task twice is harmless.
    """
    report = CredentialReport.objects.select_for_update().filter(account=account).first()
    if report is None or report.state == CredentialReport.State.COMPLETE:
        return report
    now = timezone.now()
    report.content = render_credential_report(account=account, now=now)
    report.generated_at = now
    report.state = CredentialReport.State.COMPLETE
    report.save(update_fields=["content", "generated_at", "state"])
    return report


def resume_stalled_credential_reports(*, batch: int = 500) -> int:
    """Send the generation task again for every report still ``STARTED`` after ``IAM_STALLED_TASK_AFTER``: its task
    was lost (a worker killed in the middle of it). Beat's sweep calls it, so no report stays in progress for ever
    even when nobody asks again. Returns how many were sent again.
    """
    now = timezone.now()
    with transaction.atomic():
        stalled = list(
            CredentialReport.objects.select_for_update(skip_locked=True)
            .filter(state=CredentialReport.State.STARTED, requested_at__lt=now - settings.IAM_STALLED_TASK_AFTER)
            .select_related("account")
            .order_by("requested_at")[:batch]
        )
        for report in stalled:
            report.requested_at = now
            report.save(update_fields=["requested_at"])
            outbox.enqueue(GENERATION_TASK, report.account.account_id)
    return len(stalled)


def _time(value: datetime | None, *, missing: str = NOT_APPLICABLE) -> str:
    """ISO 8601 in UTC with an offset, as AWS writes report times (``2024-05-01T09:30:00+00:00``)."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value is not None else missing


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _certificate_columns(certificates: Sequence[SigningCertificate]) -> list[str]:
    """``cert_N_active`` and ``cert_N_last_rotated`` (the upload time) of the first two signing certificates."""
    columns: list[str] = []
    for index in range(2):
        certificate = certificates[index] if index < len(certificates) else None
        if certificate is None:
            columns += [_flag(False), NOT_APPLICABLE]
        else:
            columns += [_flag(certificate.status == CredentialStatus.ACTIVE), _time(certificate.uploaded_at)]
    return columns


def _key_columns(keys: Sequence[AccessKey], certificates: Sequence[SigningCertificate]) -> list[str]:
    columns: list[str] = []
    for index in range(2):
        key = keys[index] if index < len(keys) else None
        if key is None:
            columns += [_flag(False), NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE]
            continue
        used = key.last_used_at is not None
        columns += [
            _flag(key.status == AccessKey.Status.ACTIVE),
            _time(key.created_at),
            _time(key.last_used_at),
            key.last_used_region if used and key.last_used_region else NOT_APPLICABLE,
            key.last_used_service if used and key.last_used_service else NOT_APPLICABLE,
        ]
    return [*columns, *_certificate_columns(certificates)]


def _user_row(user: User, policy: PasswordPolicy | None) -> list[str]:
    profile = getattr(user, "login_profile", None)
    if profile is None:
        password = [_flag(False), NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE]
    else:
        rotation = NOT_APPLICABLE
        if policy is not None and policy.max_password_age:
            rotation = _time(profile.password_changed_at + timedelta(days=policy.max_password_age))
        password = [
            _flag(True),
            _time(user.password_last_used, missing=NO_INFORMATION),
            _time(profile.password_changed_at),
            rotation,
        ]
    mfa_active = bool(user.enabled_mfa_devices)  # type: ignore[attr-defined]
    keys: list[AccessKey] = user.report_keys  # type: ignore[attr-defined]
    return [
        user.name,
        iam_arn(user.account.account_id, "user", user.name, user.path),
        _time(user.created_at),
        *password,
        _flag(mfa_active),
        *_key_columns(keys, user.report_certificates),  # type: ignore[attr-defined]
    ]


def _root_row(
    account: Account, keys: Sequence[AccessKey], certificates: Sequence[SigningCertificate], mfa_active: bool
) -> list[str]:
    # The root user's password is not an IAM password: AWS reports its rotation fields as not_supported.
    return [
        "<root_account>",
        root_arn(account.account_id),
        _time(account.created_at),
        NOT_SUPPORTED,
        NO_INFORMATION,
        NOT_SUPPORTED,
        NOT_SUPPORTED,
        _flag(mfa_active),
        *_key_columns(keys, certificates),
    ]


def _csv(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def render_credential_report(*, account: Account, now: datetime) -> str:
    """The CSV text of the account's credential report, in a constant number of queries whatever the user count."""
    ordered_keys = AccessKey.objects.order_by("created_at", "pk")
    ordered_certificates = SigningCertificate.objects.order_by("uploaded_at", "pk")
    enabled_mfa = MFADevice.objects.filter(enabled_at__isnull=False)
    users = (
        User.objects.filter(account=account, created_at__lte=now)
        .select_related("account", "login_profile")
        .prefetch_related(
            Prefetch("access_keys", queryset=ordered_keys, to_attr="report_keys"),
            Prefetch("mfa_devices", queryset=enabled_mfa, to_attr="enabled_mfa_devices"),
            Prefetch("signing_certificates", queryset=ordered_certificates, to_attr="report_certificates"),
        )
        .order_by("created_at", "pk")
    )
    policy = PasswordPolicy.objects.filter(account=account).first()
    root_keys = list(ordered_keys.filter(account=account, user__isnull=True))
    root_certificates = list(ordered_certificates.filter(account=account, user__isnull=True))
    root_mfa = enabled_mfa.filter(account=account, assigned_to_root=True).exists()
    root = _root_row(account, root_keys, root_certificates, root_mfa)
    return _csv([root, *(_user_row(user, policy) for user in users)])
