"""Helpers for the console's browser tests (Playwright)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import AccountFixture, make_account

#: The root user of the accounts ``sign_in_as_new_root`` makes.
OWNER_EMAIL, OWNER_PASSWORD = "owner@example.test", "Correct-Horse-9"


def sign_in_as_root(page: Page, base: str, email: str, password: str) -> None:
    """Submit the root user's sign-in form; the caller waits for the page it expects next (the dashboard, the MFA
    step)."""
    page.goto(f"{base}/signin")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click(".root-form button[type=submit]")


def sign_in_as_new_root(page: Page, base: str) -> AccountFixture:
    """A new account aliased ``example-corp``, whose root user signs in (the caller waits for the dashboard)."""
    account = make_account(alias="example-corp", email=OWNER_EMAIL, password=OWNER_PASSWORD)
    sign_in_as_root(page, base, OWNER_EMAIL, OWNER_PASSWORD)
    return account


def confirm_by_typing(page: Page, dialog: str, wrong: str, word: str) -> None:
    """In the confirmation ``dialog`` (a selector), type ``wrong``: its Delete stays disabled; type ``word``: Delete
    is enabled, and is clicked."""
    confirm = page.locator(f"{dialog} button[data-confirm-submit]")
    page.fill(f"{dialog} #id_confirm", wrong)
    expect(confirm).to_be_disabled()
    page.fill(f"{dialog} #id_confirm", word)
    confirm.click()
