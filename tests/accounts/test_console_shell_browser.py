"""The console shell in a real headless browser: the sign-in pages, the identity menu, search with the ``/`` key,
the dashboard's alias dialog, account settings and creating a user group; each page's screenshot goes to
docs/screenshots/ for the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from iamconsole.actors import Actor
from tests import factories
from tests.browser import sign_in_as_root
from tests.conftest import make_account
from tests.console import READ_ONLY_ARN
from tests.factories import allow, document

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EMAIL = "owner@example.test"
PASSWORD = "Correct-Horse-9"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.fixture
def account(db: Any) -> Any:
    account = make_account(email=EMAIL, password=PASSWORD)
    for name in ("alice", "bob", "deploy-bot"):
        factories.user(account, name)
    factories.group(account, "developers", members=("alice",))
    read_artifacts = document(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::artifacts*"))
    factories.put_group_policy(account, "developers", read_artifacts, policy_name="read-artifacts")
    return account


def sign_in_to_the_dashboard(page: Page, base: str) -> None:
    sign_in_as_root(page, base, EMAIL, PASSWORD)
    expect(page.locator("h1")).to_have_text("IAM dashboard")


def test_sign_in_pages_switch_between_root_and_iam_user(page: Page, live_server: Any, account: Any) -> None:
    page.set_viewport_size({"width": 1100, "height": 760})
    page.goto(f"{live_server.url}/signin")
    expect(page.locator(".root-form")).to_be_visible()
    expect(page.locator(".iam-form")).to_be_hidden()
    shot(page, "signin.png")
    page.check("#kind-iam")
    expect(page.locator(".root-form")).to_be_hidden()
    page.fill("#id_account", account.account_id)
    page.click(".iam-form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/signin/{account.account_id}")
    expect(page.locator("#signin-account")).to_have_text(account.account_id)
    shot(page, "signin-iam-user.png")
    page.click("#root-signin-link")
    expect(page.locator("#kind-root")).to_be_checked()


def test_identity_menu_search_key_and_dashboard_alias(page: Page, live_server: Any, account: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_the_dashboard(page, live_server.url)

    # The identity menu: name @ account, copy the account ID, its links.
    menu = page.locator("#identity-menu")
    expect(menu.locator("summary")).to_have_text(f"root @ {account.account_id}")
    menu.locator("summary").click()
    expect(menu.locator("a", has_text="Security credentials")).to_be_visible()
    expect(menu.locator("button", has_text="Sign out")).to_be_visible()
    menu.locator("button.copy").click()
    expect(menu.locator("button.copy")).to_have_text("Copied")
    page.keyboard.press("Escape")
    expect(menu.locator(".menu")).to_be_hidden()

    # The dashboard's alias dialog, through htmx.
    page.click("#edit-alias")
    # The browser refuses an alias out of AWS's rules before sending it (the server would refuse it too).
    page.fill("#id_account_alias", "Bad--Alias")
    page.click("button[name=save]")
    expect(page.locator("#id_account_alias:invalid")).to_have_count(1)
    expect(page.locator("#account-card .field-error")).to_have_count(0)
    page.fill("#id_account_alias", "example-corp")
    page.click("button[name=save]")
    expect(page.locator(".messages")).to_contain_text("Account alias set to example-corp.")
    expect(page.locator("#account-alias strong")).to_have_text("example-corp")
    expect(page.locator("#signin-url")).to_contain_text("/signin/example-corp")
    expect(menu.locator("summary")).to_have_text("root @ example-corp")
    page.locator(".messages .dismiss").click()
    # The alias's Edit/Delete are compact controls beside the value, the size of the Copy buttons next to them.
    copy_box = page.locator("#account-card button.copy").first.bounding_box()
    for control in ("#edit-alias", "#account-alias button[name=delete]"):
        box = page.locator(control).bounding_box()
        assert copy_box and box and abs(box["height"] - copy_box["height"]) <= 1, (control, box, copy_box)
    shot(page, "dashboard.png")

    # "/" focuses the search box from anywhere; the results page lists users and tasks.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("dep")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search?q=dep")
    results = page.locator("#search-results")
    expect(results.locator("a", has_text="deploy-bot")).to_be_visible()
    expect(results.locator("a", has_text="developers")).to_be_hidden()
    page.fill("#search-page-box", "create role")
    expect(results.locator("a", has_text="Create role")).to_be_visible()
    page.fill("#search-page-box", "dev")
    expect(results.locator("a", has_text="developers")).to_be_visible()
    shot(page, "search.png")

    page.goto(f"{live_server.url}/account-settings")
    page.click("#edit-password-policy")
    page.check("#id_policy_1")
    page.fill("#id_minimum_password_length", "14")
    page.check("#id_require_symbols")
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation before a new policy applies
    page.click("#password-policy button[type=submit]")
    expect(page.locator("#policy-rules")).to_contain_text("At least 14 characters")
    page.locator(".messages .dismiss").click()
    shot(page, "account-settings.png")

    # On a phone the navigation goes above the page and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/groups", "/search?q=dev", "/account-settings"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("nav.sidenav")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_create_a_user_group_with_a_member(page: Page, live_server: Any, account: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_to_the_dashboard(page, live_server.url)
    page.click("nav.sidenav >> text=User groups")
    expect(page.locator("#group-table tbody tr")).to_have_count(1)
    page.click("#create-group")
    page.fill("#id_group_name", "operators")
    page.fill("#user-picker-q", "bob")
    expect(page.locator("#user-picker tbody tr")).to_have_count(1)
    page.check("#user-picker input[type=checkbox][value=bob]")
    page.click("#create-group-submit")
    expect(page).to_have_url(f"{live_server.url}/groups/operators")
    expect(page.locator(".messages")).to_contain_text("User group operators created.")
    expect(page.locator("#group-users tbody")).to_contain_text("bob")
    page.locator(".messages .dismiss").click()
    shot(page, "group-detail.png")

    page.click("nav.sidenav >> text=User groups")
    rows = page.locator("#group-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("operators")
    shot(page, "groups.png")


def test_a_read_only_user_sees_groups_but_cannot_change_them(page: Page, live_server: Any, account: Any) -> None:
    operations.run(Actor.system(), "SyncAwsManagedPolicies")
    factories.attach(account, READ_ONLY_ARN, user_name="bob")
    factories.login_profile(account, "bob", PASSWORD)
    page.goto(f"{live_server.url}/signin/{account.account_id}")
    page.fill("#id_user_name", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#identity-menu summary")).to_have_text(f"bob @ {account.account_id}")

    page.goto(f"{live_server.url}/groups/developers")
    expect(page.locator("#group-users tbody")).to_contain_text("alice")
    expect(page.locator("#remove-users")).to_be_disabled()
    expect(page.locator("#group-users .disabled-reason")).to_have_text("You need iam:RemoveUserFromGroup.")
    expect(page.locator("#add-users")).to_be_disabled()
    page.goto(f"{live_server.url}/groups")
    expect(page.locator("#delete-groups")).to_be_disabled()
    expect(page.locator(".page-header .disabled-reason")).to_have_text("You need iam:CreateGroup.")
