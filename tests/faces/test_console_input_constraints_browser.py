"""In a real headless browser, the console's forms refuse values out of AWS's limits before sending them: a user name
with a space, a tag key beginning with ``aws:``, a password minimum length over 128."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from iamconsole.errors import NoSuchEntity
from tests.browser import sign_in_as_root
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "owner@example.test"
PASSWORD = "Correct-Horse-9"


def test_the_browser_refuses_values_out_of_aws_limits(page: Page, live_server: Any) -> None:
    account = make_account(email=EMAIL, password=PASSWORD)
    operations.run(account.root, "CreateUser", {"user_name": "alice"})
    base = live_server.url
    sign_in_as_root(page, base, EMAIL, PASSWORD)
    expect(page.locator("h1")).to_have_text("IAM dashboard")

    page.goto(f"{base}/users/create")
    page.fill("#id_user_name", "bad name")
    page.click("button[name=nav][value=next]")
    expect(page.locator("#id_user_name:invalid")).to_have_count(1)
    expect(page).to_have_url(f"{base}/users/create")
    page.fill("#id_user_name", "x" * 80)  # maxlength stops the typing at 64
    assert len(page.input_value("#id_user_name")) == 64

    page.goto(f"{base}/users/alice?tab=tags")
    page.locator("input[name=tag_key]").first.fill("aws:team")
    expect(page.locator("input[name=tag_key]:invalid")).to_have_count(1)
    page.locator("input[name=tag_key]").first.fill("team")
    expect(page.locator("input[name=tag_key]:invalid")).to_have_count(0)

    page.goto(f"{base}/account-settings?edit=1")
    page.check("#id_policy_1")
    page.fill("#id_minimum_password_length", "200")
    page.click("#password-policy button[type=submit]")  # refused before the confirmation dialog
    expect(page.locator("#id_minimum_password_length:invalid")).to_have_count(1)
    with pytest.raises(NoSuchEntity):  # nothing was sent
        operations.run(account.root, "GetAccountPasswordPolicy")
