"""Roles, identity providers and the event history in a real headless browser: editing a trust policy (refused with
the validator's message, then saved), attaching and detaching a policy, deleting a service-linked role while its
status moves to SUCCEEDED, filtering the event history; and the screenshots of these pages in docs/screenshots/."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from iamconsole import operations
from iamconsole.errors import EntityAlreadyExists
from identities import tasks
from identities.models import Role
from tests.browser import sign_in_as_new_root
from tests.factories import attach, deny, document, put_role_policy, role, trust, user
from tests.identities.test_identity_providers import metadata

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def seed_roles(account: Any) -> None:
    root = account.root
    roles = [
        ("deploy-pipeline", trust(f"arn:aws:iam::{account.account_id}:root"), "Deploys from CI"),
        ("web-server", trust("ec2.amazonaws.com", kind="Service"), "EC2 instances of the web tier"),
        (
            "okta-admins",
            trust(
                f"arn:aws:iam::{account.account_id}:saml-provider/Okta",
                "sts:AssumeRoleWithSAML",
                kind="Federated",
                Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            ),
            "Administrators signing in through Okta",
        ),
    ]
    operations.run(root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    for name, trust_policy, description in roles:
        role(account, name, trust_policy, description=description)


def test_roles_list_and_trust_policy_edit(page: Page, live_server: Any, aws_managed_policies: None) -> None:
    account = sign_in_as_new_root(page, live_server.url)
    seed_roles(account)
    operations.run(account.root, "CreateServiceLinkedRole", {"aws_service_name": "elasticbeanstalk.amazonaws.com"})
    attach(account, "arn:aws:iam::aws:policy/PowerUserAccess", role_name="deploy-pipeline")
    put_role_policy(account, "deploy-pipeline", "no-iam", document(deny("iam:*")))
    # Last used two days ago, as STS records it when the role is assumed.
    Role.objects.filter(name="deploy-pipeline").update(
        last_used_at=timezone.now() - timedelta(days=2), last_used_region="eu-west-1"
    )
    page.goto(f"{live_server.url}/roles")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("nav.sidenav a[aria-current=page]")).to_have_text("Roles")
    # The list's title counts the roles and offers Create role beside it, as the other list pages do.
    expect(page.locator("h1")).to_have_text("Roles (4)")
    expect(page.locator("#create-role")).to_have_attribute("href", "/roles/create")
    page.screenshot(path=str(SCREENSHOTS / "roles.png"), full_page=True)
    page.fill("form.search input[type=search]", "ec2")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("web-server")

    page.goto(f"{live_server.url}/roles/deploy-pipeline")
    expect(page.locator("#switch-role-link")).to_contain_text(f"roleName=deploy-pipeline&account={account.account_id}")
    page.screenshot(path=str(SCREENSHOTS / "role-detail.png"), full_page=True)

    page.locator("nav.tabs a", has_text="Trust relationships").click()
    expect(page.locator("#trust-words")).to_contain_text(f"principals of account {account.account_id}")
    page.click("#edit-trust")
    # The policy editor in trust mode: a Resource is refused with the validator's finding, and saving is blocked.
    expect(page.locator(".CodeMirror-linenumber", has_text="1").first).to_be_visible()
    save = page.locator("button[data-policy-save]")
    invalid = json.dumps(json.loads(trust("lambda.amazonaws.com", kind="Service", Resource="*")), indent=2)
    replace_text(page, invalid)
    finding = page.locator(".finding-error")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("Resource")
    expect(save).to_be_disabled()
    page.screenshot(path=str(SCREENSHOTS / "role-trust.png"), full_page=True)
    replace_text(page, json.dumps(json.loads(trust("lambda.amazonaws.com", kind="Service")), indent=2))
    expect(page.locator(".finding-error")).to_have_count(0)
    expect(save).to_be_enabled()
    save.click()
    expect(page.locator("#trust-words")).to_contain_text("the AWS service lambda.amazonaws.com")


def replace_text(page: Page, text: str) -> None:
    """Select everything in the policy editor and type ``text`` over it (as a paste: no auto-closed brackets)."""
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def test_attach_and_detach_a_policy(page: Page, live_server: Any, aws_managed_policies: None) -> None:
    account = sign_in_as_new_root(page, live_server.url)
    seed_roles(account)
    page.goto(f"{live_server.url}/roles/web-server")
    expect(page.locator("#role-policies")).to_contain_text("No policies")
    page.click("a.button:has-text('Attach policies')")
    page.fill("form.search input[type=search]", "AmazonS3ReadOnlyAccess")
    expect(page.locator("#policy-picker tbody tr").first).to_contain_text("AmazonS3ReadOnlyAccess")
    page.locator("#policy-picker tbody tr").first.locator("input[type=checkbox]").check()
    page.click("#policy-picker button:has-text('Attach policies')")
    expect(page.locator("#role-policies")).to_contain_text("AmazonS3ReadOnlyAccess")
    expect(page.locator("#messages")).to_contain_text("1 policy attached to web-server.")
    page.locator("#role-policies button.detach").click()
    expect(page.locator("#role-policies")).to_contain_text("No policies")


def _run_deletion_task(account_id: str, task_id: str) -> None:
    """The Celery task's body, run eagerly in the background while the page polls: each step a second apart."""
    for _ in range(2):
        time.sleep(1.5)
        tasks.delete_service_linked_role_task(account_id, task_id)


