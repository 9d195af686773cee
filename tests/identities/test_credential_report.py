"""The credential report through operations.run: the four-hour rule, the task, and the CSV AWS writes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OutboxTask
from iamconsole import operations
from iamconsole.errors import ReportExpired, ReportInProgress, ReportNotPresent
from identities.awsapi import OUTPUTS
from identities.models import AccessKey, CredentialReport, LoginProfile, MFADevice, User
from identities.services.credential_report import render_credential_report
from identities.tasks import generate_credential_report_task
from tests import factories

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def generate(account):
    return OUTPUTS["GenerateCredentialReport"](operations.run(account.root, "GenerateCredentialReport"))


def get(account):
    return OUTPUTS["GetCredentialReport"](operations.run(account.root, "GetCredentialReport"))


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def make_user(account, name, *, at=T0):
    """A user under /eng/, made through CreateUser, then dated ``at`` (the report prints fixed dates)."""
    user = factories.user(account, name, path="/eng/")
    User.objects.filter(pk=user.pk).update(created_at=at)
    return user


def make_key(account, user, *, at, status="Active", used=None):
    """An access key of the user made through CreateAccessKey, then dated, and its last use as authentication
    records it."""
    key_id, _ = factories.access_key(account, user.name)
    if status != "Active":
        params = {"user_name": user.name, "access_key_id": key_id, "status": status}
        operations.run(account.root, "UpdateAccessKey", params)
    used_in = {"last_used_service": "s3", "last_used_region": "eu-west-1"} if used else {}
    AccessKey.objects.filter(access_key_id=key_id).update(created_at=at, last_used_at=used, **used_in)


def make_login_profile(account, user):
    """A console password made through CreateLoginProfile, then dated T0."""
    factories.login_profile(account, user.name, "Correct-Horse-7")
    LoginProfile.objects.filter(user=user).update(created_at=T0, password_changed_at=T0)


def test_no_report_before_one_is_generated(account):
    with pytest.raises(ReportNotPresent) as caught:
        get(account)
    assert caught.value.http_status == 410


def test_generation_starts_a_task_and_the_report_is_in_progress_until_it_ran(account):
    assert generate(account) == {
        "State": "STARTED",
        "Description": "No report exists. Starting a new report generation task",
    }
    queued = OutboxTask.objects.get()
    assert (queued.task_name, queued.args) == ("identities.tasks.generate_credential_report_task", [account.account_id])
    with pytest.raises(ReportInProgress):
        get(account)
    assert generate(account)["State"] == "INPROGRESS"
    assert OutboxTask.objects.count() == 1

    assert generate_credential_report_task(account.account_id) == "COMPLETE"
    report = get(account)
    assert report["ReportFormat"] == "text/csv"
    assert report["Content"].decode().splitlines()[0] == HEADER
    assert abs(report["GeneratedTime"] - timezone.now()) < timedelta(minutes=1)
    # Idempotent: a duplicate delivery leaves the report as it is.
    generate_credential_report_task(account.account_id)
    assert get(account)["GeneratedTime"] == report["GeneratedTime"]


def test_at_most_one_report_every_four_hours(account):
    generate(account)
    generate_credential_report_task(account.account_id)
    assert generate(account)["State"] == "COMPLETE"
    assert OutboxTask.objects.count() == 1

    CredentialReport.objects.filter(account=account.model).update(generated_at=timezone.now() - timedelta(hours=5))
    with pytest.raises(ReportExpired) as caught:
        get(account)
    assert caught.value.http_status == 410
    assert generate(account)["State"] == "STARTED"
    assert OutboxTask.objects.count() == 2
    with pytest.raises(ReportInProgress):
        get(account)
    generate_credential_report_task(account.account_id)
    assert get(account)["Content"]


def test_the_csv_has_awss_values_for_root_and_users(account):
    operations.run(account.root, "UpdateAccountPasswordPolicy", {"max_password_age": 90})
    alice = make_user(account, "alice")
    make_login_profile(account, alice)
    serial, _ = factories.mfa_device(account, "alice")
    MFADevice.objects.filter(serial_number=serial).update(enabled_at=T0, created_at=T0)
    make_key(account, alice, at=T0 + timedelta(days=2), status="Inactive")
    make_key(account, alice, at=T0 + timedelta(days=1), used=T0 + timedelta(days=3))
    make_user(account, "bob", at=T0 + timedelta(hours=1))

    generate(account)
    generate_credential_report_task(account.account_id)
    content = get(account)["Content"]
    assert content.decode().splitlines()[0] == HEADER
    root, first, second = rows(content)

    assert root["user"] == "<root_account>"
    assert root["arn"] == f"arn:aws:iam::{account.account_id}:root"
    assert (root["password_enabled"], root["password_last_changed"], root["password_next_rotation"]) == (
        "not_supported",
        "not_supported",
        "not_supported",
    )
    # The fixture's account has one root access key, never used.
    assert (root["access_key_1_active"], root["access_key_1_last_used_date"]) == ("true", "N/A")
    assert root["access_key_2_active"] == "false"

    assert first["user"] == "alice"
    assert first["arn"] == f"arn:aws:iam::{account.account_id}:user/eng/alice"
    assert first["user_creation_time"] == "2024-03-01T09:30:00+00:00"
    assert first["password_enabled"] == "true"
    assert first["password_last_used"] == "no_information"
    assert first["password_last_changed"] == "2024-03-01T09:30:00+00:00"
    assert first["password_next_rotation"] == "2024-05-30T09:30:00+00:00"
    assert first["mfa_active"] == "true"
    # Keys in creation order: the older, used one first.
    assert first["access_key_1_active"] == "true"
    assert first["access_key_1_last_rotated"] == "2024-03-02T09:30:00+00:00"
    assert first["access_key_1_last_used_date"] == "2024-03-04T09:30:00+00:00"
    assert (first["access_key_1_last_used_region"], first["access_key_1_last_used_service"]) == ("eu-west-1", "s3")
    assert first["access_key_2_active"] == "false"
    assert first["access_key_2_last_rotated"] == "2024-03-03T09:30:00+00:00"
    assert first["access_key_2_last_used_date"] == "N/A"
    assert (first["cert_1_active"], first["cert_1_last_rotated"]) == ("false", "N/A")

    assert second["user"] == "bob"
    assert [second[c] for c in ("password_enabled", "password_last_used", "password_last_changed")] == [
        "false",
        "N/A",
        "N/A",
    ]
    assert second["mfa_active"] == "false"
    assert [second[f"access_key_1_{c}"] for c in ("active", "last_rotated", "last_used_date")] == [
        "false",
        "N/A",
        "N/A",
    ]


def test_other_accounts_users_are_not_in_the_report(account, other_account):
    make_user(other_account, "mallory")
    generate(account)
    generate_credential_report_task(account.account_id)
    assert [row["user"] for row in rows(get(account)["Content"])] == ["<root_account>"]


def test_rendering_takes_the_same_queries_for_2_and_20_users(account):
    def add_users(start, count):
        for index in range(start, start + count):
            user = make_user(account, f"user{index}")
            make_login_profile(account, user)
            make_key(account, user, at=T0)

    add_users(0, 2)
    with CaptureQueriesContext(connection) as two:
        assert render_credential_report(account=account.model, now=timezone.now()).count("\n") == 4
    add_users(2, 18)
    with CaptureQueriesContext(connection) as twenty:
        assert render_credential_report(account=account.model, now=timezone.now()).count("\n") == 22
    assert len(two) == len(twenty)


def test_signing_certificates_fill_the_cert_columns(account):
    from tests.identities import pki_factory

    root = account.root
    factories.user(account, "signer")
    for index in (30, 31):
        body = pki_factory.certificate(pki_factory.rsa_key(index), common_name=f"signer-{index}")
        operations.run(root, "UploadSigningCertificate", {"user_name": "signer", "certificate_body": body})
    listed = operations.run(root, "ListSigningCertificates", {"user_name": "signer"})
    second_id = listed.items[1].certificate_id
    operations.run(
        root,
        "UpdateSigningCertificate",
        {"user_name": "signer", "certificate_id": second_id, "status": "Inactive"},
    )
    root_body = pki_factory.certificate(pki_factory.rsa_key(32), common_name="root")
    operations.run(root, "UploadSigningCertificate", {"certificate_body": root_body})

    content = render_credential_report(account=account.model, now=timezone.now())
    report_root, signer = rows(content.encode())
    assert signer["cert_1_active"] == "true"
    assert signer["cert_1_last_rotated"] == listed.items[0].uploaded_at.astimezone(UTC).isoformat(timespec="seconds")
    assert signer["cert_2_active"] == "false"
    assert signer["cert_2_last_rotated"] != "N/A"
    assert (report_root["cert_1_active"], report_root["cert_2_active"]) == ("true", "false")
