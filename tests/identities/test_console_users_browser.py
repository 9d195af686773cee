"""The console's Users list in a real headless browser: the layout, server-side search and sort through htmx, and
the page a daily user sees (docs/screenshots/users.png)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from identities.models import AccessKey
from tests import factories
from tests.browser import sign_in_as_root
from tests.conftest import make_account

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_root_searches_and_sorts_the_users_list(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp", email="owner@example.test", password="Correct-Horse-9")
    for name, path in [("alice", "/engineering/"), ("bob", "/"), ("carol", "/engineering/"), ("deploy-bot", "/ci/")]:
        factories.user(account, name, path=path)
    # Users in different states, so the daily view shows each column's values.
    factories.login_profile(account, "alice", "Correct-Horse-9")
    factories.mfa_device(account, "alice")
    factories.group(account, "engineers", members=("alice", "carol"))
    key_id, _ = factories.access_key(account, "deploy-bot")
    AccessKey.objects.filter(access_key_id=key_id).update(
        created_at=timezone.now() - timedelta(days=41), last_used_at=timezone.now() - timedelta(hours=2)
    )

    sign_in_as_root(page, live_server.url, "owner@example.test", "Correct-Horse-9")
    page.goto(f"{live_server.url}/users")

    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("nav.sidenav a[aria-current=page]")).to_have_text("Users")
    expect(page.locator("h1")).to_have_text("Users (4)")
    bot = rows.filter(has_text="deploy-bot")
    expect(bot.locator("td[data-col=access_key]")).to_contain_text(f"{key_id} Active")
    expect(bot.locator("td[data-col=key_age]")).to_have_text("41 days")
    expect(bot.locator("td[data-col=last_activity]")).to_have_text("2 hours ago")
    expect(rows.filter(has_text="alice").locator("td[data-col=mfa]")).to_have_text("Virtual")
    page.screenshot(path=str(SCREENSHOTS / "users.png"), full_page=True)

    # The column picker hides a column in place, and the choice outlives a reload.
    page.locator("details.column-picker summary").click()
    page.locator("details.column-picker input[value=path]").uncheck()
    page.locator("details.column-picker input[value=key_last_used]").check()
    page.locator("details.column-picker button", has_text="Apply").click()
    expect(page.locator("table.list th", has_text="Access key last used")).to_have_count(1)
    expect(page.locator("table.list td[data-col=path]")).to_have_count(0)
    page.goto(f"{live_server.url}/users")
    expect(page.locator("table.list td[data-col=path]")).to_have_count(0)
    expect(bot.locator("td[data-col=key_last_used]")).to_have_text("2 hours ago")

    page.fill("form.search input[type=search]", "engineering")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("alice")

    page.fill("form.search input[type=search]", "")
    expect(rows).to_have_count(4)
    page.locator("table.list th a", has_text="User name").click()
    expect(rows.first).to_contain_text("deploy-bot")

    # The newer columns sort too, in place: the oldest active key first when sorted by its age, descending.
    page.locator("table.list th a", has_text="Active key age").click()
    expect(page).to_have_url(re.compile(r"/users\?sort=key_age\b"))
    page.locator("table.list th a", has_text="Active key age").click()
    expect(page.locator("table.list th[aria-sort=descending]")).to_contain_text("Active key age")
    expect(rows.first).to_contain_text("deploy-bot")
    page.locator("table.list th a", has_text="Groups").click()
    expect(rows.last).to_contain_text("carol")


def test_entities_named_create_and_delete_open_from_their_lists(page: Page, live_server: Any) -> None:
    """ "create" is also the name of the create pages: the list links of a user, group and role so named open them."""
    account = make_account(email="owner@example.test", password="Correct-Horse-9")
    for name in ("Create", "delete"):
        factories.user(account, name)
        factories.group(account, name, members=(name,))
        factories.role(account, name)
    sign_in_as_root(page, live_server.url, "owner@example.test", "Correct-Horse-9")
    for kind in ("users", "groups", "roles"):
        for name in ("Create", "delete"):
            page.goto(f"{live_server.url}/{kind}")
            page.locator("table.list td.name a", has_text=name).click()
            expect(page.locator("body")).to_contain_text(f"arn:aws:iam::{account.account_id}:{kind[:-1]}/{name}")
    # A user's groups tab links to the group named like the create page, and that link opens the group.
    page.goto(f"{live_server.url}/users/~/Create?tab=groups")
    page.locator("a", has_text="Create").last.click()
    expect(page).to_have_url(f"{live_server.url}/groups/~/Create")
