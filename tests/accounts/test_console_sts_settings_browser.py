"""Account settings' Security Token Service panel in a real headless browser: open the Change dialog, choose tokens
valid in all Regions, save, and see the new setting; its screenshot goes to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from tests.browser import sign_in_as_root
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EMAIL = "owner@example.test"
PASSWORD = "Correct-Horse-9"


def test_change_where_global_endpoint_tokens_are_valid(page: Page, live_server: Any) -> None:
    account = make_account(email=EMAIL, password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as_root(page, live_server.url, EMAIL, PASSWORD)
    expect(page.locator("h1")).to_have_text("IAM dashboard")
    page.click("nav.sidenav >> text=Account settings")

    panel = page.locator("#sts-preferences")
    expect(panel.locator("#sts-token-validity")).to_have_text("Valid only in AWS Regions enabled by default")
    panel.locator("#change-sts-token-validity").click()
    expect(panel.locator("#id_global_endpoint_token_version_0")).to_be_checked()
    panel.locator("#id_global_endpoint_token_version_1").check()
    panel.locator("button[type=submit]").click()

    expect(page.locator(".messages")).to_contain_text("now valid in all AWS Regions")
    expect(page.locator("#sts-token-validity")).to_have_text("Valid in all AWS Regions")
    assert operations.run(account.root, "GetAccountSummary").global_endpoint_token_version == 2
    page.locator(".messages .dismiss").click()
    page.locator("#sts-preferences").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "account-settings-sts.png"), full_page=True)

    # The dialog as it opens, for the screenshot of the choice.
    page.locator("#change-sts-token-validity").click()
    expect(page.locator("#sts-token-form")).to_be_visible()
    page.locator("#sts-preferences").screenshot(path=str(SCREENSHOTS / "account-settings-sts-change.png"))
