"""Federated console sign-in in a real headless browser: an IdP's auto-posted SAML response to ``/saml`` (with the
role chooser), and a custom identity broker's sign-in URL (``/federation``); both land in the role's console
(docs/screenshots/saml-role-chooser.png, docs/screenshots/federated-console.png)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from iamconsole import operations
from iamconsole.actors import Actor
from tests import factories
from tests.conftest import make_account
from tests.factories import allow, document, trust
from tests.federation_idp import SamlIdp

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _roles(account: Any, idp: SamlIdp) -> tuple[str, str, str]:
    provider_arn = str(
        operations.run(
            account.root, "CreateSAMLProvider", {"name": "corp-idp", "saml_metadata_document": idp.metadata()}
        ).arn
    )
    audience = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    saml_trust = trust(provider_arn, "sts:AssumeRoleWithSAML", kind="Federated", Condition=audience)
    arns = []
    for name in ("Admin", "ReadOnly"):
        factories.role(account, name, saml_trust)
        arns.append(f"arn:aws:iam::{account.account_id}:role/{name}")
    factories.put_role_policy(account, "ReadOnly", "read", document(allow("iam:List*")))
    return arns[0], arns[1], provider_arn


def _idp_post(page: Page, url: str, saml_response: str) -> None:
    """What an IdP's page does: a form posting SAMLResponse to the service provider."""
    page.set_content(
        f'<form method="post" action="{url}/saml"><input type="hidden" name="SAMLResponse" value="{saml_response}">'
        '<button type="submit">Continue</button></form>'
    )
    page.click("button[type=submit]")


def test_saml_sign_in_with_the_role_chooser(page: Page, live_server: Any) -> None:
    account = make_account(alias="example-corp")
    idp = SamlIdp()
    admin, readonly, provider_arn = _roles(account, idp)

    _idp_post(page, live_server.url, idp.response([(admin, provider_arn), (readonly, provider_arn)]))
    expect(page.locator("h1")).to_have_text("Select a role")
    expect(page.locator("input[name=role]")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "saml-role-chooser.png"), full_page=True)
    page.locator("label.choice", has_text="ReadOnly").click()
    page.click("button[type=submit]")

    # The identity menu names the session; its title is the assumed-role ARN.
    expect(page.locator("#identity-menu summary")).to_have_attribute(
        "title", f"arn:aws:sts::{account.account_id}:assumed-role/ReadOnly/alice@example.test"
    )
    page.goto(f"{live_server.url}/users")
    expect(page.locator("main")).not_to_contain_text("not authorized")


def test_saml_one_role_and_the_broker_url(page: Page, live_server: Any) -> None:
    account = make_account()
    idp = SamlIdp()
    _, readonly, provider_arn = _roles(account, idp)
    _idp_post(page, live_server.url, idp.response([(readonly, provider_arn)]))
    expect(page.locator("#account-id")).to_have_text(account.account_id)
    expect(page.locator("#identity-menu summary")).to_have_attribute("title", re.compile("assumed-role/ReadOnly/"))

    # A broker: AssumeRoleWithSAML's credentials from a fresh response, turned into a console URL.
    credentials = operations.run(
        Actor.anonymous(),
        "AssumeRoleWithSAML",
        {
            "role_arn": readonly,
            "principal_arn": provider_arn,
            "saml_assertion": idp.response([(readonly, provider_arn)], session_name="broker-user"),
        },
    ).assumed.credentials
    session = {
        "sessionId": credentials.access_key_id,
        "sessionKey": credentials.secret_access_key,
        "sessionToken": credentials.session_token,
    }
    fresh = page.context.browser.new_context() if page.context.browser else None
    assert fresh is not None
    broker = fresh.new_page()
    answer = broker.request.get(
        f"{live_server.url}/federation?" + urlencode({"Action": "getSigninToken", "Session": json.dumps(session)})
    )
    token = answer.json()["SigninToken"]
    login = {
        "Action": "login",
        "Issuer": "https://broker.example.test",
        "Destination": f"{live_server.url}/users",
        "SigninToken": token,
    }
    broker.goto(f"{live_server.url}/federation?" + urlencode(login))
    expect(broker.locator("#identity-menu summary")).to_have_attribute(
        "title", re.compile("assumed-role/ReadOnly/broker-user$")
    )
    expect(broker.locator("nav.sidenav a[aria-current=page]")).to_have_text("Users")
    expect(broker.locator("main")).not_to_contain_text("not authorized")
    broker.screenshot(path=str(SCREENSHOTS / "federated-console.png"), full_page=True)
    fresh.close()
