"""The MFA step of console sign-in, through Django's test client: the pending sign-in is not a session, codes are
checked by the same verification as STS's, and the session then carries the MFA facts policies see."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.test import Client

from accounts import views
from iamconsole import authentication, authorization
from tests import factories
from tests.accounts.test_signin_mfa_browser import PASSWORD, enable_device
from tests.conftest import make_account

pytestmark = pytest.mark.django_db

MFA_FRESH = {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "60"}}


@pytest.fixture
def root_account() -> Any:
    return make_account(email="owner@example.test", password=PASSWORD)


def sign_in_root(client: Client) -> Any:
    return client.post("/signin", {"email": "owner@example.test", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")


def next_code(totp: pyotp.TOTP) -> str:
    return totp.at(time.time() + 30)


def test_the_password_alone_leads_to_the_code_step_not_to_a_session(client: Client, root_account: Any) -> None:
    enable_device(root_account, None)
    response = sign_in_root(client)
    assert (response.status_code, response["Location"]) == (302, "/signin/mfa")
    assert authentication.SESSION_KEY not in client.session
    assert client.get("/")["Location"] == "/signin?next=/"
    page = client.get("/signin/mfa")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert f"arn:aws:iam::{root_account.account_id}:root" in page.content.decode()


def test_a_wrong_or_malformed_code_is_refused_and_a_right_one_signs_in_with_mfa(
    client: Client, root_account: Any
) -> None:
    totp = enable_device(root_account, None)
    sign_in_root(client)
    wrong = "000000" if next_code(totp) != "000000" else "111111"
    serial = authentication.console_mfa_devices(root_account.root)[0]
    response = client.post("/signin/mfa", {"serial_number": serial, "token_code": wrong})
    assert response.status_code == 401
    assert views.INCORRECT_MESSAGE in response.content.decode()
    assert client.post("/signin/mfa", {"serial_number": serial, "token_code": "12ab56"}).status_code == 400
    assert (
        client.post("/signin/mfa", {"serial_number": "arn:aws:iam::1:mfa/x", "token_code": "123456"}).status_code == 400
    )
    assert authentication.SESSION_KEY not in client.session

    response = client.post("/signin/mfa", {"serial_number": serial, "token_code": next_code(totp)})
    assert (response.status_code, response["Location"]) == (302, "/")
    actor = authentication.actor_from_console_session(client.session[authentication.SESSION_KEY])
    assert actor is not None and actor.mfa_authenticated and actor.console
    assert views.PENDING_MFA_KEY not in client.session
    # The code step cannot be replayed once signed in.
    assert client.get("/signin/mfa")["Location"] == "/signin"


def test_the_console_actor_carries_mfa_present_and_age(client: Client, root_account: Any) -> None:
    factories.user(root_account, "alice", password=PASSWORD)
    document = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*",'
        '"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"60"}}},'
        '{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",'
        '"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}'
    )
    factories.put_user_policy(root_account, "alice", document, policy_name="p")
    plain = Client()
    plain.post(f"/signin/{root_account.account_id}", {"user_name": "alice", "password": PASSWORD})
    without = authentication.actor_from_console_session(plain.session[authentication.SESSION_KEY])
    assert without is not None and not without.mfa_authenticated
    # A console session is temporary credentials: aws:MultiFactorAuthPresent is there, and false.
    assert authorization.is_allowed(without, "iam:GetUser")
    assert not authorization.is_allowed(without, "iam:ListUsers")

    totp = enable_device(root_account, "alice")
    client.post(f"/signin/{root_account.account_id}", {"user_name": "alice", "password": PASSWORD})
    serial = authentication.console_mfa_devices(without)[0]
    client.post("/signin/mfa", {"serial_number": serial, "token_code": next_code(totp)})
    actor = authentication.actor_from_console_session(client.session[authentication.SESSION_KEY])
    assert actor is not None and actor.mfa_authenticated
    assert authorization.is_allowed(actor, "iam:ListUsers")
    assert not authorization.is_allowed(actor, "iam:GetUser")


def test_a_required_password_change_comes_after_the_code(client: Client, root_account: Any) -> None:
    factories.user(root_account, "bob")
    factories.login_profile(root_account, "bob", PASSWORD, reset_required=True)
    totp = enable_device(root_account, "bob")
    response = client.post(f"/signin/{root_account.account_id}", {"user_name": "bob", "password": PASSWORD})
    assert response["Location"] == "/signin/mfa"
    assert client.get("/signin/change-password")["Location"] == "/signin"
    pending = authentication.actor_from_console_session(client.session[views.PENDING_MFA_KEY]["principal"])
    assert pending is not None
    serial = authentication.console_mfa_devices(pending)[0]
    response = client.post("/signin/mfa", {"serial_number": serial, "token_code": next_code(totp)})
    assert response["Location"] == "/signin/change-password"
    assert authentication.SESSION_KEY not in client.session


def test_the_code_step_expires(client: Client, root_account: Any) -> None:
    totp = enable_device(root_account, None)
    sign_in_root(client)
    session = client.session
    pending = session[views.PENDING_MFA_KEY]
    pending["since"] -= views.MFA_STEP_SECONDS + 1
    session[views.PENDING_MFA_KEY] = pending
    session.save()
    serial = authentication.console_mfa_devices(root_account.root)[0]
    response = client.post("/signin/mfa", {"serial_number": serial, "token_code": next_code(totp)})
    assert response["Location"] == "/signin"
    assert authentication.SESSION_KEY not in client.session
