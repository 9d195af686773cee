"""A user group's page in a real headless browser, laid out as the user and role pages are: one summary card (the
name as its title, Delete at its right, the facts, Edit below them), then one card with the tabs, switched in place
by htmx (docs/screenshots/group-permissions.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser import sign_in_as_root
from tests.conftest import make_account
from tests.factories import allow, document

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_group_page_has_the_summary_card_and_tabs_of_the_user_and_role_pages(page: Page, live_server: Any) -> None:
    account = make_account(email="owner@example.test", password="Correct-Horse-9")
    factories.user(account, "alice")
    factories.group(account, "developers", members=("alice",))
    factories.put_group_policy(account, "developers", document(allow("s3:GetObject", "arn:aws:s3:::artifacts/*")))
    factories.role(account, "deployer")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as_root(page, live_server.url, "owner@example.test", "Correct-Horse-9")
    expect(page.locator("h1")).to_have_text("IAM dashboard")

    # The same frame on the three detail pages: the title and Delete inside the first card, the tabs in the second.
    for path, summary, tab_panel in (
        ("/groups/developers", "#group-summary", "#group-tab"),
        ("/users/alice", "#user-summary", "#user-tab"),
        ("/roles/deployer", "#role-summary", "#role-tab"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator(f"section.card{summary} h1")).to_have_count(1)
        expect(page.locator(f"section.card{summary}").get_by_text("Delete", exact=False).first).to_be_visible()
        expect(page.locator(f".card {tab_panel} nav.tabs, .card{tab_panel} nav.tabs")).to_have_count(1)
        expect(page.locator("main h1")).to_have_count(1)

    page.goto(f"{live_server.url}/groups/developers")
    tabs = page.locator("#group-tab nav.tabs a")
    expect(tabs).to_have_text(["Users (1)", "Permissions"])
    expect(page.locator("#group-users h2")).to_have_text("Users in this group (1)")
    # The tab switches in place (htmx) and its URL is the page's.
    tabs.nth(1).click()
    expect(page).to_have_url(f"{live_server.url}/groups/developers?tab=permissions")
    expect(page.locator("#group-tab nav.tabs a[aria-current=page]")).to_have_text("Permissions")
    expect(page.locator("#inline-policies")).to_contain_text("arn:aws:s3:::artifacts/*")
    expect(page.locator("#group-summary h1")).to_have_text("developers")

    # Edit name opens under the summary, as Edit does on the role page.
    page.click("#group-summary details.edit > summary")
    expect(page.locator("#new-group-name")).to_have_value("developers")
    page.screenshot(path=str(SCREENSHOTS / "group-permissions.png"), full_page=True)
    page.fill("#new-group-name", "builders")
    page.click("#group-summary details.edit button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/groups/builders")
    expect(page.locator("#group-summary h1")).to_have_text("builders")
