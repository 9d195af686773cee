"""The Access advisor tab in a real headless browser: opening it on a role that was used, the tab polls its job
(run here by calling the Celery task's body, as no worker runs in tests) until it shows IAM accessed by the role;
the filter; and the screenshot docs/screenshots/access-advisor.png."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import services as account_services
from iamconsole import operations
from identities import tasks
from identities.models import ServiceLastAccessedJob
from tests.factories import make_account

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EMAIL, PASSWORD = "owner@example.test", "Correct-Horse-9"


def test_the_access_advisor_tab_of_a_used_role(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp", email=EMAIL, password=PASSWORD)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": account.root.arn}, "Action": "sts:AssumeRole"}],
    }
    operations.run(
        account.root, "CreateRole", {"role_name": "deploy-pipeline", "assume_role_policy_document": json.dumps(trust)}
    )
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles", "sts:GetCallerIdentity"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"], "Resource": "*"},
        ],
    }
    operations.run(
        account.root,
        "PutRolePolicy",
        {"role_name": "deploy-pipeline", "policy_name": "deploy", "policy_document": json.dumps(document)},
    )
    # The role's sessions called iam:GetRole (3 days ago) and sts:GetCallerIdentity (yesterday).
    session = f"arn:aws:sts::{account.account_id}:assumed-role/deploy-pipeline/build-42"
    for name, source, days in (("GetRole", "iam", 3), ("GetCallerIdentity", "sts", 1)):
        account_services.record_audit_event(
            account_id=account.account_id,
            actor_arn=session,
            event_name=name,
            event_source=f"{source}.amazonaws.com",
            source="api",
            request_id="browser-test",
            time=timezone.now() - timedelta(days=days),
            outcome="success",
        )

    page.goto(f"{live_server.url}/signin")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/roles/deploy-pipeline")
    page.locator("nav.tabs a", has_text="Access advisor").click()
    expect(page.locator(".advisor-progress")).to_contain_text("Gathering last accessed information")
    job = ServiceLastAccessedJob.objects.get(arn=f"arn:aws:iam::{account.account_id}:role/deploy-pipeline")
    tasks.complete_service_last_accessed_details_task(account.account_id, job.job_id)

    # The next poll (every 2 seconds) shows the report.
    iam_row = page.locator('#advisor-services tr[data-namespace="iam"]')
    expect(iam_row).to_contain_text("deploy-pipeline", timeout=10_000)
    expect(iam_row).to_contain_text("us-east-1")
    expect(page.locator(".advisor-progress")).to_have_count(0)
    expect(page.locator('#advisor-services tr[data-namespace="s3"]')).to_contain_text(
        "Not accessed in the tracking period"
    )
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("Access advisor")
    page.screenshot(path=str(SCREENSHOTS / "access-advisor.png"), full_page=True)

    page.locator(".advisor-filter a", has_text="Not accessed").click()
    expect(page.locator('#advisor-services tr[data-namespace="iam"]')).to_have_count(0)
    expect(page.locator('#advisor-services tr[data-namespace="ec2"]')).to_have_count(1)
    assert "filter=not_accessed" in page.url
