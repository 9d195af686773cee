"""Federated console sign-in with Django's test client: ``/saml`` (one role, the chooser, refusals) and the custom
identity broker ``/federation`` (getSigninToken, login, single use, destination limited to this console)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from iamconsole import operations
from sts.models import StsSession
from tests.federation_idp import SamlIdp
from tests.sts.conftest import Env, allow, assume, policy, trust
from tests.sts.test_saml import saml_trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp() -> SamlIdp:
    return SamlIdp()


def saml_roles(env: Env, idp: SamlIdp, *names: str) -> tuple[list[str], str]:
    provider = operations.run(
        env.root, "CreateSAMLProvider", {"name": "corp", "saml_metadata_document": idp.metadata()}
    )
    return [env.role(name, saml_trust(str(provider.arn))) for name in names], str(provider.arn)


def test_one_role_signs_straight_in_as_the_role_session(env: Env, idp: SamlIdp) -> None:
    (role_arn,), provider_arn = saml_roles(env, idp, "ReadOnly")
    browser = Client()
    answer = browser.post("/saml", {"SAMLResponse": idp.response([(role_arn, provider_arn)])})
    assert answer.status_code == 302 and answer["Location"] == "/"
    dashboard = browser.get("/")
    assert dashboard.status_code == 200
    assert f"arn:aws:sts::{env.account_id}:assumed-role/ReadOnly/alice@example.test" in dashboard.content.decode()
    # The console session is the role session: revoking it signs the browser out.
    session = StsSession.objects.get(role__name="ReadOnly")
    operations.run(env.root, "RevokeRoleSession", {"role_name": "ReadOnly", "access_key_id": session.access_key_id})
    assert browser.get("/").status_code == 302


def test_several_roles_show_a_chooser(env: Env, idp: SamlIdp) -> None:
    (admin, readonly), provider_arn = saml_roles(env, idp, "Admin", "ReadOnly")
    response = idp.response([(admin, provider_arn), (readonly, provider_arn)])
    browser = Client()
    chooser = browser.post("/saml", {"SAMLResponse": response})
    assert chooser.status_code == 200
    page = chooser.content.decode()
    assert admin in page and readonly in page and 'name="role"' in page
    assert not StsSession.objects.exists()  # choosing does not use the assertion up
    signed_in = browser.post("/saml", {"SAMLResponse": response, "role": f"{readonly},{provider_arn}"})
    assert signed_in.status_code == 302
    assert "assumed-role/ReadOnly/" in browser.get("/").content.decode()
    # The response was used: posting it again is refused.
    again = Client().post("/saml", {"SAMLResponse": response, "role": f"{admin},{provider_arn}"})
    assert again.status_code == 400 and b"already been used" in again.content


def test_bad_saml_posts_get_a_page_not_a_500(env: Env, idp: SamlIdp) -> None:
    (role_arn,), provider_arn = saml_roles(env, idp, "ReadOnly")
    browser = Client()
    assert browser.post("/saml", {}).status_code == 400
    assert browser.post("/saml", {"SAMLResponse": "%%%not base64"}).status_code == 400
    forged = SamlIdp().response([(role_arn, provider_arn)])
    refused = browser.post("/saml", {"SAMLResponse": forged})
    assert refused.status_code == 400 and b"InvalidIdentityToken" in refused.content
    chosen_elsewhere = browser.post(
        "/saml", {"SAMLResponse": idp.response([(role_arn, provider_arn)]), "role": "arn:aws:iam::1:role/x,y"}
    )
    assert chosen_elsewhere.status_code == 400
    assert browser.get("/").status_code == 302  # never signed in


def role_credentials(env: Env) -> dict[str, str]:
    alice = env.user("alice")
    role_arn = env.role("Broker", trust(alice.arn), policy_document=policy(allow("iam:List*")))
    credentials = assume(alice, role_arn, "alice-console").credentials
    return {
        "sessionId": credentials.access_key_id,
        "sessionKey": credentials.secret_access_key,
        "sessionToken": credentials.session_token,
    }


def signin_token(browser: Client, session: dict[str, Any], **extra: str) -> Any:
    return browser.get(
        "/federation?" + urlencode({"Action": "getSigninToken", "Session": json.dumps(session), **extra})
    )


def login_url(token: str, destination: str = "http://testserver/users") -> str:
    return "/federation?" + urlencode(
        {"Action": "login", "Issuer": "https://broker.example", "Destination": destination, "SigninToken": token}
    )


def test_the_broker_url_signs_in_once(env: Env) -> None:
    session = role_credentials(env)
    answer = signin_token(Client(), session)
    assert answer.status_code == 200
    token = answer.json()["SigninToken"]
    browser = Client()
    login = browser.get(login_url(token))
    assert login.status_code == 302 and login["Location"] == "/users"
    assert "assumed-role/Broker/alice-console" in browser.get("/").content.decode()
    # Single use.
    assert Client().get(login_url(token)).status_code == 400
    # getSigninToken may be POSTed (credentials out of the URL), without a CSRF token; login may not.
    posted = Client(enforce_csrf_checks=True).post(
        "/federation", {"Action": "getSigninToken", "Session": json.dumps(session)}
    )
    assert posted.status_code == 200 and posted.json()["SigninToken"] != token
    assert (
        Client().post("/federation", {"Action": "login", "SigninToken": posted.json()["SigninToken"]}).status_code
        == 400
    )


def test_the_broker_refuses_bad_credentials_and_foreign_destinations(env: Env) -> None:
    session = role_credentials(env)
    browser = Client()
    assert signin_token(browser, {**session, "sessionKey": "x" * 40}).status_code == 403
    assert signin_token(browser, {"sessionId": session["sessionId"]}).status_code == 400
    assert browser.get("/federation?Action=getSigninToken&Session=notjson").status_code == 400
    assert signin_token(browser, session, SessionDuration="60").status_code == 400
    assert browser.get("/federation?Action=nothing").status_code == 400
    long_term = {
        "sessionId": env.fixture.access_key_id,
        "sessionKey": env.fixture.secret_access_key,
        "sessionToken": "x",
    }
    assert signin_token(browser, long_term).status_code == 403
    token = signin_token(browser, session).json()["SigninToken"]
    assert browser.get(login_url(token, "https://evil.example/steal")).status_code == 400
    assert browser.get(login_url(token, "//evil.example/")).status_code == 400
    assert browser.get(login_url("made-up-token")).status_code == 400
    # The refused destinations did not use the token up.
    assert browser.get(login_url(token)).status_code == 302
