"""Root sign-in and sign-out in the console, with throttling and safe redirects."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import FailedAttempt
from tests.conftest import make_account


@pytest.fixture
def root_account(db):
    return make_account(email="owner@example.test", password="Correct-Horse-9")


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post("/signin", {"email": email, "password": password, **extra}, REMOTE_ADDR="198.51.100.7")


def test_dashboard_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/signin?next=/"


def test_root_signs_in_sees_the_account_and_signs_out(client, root_account):
    response = sign_in(client, "OWNER@example.test", "Correct-Horse-9")
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert root_account.account_id in page.content.decode()
    assert f"arn:aws:iam::{root_account.account_id}:root" in page.content.decode()
    assert client.get("/signout").status_code == 405  # sign-out changes state: POST only
    response = client.post("/signout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, root_account):
    response = sign_in(client, "owner@example.test", "wrong")
    assert response.status_code == 401
    assert "Your authentication information is incorrect" in response.content.decode()
    unknown = sign_in(client, "nobody@example.test", "wrong")
    assert unknown.status_code == 401
    assert client.get("/").status_code == 302


def test_sign_in_is_throttled_after_repeated_failures(client, root_account):
    for _ in range(5):
        assert sign_in(client, "owner@example.test", "wrong").status_code == 401
    throttled = sign_in(client, "owner@example.test", "Correct-Horse-9")
    assert throttled.status_code == 429
    assert "Too many failed sign-in attempts" in throttled.content.decode()


def test_the_throttle_is_one_count_in_the_database_for_every_web_process(client, root_account):
    """Failures are rows in the database, not entries in a process's cache: a process with an empty cache (another
    gunicorn worker, or this one after Redis lost its data) sees the same count, and nothing is kept in clear."""
    for _ in range(3):
        assert sign_in(client, "owner@example.test", "wrong").status_code == 401
    cache.clear()
    other_process = Client()
    for _ in range(2):
        assert sign_in(other_process, "owner@example.test", "wrong").status_code == 401
    cache.clear()
    assert sign_in(Client(), "owner@example.test", "Correct-Horse-9").status_code == 429
    assert FailedAttempt.objects.count() == 5
    assert all("owner" not in row.subject and "198.51" not in row.subject for row in FailedAttempt.objects.all())
    # Another address is counted on its own.
    assert Client().post("/signin", {"email": "owner@example.test", "password": "Correct-Horse-9"}).status_code == 302


def test_next_only_redirects_inside_the_site(client, root_account):
    assert sign_in(client, "owner@example.test", "Correct-Horse-9", next="/users")["Location"] == "/users"
    client.post("/signout")
    response = sign_in(client, "owner@example.test", "Correct-Horse-9", next="https://evil.example/")
    assert response["Location"] == "/"


def test_forms_need_csrf(root_account):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/signin", {"email": "owner@example.test", "password": "Correct-Horse-9"}).status_code == 403


def test_session_of_a_deleted_account_no_longer_stands(client, root_account):
    sign_in(client, "owner@example.test", "Correct-Horse-9")
    root_account.model.delete()
    assert client.get("/").status_code == 302


def test_pages_carry_security_headers(client):
    response = client.get("/signin")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'hx-headers=\'{"X-CSRFToken"' in response.content.decode()


def test_signed_in_pages_are_never_stored(client, root_account):
    assert "no-store" not in client.get("/signin").get("Cache-Control", "")
    sign_in(client, "owner@example.test", "Correct-Horse-9")
    for path in ("/", "/signin", "/no-such-page"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
    client.post("/signout")
    assert "no-store" not in client.get("/signin").get("Cache-Control", "")
