"""The Identity providers list in a real headless browser: Delete follows the selected provider and asks for the word
``delete``. Screenshot for docs/screenshots/identity-providers.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from identities.models import OpenIDConnectProvider, SAMLProvider
from tests.browser import confirm_by_typing, sign_in_as_new_root
from tests.identities.test_identity_providers import metadata

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_provider_selected_in_the_list_is_deleted_once_delete_is_typed(page: Page, live_server: Any) -> None:
    account = sign_in_as_new_root(page, live_server.url)
    operations.run(account.root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    operations.run(
        account.root,
        "CreateOpenIDConnectProvider",
        {"url": "https://token.actions.githubusercontent.com", "client_id_list": ["sts.amazonaws.com"]},
    )
    page.goto(f"{live_server.url}/identity-providers")
    rows = page.locator("#provider-table tbody tr")
    expect(rows).to_have_count(2)
    delete = page.locator("#delete-provider")
    expect(delete).to_be_disabled()  # nothing selected yet
    expect(page.locator("[data-action-reason]")).to_have_text("Select a row to act on it.")
    rows.filter(has_text="Okta").locator("input[type=radio]").check()
    expect(delete).to_be_enabled()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "identity-providers.png"), full_page=True)

    delete.click()
    expect(page.locator("h1")).to_have_text("Delete Okta?")
    confirm_by_typing(page, "#provider-delete", "remove", "delete")
    expect(page.locator("#messages")).to_contain_text("Identity provider deleted.")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("token.actions.githubusercontent.com")
    assert not SAMLProvider.objects.exists() and OpenIDConnectProvider.objects.exists()