def test_deleting_a_service_linked_role_shows_its_status_until_succeeded(
    page: Page, live_server: Any, aws_managed_policies: None
) -> None:
    account = sign_in_as_new_root(page, live_server.url)
    role = operations.run(
        account.root, "CreateServiceLinkedRole", {"aws_service_name": "elasticbeanstalk.amazonaws.com"}
    )
    page.goto(f"{live_server.url}/roles/{role.name}")
    expect(page.locator("#service-linked-note")).to_be_visible()
    page.click("a.button.danger:has-text('Delete')")
    page.fill("#id_confirm", role.name)
    page.click("button.danger:has-text('Delete')")
    expect(page.locator("#deletion-state")).to_have_text("NOT_STARTED")
    task_id = page.locator("#deletion-status .hint").inner_text().removeprefix("Deletion task: ").strip()
    worker = threading.Thread(target=_run_deletion_task, args=(account.account_id, task_id))
    worker.start()
    try:
        expect(page.locator("#deletion-state")).to_have_text("IN_PROGRESS", timeout=10_000)
        expect(page.locator("#deletion-state")).to_have_text("SUCCEEDED", timeout=10_000)
    finally:
        worker.join()
    page.goto(f"{live_server.url}/roles")
    expect(page.locator("table.list")).not_to_contain_text(role.name)


def test_identity_providers_and_event_history(page: Page, live_server: Any) -> None:
    account = sign_in_as_new_root(page, live_server.url)
    root = account.root
    operations.run(root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    operations.run(
        root,
        "CreateOpenIDConnectProvider",
        {"url": "https://token.actions.githubusercontent.com", "client_id_list": ["sts.amazonaws.com"]},
    )
    page.goto(f"{live_server.url}/identity-providers")
    expect(page.locator("table.list tbody tr")).to_have_count(2)

    user(account, "alice")
    role(account, "ci", trust("ec2.amazonaws.com", kind="Service"))
    with pytest.raises(EntityAlreadyExists):  # a failed event to filter on
        operations.run(root, "CreateUser", {"user_name": "alice"})
    page.goto(f"{live_server.url}/events")
    expect(page.locator("table.events tbody tr").first).to_be_visible()
    page.select_option("#id_outcome", "failed")
    page.click("button:has-text('Apply filters')")
    rows = page.locator("table.events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("CreateUser")
    expect(rows.first).to_contain_text("EntityAlreadyExists")
    assert "outcome=failed" in page.url  # the filters are in the address, so the view can be shared
    page.select_option("#id_outcome", "")
    page.fill("#id_event_name", "CreateRole")
    page.click("button:has-text('Apply filters')")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("role/ci")
    page.fill("#id_event_name", "")
    page.click("button:has-text('Apply filters')")
    expect(rows).to_have_count(6)  # the five calls above and the root access key the account was made with
    page.screenshot(path=str(SCREENSHOTS / "events.png"), full_page=True)
    rows.first.locator("td").first.locator("a").click()
    expect(page.locator("#event-parameters")).to_be_visible()
