"""Console sign-in with MFA, in a real headless browser: password, then the code step, then the console, whose
requests carry ``aws:MultiFactorAuthPresent`` true and ``aws:MultiFactorAuthAge``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from tests import factories
from tests.browser import sign_in_as_root
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Correct-Horse-9"
#: ListAccountAliases (the dashboard's alias) only in a console session signed in with MFA within the hour.
MFA_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:ListAccountAliases",
                "Resource": "*",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                },
            }
        ],
    }
)


def console_user(account: Any, name: str) -> None:
    factories.user(account, name, password=PASSWORD)
    factories.put_user_policy(account, name, MFA_ONLY, policy_name="p")


def enable_device(account: Any, user_name: str | None) -> pyotp.TOTP:
    """A virtual MFA device enabled with the previous and current codes: the next step's code is still unspent."""
    new = operations.run(account.root, "CreateVirtualMFADevice", {"virtual_mfa_device_name": user_name or "root"})
    totp = pyotp.TOTP(new.base32_string_seed)
    params = {
        "serial_number": new.device.serial_number,
        "authentication_code1": totp.at(time.time() - 30),
        "authentication_code2": totp.at(time.time()),
    }
    operations.run(account.root, "EnableMFADevice", {**params, **({"user_name": user_name} if user_name else {})})
    return totp


def sign_in_user(page: Page, base: str, account: str, user_name: str) -> None:
    page.goto(f"{base}/signin/{account}")
    page.fill("#id_user_name", user_name)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_an_iam_user_with_mfa_is_asked_for_a_code_then_signed_in_with_mfa(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp")
    console_user(account, "alice")
    totp = enable_device(account, "alice")
    sign_in_user(page, live_server.url, "example-corp", "alice")

    expect(page).to_have_url(f"{live_server.url}/signin/mfa")
    expect(page.locator("h1")).to_have_text("Multi-factor authentication")
    # The pending sign-in is no console session yet.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/signin?next=/")
    page.go_back()

    page.fill("#id_token_code", "000000" if totp.at(time.time() + 30) != "000000" else "111111")
    page.click("button[type=submit]")
    expect(page.locator(".alert.error")).to_have_text("Your authentication information is incorrect. Please try again.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.fill("#id_token_code", "")
    page.screenshot(path=str(SCREENSHOTS / "signin-mfa.png"), full_page=True)

    page.fill("#id_token_code", totp.at(time.time() + 30))
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#identity-menu summary")).to_have_attribute(
        "title", f"arn:aws:iam::{account.account_id}:user/alice"
    )
    # Allowed only with aws:MultiFactorAuthPresent true and aws:MultiFactorAuthAge under an hour.
    expect(page.locator("#account-alias strong")).to_have_text("example-corp")


def test_without_a_device_the_password_alone_signs_in_without_mfa(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp")
    console_user(account, "bob")
    sign_in_user(page, live_server.url, account.account_id, "bob")
    expect(page).to_have_url(f"{live_server.url}/")
    # The console session has aws:MultiFactorAuthPresent false: the MFA-only permission does not apply.
    expect(page.locator("#account-alias .missing-action")).to_have_text("iam:ListAccountAliases")


def test_the_root_user_with_mfa_is_asked_for_a_code(page: Page, live_server: Any) -> None:
    account = make_account(email="owner@example.test", password=PASSWORD)
    totp = enable_device(account, None)
    sign_in_as_root(page, live_server.url, "owner@example.test", PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/signin/mfa")
    page.fill("#id_token_code", totp.at(time.time() + 30))
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#identity-menu summary")).to_have_attribute("title", f"arn:aws:iam::{account.account_id}:root")


def test_with_several_devices_the_user_picks_one(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp")
    console_user(account, "carol")
    enable_device(account, "carol")
    new = operations.run(account.root, "CreateVirtualMFADevice", {"virtual_mfa_device_name": "carol-key"})
    totp = pyotp.TOTP(new.base32_string_seed)
    operations.run(
        account.root,
        "EnableMFADevice",
        {
            "user_name": "carol",
            "serial_number": new.device.serial_number,
            "authentication_code1": totp.at(time.time() - 30),
            "authentication_code2": totp.at(time.time()),
        },
    )
    sign_in_user(page, live_server.url, "example-corp", "carol")
    expect(page.locator("#id_serial_number option")).to_have_count(2)
    page.select_option("#id_serial_number", new.device.serial_number)
    page.screenshot(path=str(SCREENSHOTS / "signin-mfa-devices.png"), full_page=True)
    page.fill("#id_token_code", totp.at(time.time() + 30))
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#account-alias strong")).to_have_text("example-corp")
