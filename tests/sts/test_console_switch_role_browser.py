"""Switch role in a real headless browser: a custom switch-role URL, the switched console with its colour bar acting
as the role (a write it allows succeeds, one it does not is denied naming the role session), Switch back, the role
history, another account, and a ``redirect_uri`` to another host not followed. Screenshots: switchrole.png,
switched-console.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import make_account
from tests.factories import allow, deny, document, group, put_user_policy, role, trust, user

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Correct-Horse-9"


def sign_in(page: Page, base: str, account: str, user: str) -> None:
    page.goto(f"{base}/signin/{account}")
    page.fill("#id_user_name", user)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#identity-menu summary")).to_contain_text(f"{user} @")


def test_switch_role_from_a_custom_url_act_as_the_role_switch_back_and_across_accounts(
    page: Page, live_server: Any
) -> None:
    home = make_account(alias="example-corp")
    partner = make_account()
    base = live_server.url
    user(home, "alice", password=PASSWORD)
    put_user_policy(home, "alice", document(allow("sts:AssumeRole")), policy_name="switch")
    ops_policy = document(
        allow(["iam:ListGroups", "iam:GetGroup", "iam:CreateGroup", "iam:ListGroupPolicies"]),
        deny("iam:CreateGroup", f"arn:aws:iam::{home.account_id}:group/admins"),
    )
    role(home, "ops", trust(home.account_id), path="/team/", policy_document=ops_policy)
    role(partner, "auditor", trust(home.account_id), policy_document=document(allow("iam:ListGroups")))
    group(partner, "partner-finance")

    sign_in(page, base, home.account_id, "alice")
    page.goto(f"{base}/switchrole?roleName=team/ops&account=example-corp&displayName=Production%20ops&color=b7ca9d")
    expect(page.locator("#id_account")).to_have_value("example-corp")
    expect(page.locator("#id_roleName")).to_have_value("team/ops")
    expect(page.locator("#id_displayName")).to_have_value("Production ops")
    expect(page.locator("input[name=color][value='b7ca9d']")).to_be_checked()
    page.screenshot(path=str(SCREENSHOTS / "switchrole.png"), full_page=True)
    page.click("#switch-role-submit")

    summary = page.locator("#identity-menu summary")
    expect(page).to_have_url(f"{base}/")
    expect(summary).to_have_text("Production ops @ example-corp")
    expect(summary).to_have_class("switched role-color-green")
    # The palette colour really paints the bar (a class: the CSP allows no inline style).
    assert summary.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(183, 202, 157)"
    page.click("#identity-menu summary")
    page.screenshot(path=str(SCREENSHOTS / "switched-console.png"), full_page=True)

    # A write the role allows.
    page.goto(f"{base}/groups/create")
    page.fill("#id_group_name", "builders")
    page.click("#create-group-submit")
    expect(page.locator(".messages")).to_contain_text("builders")
    # A write it denies: the panel names the role session.
    page.goto(f"{base}/groups/create")
    page.fill("#id_group_name", "admins")
    page.click("#create-group-submit")
    expect(page.locator("#access-denied")).to_be_visible()
    page.locator("#access-denied details summary").click()
    expect(page.locator("#access-denied")).to_contain_text(f"arn:aws:sts::{home.account_id}:assumed-role/ops/alice")

    # Switch back: alice's own identity, which may not list groups; the role waits in the history.
    page.click("#identity-menu summary")
    page.click("form.switch-back button")
    expect(summary).to_have_text("alice @ example-corp")
    page.goto(f"{base}/groups")
    expect(page.locator("#access-denied")).to_be_visible()
    page.click("#identity-menu summary")
    entry = page.locator(".recent-roles button", has_text="Production ops")
    expect(entry).to_be_visible()
    entry.click()
    expect(summary).to_have_text("Production ops @ example-corp")

    # Another account that trusts this one.
    page.goto(f"{base}/switchrole")
    page.fill("#id_account", partner.account_id)
    page.fill("#id_roleName", "auditor")
    page.check("input[name=color][value='83d4e8']")
    page.click("#switch-role-submit")
    expect(summary).to_have_text(f"auditor @ {partner.account_id}")
    page.goto(f"{base}/groups")
    expect(page.locator("table.list tbody")).to_contain_text("partner-finance")

    # redirect_uri: a page of this console is followed, another host is not.
    page.goto(f"{base}/switchrole?roleName=team/ops&account=example-corp&redirect_uri=%2Fgroups%3Fq%3Dbuild")
    page.click("#switch-role-submit")
    expect(page).to_have_url(f"{base}/groups?q=build")
    page.goto(f"{base}/switchrole?roleName=team/ops&account=example-corp&redirect_uri=https://evil.example/phish")
    page.click("#switch-role-submit")
    expect(page).to_have_url(f"{base}/")

    # A refusal keeps the form, with the one generic message.
    page.goto(f"{base}/switchrole?roleName=missing&account=example-corp")
    page.click("#switch-role-submit")
    expect(page.locator("#switch-role-error")).to_contain_text("could not be switched to")
