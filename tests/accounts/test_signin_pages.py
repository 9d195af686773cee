"""The sign-in pages: the generic page's choice between the root user and an IAM user, the account's own page
prefilled from its URL, the links between the two, the cookie that remembers the account, and sign-out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.conftest import make_account

PASSWORD = "Correct-Horse-9"


@pytest.fixture
def aliased(db):
    return make_account(alias="example-corp", email="owner@example.test", password=PASSWORD)


@pytest.fixture
def alice(aliased):
    return factories.user(aliased, "alice", password=PASSWORD)


def body(response) -> str:
    return response.content.decode()


def test_the_generic_page_offers_root_and_iam_user(client, db):
    page = body(client.get("/signin"))
    assert 'id="kind-root" value="root" checked' in page
    assert 'id="kind-iam" value="iam"' in page
    assert 'name="email"' in page and 'name="account"' in page
    # The IAM-user branch is chosen by a link from the account's page.
    assert 'id="kind-iam" value="iam" checked' in body(client.get("/signin?kind=iam"))


def test_the_iam_user_branch_leads_to_the_accounts_page_keeping_next(client, aliased):
    response = client.get("/signin", {"account": " example-corp ", "next": "/groups"})
    assert response.status_code == 302
    assert response["Location"] == "/signin/example-corp?next=%2Fgroups"
    unsafe = client.get("/signin", {"account": "example-corp", "next": "https://evil.example/"})
    assert unsafe["Location"] == "/signin/example-corp"
    empty = client.get("/signin", {"account": ""})
    assert empty.status_code == 400
    assert 'class="field-error"' in body(empty)
    assert 'id="kind-iam" value="iam" checked' in body(empty)


def test_the_accounts_page_is_prefilled_and_links_to_root_sign_in(client, aliased):
    page = body(client.get("/signin/example-corp"))
    assert '<strong id="signin-account">example-corp</strong>' in page
    assert 'href="/signin?kind=root"' in page
    assert 'name="remember"' in page
    assert "ask their administrator" in page


def test_remember_this_account_prefills_both_pages(client, aliased, alice):
    response = client.post("/signin/example-corp", {"user_name": "alice", "password": PASSWORD, "remember": "on"})
    assert response.status_code == 302
    assert "iam_signin_remember" in response.cookies
    client.post("/signout")
    generic = body(client.get("/signin"))
    assert 'id="kind-iam" value="iam" checked' in generic
    assert 'value="example-corp"' in generic
    assert 'value="alice"' in body(client.get("/signin/example-corp"))
    # Signing in without the box forgets it.
    client.post("/signin/example-corp", {"user_name": "alice", "password": PASSWORD})
    client.post("/signout")
    assert 'value="alice"' not in body(client.get("/signin/example-corp"))


def test_a_forged_remember_cookie_is_ignored(aliased):
    client = Client()
    client.cookies["iam_signin_remember"] = "example-corp\nalice"
    assert 'value="alice"' not in body(client.get("/signin/example-corp"))


def test_sign_out_says_so_on_the_sign_in_page(client, aliased):
    client.post("/signin", {"email": "owner@example.test", "password": PASSWORD})
    assert client.get("/").status_code == 200
    response = client.post("/signout", follow=True)
    assert "You signed out." in body(response)
    assert client.get("/").status_code == 302
