"""The Access advisor tab in a real headless browser: opening it on a role that was used, the tab polls its job
(run here by calling the Celery task's body, as no worker runs in tests) until it shows IAM accessed by the role;
the filter; and the screenshot docs/screenshots/access-advisor.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from playwright.sync_api import Page, expect

from identities import tasks
from identities.models import ServiceLastAccessedJob
from tests.browser import sign_in_as_root
from tests.factories import access_key, allow, document, iam_user, make_account, put_role_policy, role, trust

pytestmark = pytest.mark.django_db(transaction=True)

#: boto3.client, typed loosely: the service name is a parameter here, not a literal.
_boto3_client: Callable[..., Any] = boto3.client
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EMAIL, PASSWORD = "owner@example.test", "Correct-Horse-9"


def test_the_access_advisor_tab_of_a_used_role(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp", email=EMAIL, password=PASSWORD)
    role(account, "deploy-pipeline", trust(account.root.arn))
    deploy = document(
        allow(["iam:GetRole", "iam:ListRoles", "sts:GetCallerIdentity"]), allow(["s3:GetObject", "ec2:Describe*"])
    )
    put_role_policy(account, "deploy-pipeline", "deploy", deploy)

    # The role is used for real through the Query API: a user assumes it, and the session reads the role.
    def aws(service: str, key: str, secret: str, token: str | None = None) -> Any:
        return _boto3_client(
            service,
            endpoint_url=f"{live_server.url}/aws",
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            config=Config(retries={"max_attempts": 1}),
        )

    role_arn = f"arn:aws:iam::{account.account_id}:role/deploy-pipeline"
    # (AWS refuses AssumeRole to a root user: a CI user with sts:AssumeRole does it.)
    iam_user(account, "ci", allow("sts:AssumeRole", role_arn))
    sts = aws("sts", *access_key(account, "ci"))
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="build-42")["Credentials"]
    session = (credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    assert aws("iam", *session).get_role(RoleName="deploy-pipeline")["Role"]["Arn"] == role_arn

    sign_in_as_root(page, live_server.url, EMAIL, PASSWORD)
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
    expect(page.locator("#advisor-services")).to_contain_text("iam:GetRole")
    expect(page.locator('#advisor-services tr[data-namespace="s3"]')).to_contain_text(
        "Not accessed in the tracking period"
    )
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("Access advisor")
    page.screenshot(path=str(SCREENSHOTS / "access-advisor.png"), full_page=True)

    page.locator(".advisor-filter a", has_text="Not accessed").click()
    expect(page.locator('#advisor-services tr[data-namespace="iam"]')).to_have_count(0)
    expect(page.locator('#advisor-services tr[data-namespace="ec2"]')).to_have_count(1)
    assert "filter=not_accessed" in page.url
