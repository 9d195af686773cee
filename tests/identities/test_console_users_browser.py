"""The console's Users list in a real headless browser: the layout, server-side search and sort through htmx, and
the page a daily user sees (docs/screenshots/users.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_root_searches_and_sorts_the_users_list(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp", email="owner@example.test", password="Correct-Horse-9")
    for name, path in [("alice", "/engineering/"), ("bob", "/"), ("carol", "/engineering/"), ("deploy-bot", "/ci/")]:
        operations.run(account.root, "CreateUser", {"user_name": name, "path": path})

    page.goto(f"{live_server.url}/signin")
    page.fill("#id_email", "owner@example.test")
    page.fill("#id_password", "Correct-Horse-9")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/users")

    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("nav.sidenav a[aria-current=page]")).to_have_text("Users")
    expect(page.locator("h1")).to_have_text("Users (4)")
    page.screenshot(path=str(SCREENSHOTS / "users.png"), full_page=True)

    page.fill("form.search input[type=search]", "engineering")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("alice")

    page.fill("form.search input[type=search]", "")
    expect(rows).to_have_count(4)
    page.locator("table.list th a", has_text="User name").click()
    expect(rows.first).to_contain_text("deploy-bot")
