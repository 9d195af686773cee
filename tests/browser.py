"""Helpers for the console's browser tests (Playwright)."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def sign_in_as_root(page: Page, base: str, email: str, password: str) -> None:
    """Submit the root user's sign-in form; the caller waits for the page it expects next (the dashboard, the MFA
    step)."""
    page.goto(f"{base}/signin")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click(".root-form button[type=submit]")


def confirm_by_typing(page: Page, dialog: str, wrong: str, word: str) -> None:
    """In the confirmation ``dialog`` (a selector), type ``wrong``: its Delete stays disabled; type ``word``: Delete
    is enabled, and is clicked."""
    confirm = page.locator(f"{dialog} button[data-confirm-submit]")
    page.fill(f"{dialog} #id_confirm", wrong)
    expect(confirm).to_be_disabled()
    page.fill(f"{dialog} #id_confirm", word)
    confirm.click()
