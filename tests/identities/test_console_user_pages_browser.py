"""The Users pages in a real headless browser (Debian's chromium): the create user wizard, access keys, a virtual
MFA device assigned with two TOTP codes computed here, and a read-only user who cannot write. The runs write
docs/screenshots/users-create.png, user-detail.png, user-security-credentials.png and security-credentials.png."""

from __future__ import annotations

import base64
import csv
import io
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from iamconsole.actors import Actor
from iamconsole.arn import aws_managed_policy_arn
from tests import factories
from tests.browser import sign_in_as_root
from tests.conftest import make_account
from tests.factories import allow, document

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ROOT_EMAIL = "owner@example.test"
ROOT_PASSWORD = "Correct-Horse-9"


def shot(page: Page, name: str) -> None:
    """A full-page screenshot from the top (the top bar stays put as the page scrolls)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def sign_in_as_root_user(page: Page, live_server: Any) -> None:
    sign_in_as_root(page, live_server.url, ROOT_EMAIL, ROOT_PASSWORD)
    expect(page).not_to_have_url(f"{live_server.url}/signin")


def sign_in_as_user(page: Page, live_server: Any, account_id: str, name: str, password: str) -> None:
    page.goto(f"{live_server.url}/signin/{account_id}")
    page.fill("#id_user_name", name)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page).not_to_have_url(f"{live_server.url}/signin/{account_id}")


def test_root_creates_a_user_through_the_wizard(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp", email=ROOT_EMAIL, password=ROOT_PASSWORD)
    root = account.root
    operations.run(root, "UpdateAccountPasswordPolicy", {"allow_users_to_change_password": True})
    factories.group(account, "developers")
    policy = factories.managed_policy(account, "DeveloperAccess", document(allow(["s3:*", "dynamodb:*"])))
    factories.attach(account, policy, group_name="developers")
    factories.group(account, "auditors")
    sign_in_as_root_user(page, live_server)

    page.goto(f"{live_server.url}/users")
    page.click("a:has-text('Create user')")
    page.fill("#id_user_name", "maria.silva")
    page.fill("#id_path", "/engineering/")
    page.check("#id_console_access")
    page.check("input[name=password_type][value=auto]")
    shot(page, "users-create.png")
    page.click("button[value=next]")

    expect(page.locator("h1")).to_have_text("Permissions")
    page.check("input[name=option][value=groups]")
    page.check("input[name=groups][value=developers]")
    page.click("button[value=next]")

    expect(page.locator("h1")).to_have_text("Review and create")
    # Back to the first step and forward again: nothing typed is lost.
    page.click("a:has-text('Edit') >> nth=0")
    expect(page.locator("#id_user_name")).to_have_value("maria.silva")
    expect(page.locator("#id_path")).to_have_value("/engineering/")
    page.click("button[value=next]")
    expect(page.locator("input[name=groups][value=developers]")).to_be_checked()
    page.click("button[value=next]")

    page.fill("input[name=tag_key]", "team")
    page.fill("input[name=tag_value]", "platform")
    page.click("button[value=create]")

    expect(page.locator("h1")).to_have_text("User maria.silva created")
    expect(page.locator("#create-steps tr.failed")).to_have_count(0)
    password_field = page.locator("#created-password")
    expect(password_field).to_have_attribute("type", "password")
    page.click("[data-toggle-secret=created-password]")
    expect(password_field).to_have_attribute("type", "text")
    password = password_field.input_value()
    with page.expect_download() as download_info:
        page.click("a:has-text('Download .csv file')")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert rows[1][:2] == ["maria.silva", password]

    page.click("a:has-text('View user')")
    expect(page.locator("#user-arn")).to_have_text(f"arn:aws:iam::{account.account_id}:user/engineering/maria.silva")
    expect(page.locator("#summary-console-access")).to_have_text("Enabled")
    expect(page.locator("#attached-policies")).to_contain_text("DeveloperAccess")
    shot(page, "user-detail.png")
    page.click("nav.tabs a:has-text('Groups')")
    expect(page.locator("#user-groups td.name")).to_have_text(["developers"])
    page.click("nav.tabs a:has-text('Tags')")
    expect(page.locator("input[name=tag_key]").first).to_have_value("team")

    # The password was shown once: the result page is gone.
    page.goto(f"{live_server.url}/users/create/done")
    expect(page.locator("h1")).to_have_text("Nothing to show")
    expect(page.locator("body")).not_to_contain_text(password)


def test_create_and_deactivate_an_access_key(page: Page, live_server: Any) -> None:
    account = make_account(email=ROOT_EMAIL, password=ROOT_PASSWORD)
    factories.user(account, "deploy-bot", path="/ci/")
    sign_in_as_root_user(page, live_server)
    page.goto(f"{live_server.url}/users/deploy-bot?tab=security_credentials")
    page.click("button[value=create_key]")

    key_id = page.locator("#new-access-key-id").inner_text()
    assert key_id.startswith("AKIA")
    page.click("[data-toggle-secret=new-secret-key]")
    secret = page.locator("#new-secret-key").input_value()
    assert len(secret) == 40
    href = page.locator("a:has-text('Download .csv file')").get_attribute("href") or ""
    assert base64.b64decode(href.split(",", 1)[1]).decode().splitlines()[1] == f"{key_id},{secret}"
    shot(page, "user-security-credentials.png")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#access-keys tr:has-text('{key_id}') button[value=deactivate_key]")
    expect(page.locator(f"#access-keys tr:has-text('{key_id}') .status")).to_have_text("Inactive")
    expect(page.locator("#new-access-key")).to_have_count(0)
    keys = operations.run(account.root, "ListAccessKeys", {"user_name": "deploy-bot"}).items
    assert [(key.access_key_id, key.status) for key in keys] == [(key_id, "Inactive")]
    # The secret never comes back.
    page.reload()
    expect(page.locator("body")).not_to_contain_text(secret)


def test_iam_user_assigns_its_own_virtual_mfa_device(page: Page, live_server: Any) -> None:
    account = make_account(email=ROOT_EMAIL, password=ROOT_PASSWORD)
    root = account.root
    own = f"arn:aws:iam::{account.account_id}:user/lee"
    statements = [
        allow(["iam:*MFADevice*", "iam:*AccessKey*", "iam:GetLoginProfile", "iam:ChangePassword"], own),
        allow(["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"], f"arn:aws:iam::{account.account_id}:mfa/*"),
    ]
    factories.user(account, "lee", password="Lee-Password-1")
    factories.put_user_policy(account, "lee", document(*statements), policy_name="self")
    sign_in_as_user(page, live_server, account.account_id, "lee", "Lee-Password-1")

    page.goto(f"{live_server.url}/security-credentials")
    page.click("summary:has-text('Assign MFA device')")
    page.fill("#id_device_name", "lee-phone")
    page.click("button[value=start_mfa]")
    qr = page.locator(".qr img")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/png;base64,")
    page.click("summary:has-text('Show secret key')")
    seed = page.locator("#mfa-seed").inner_text().strip()
    shot(page, "security-credentials.png")

    totp = pyotp.TOTP(seed)
    now = time.time()
    page.fill("#id_authentication_code1", totp.at(now - 30))
    page.fill("#id_authentication_code2", totp.at(now))
    page.click("button[value=enable_mfa]")
    expect(page.locator(".alert.success")).to_contain_text("MFA device assigned.")
    expect(page.locator("#mfa-devices tbody tr")).to_have_count(1)
    expect(page.locator("#mfa-devices")).to_contain_text("lee-phone")
    devices = operations.run(root, "ListMFADevices", {"user_name": "lee"}).items
    assert [device.name for device in devices] == ["lee-phone"]


def test_read_only_user_cannot_write(page: Page, live_server: Any) -> None:
    account = make_account(email=ROOT_EMAIL, password=ROOT_PASSWORD)
    root = account.root
    operations.run(Actor.system(), "SyncAwsManagedPolicies")
    factories.user(account, "viewer", password="Viewer-Pass-1")
    factories.attach(account, aws_managed_policy_arn("ReadOnlyAccess"), user_name="viewer")
    factories.user(account, "target")
    sign_in_as_user(page, live_server, account.account_id, "viewer", "Viewer-Pass-1")

    page.goto(f"{live_server.url}/users/target")
    expect(page.locator("#user-arn")).to_have_text(f"arn:aws:iam::{account.account_id}:user/target")
    page.click("nav.tabs a:has-text('Security credentials')")
    create = page.locator("button[value=create_key]")
    expect(create).to_be_disabled()
    expect(page.locator(".gated:has(button[value=create_key]) .reason")).to_have_text(
        "You need the permission iam:CreateAccessKey for this."
    )
    # A page opened before the permission was taken away still offers Save: the server refuses, and the refusal
    # is shown where the person acted.
    page.click("nav.tabs a:has-text('Tags')")
    page.fill("input[name=tag_key]", "owner")
    page.evaluate("document.querySelector('button[value=save]').disabled = false")
    page.click("button[value=save]")
    expect(page.locator("#access-denied .missing-action")).to_have_text("iam:TagUser")
    tags = operations.run(root, "ListUserTags", {"user_name": "target"}).tags
    assert tags == []
