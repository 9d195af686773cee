"""IAM users' console sign-in on ``/signin/<account id or alias>``, with forced password changes and throttling."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.utils import timezone

from iamconsole import authentication, operations
from identities.models import LoginProfile
from tests import factories
from tests.conftest import make_account

PASSWORD = "Correct-Horse-9"
NEW_PASSWORD = "Battery-Staple-42"


@pytest.fixture
def aliased(db):
    return make_account(alias="example-corp")


@pytest.fixture
def alice(aliased):
    return factories.user(aliased, "alice", password=PASSWORD)


def sign_in(client: Client, account: str, user_name: str, password: str, **extra):
    return client.post(
        f"/signin/{account}", {"user_name": user_name, "password": password, **extra}, REMOTE_ADDR="198.51.100.7"
    )


def signed_in_principal(client: Client) -> dict[str, Any] | None:
    return client.session.get(authentication.SESSION_KEY)


@pytest.mark.parametrize("by", ["id", "alias"])
def test_user_signs_in_by_account_id_or_alias(client, aliased, alice, by):
    account = aliased.account_id if by == "id" else "example-corp"
    assert client.get(f"/signin/{account}").status_code == 200
    response = sign_in(client, account, "ALICE", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    principal = dict(signed_in_principal(client) or {})
    # The sign-in's moment bounds the roles the user switches to (they may not outlive it).
    assert abs(principal.pop("signed_in_at") - time.time()) < 60
    assert principal == {"kind": "user", "account_id": aliased.account_id, "user_id": alice.user_id}
    page = client.get("/")
    assert page.status_code == 200
    assert f"arn:aws:iam::{aliased.account_id}:user/alice" in page.content.decode()
    alice.refresh_from_db()
    assert alice.password_last_used is not None


def test_sign_in_follows_a_safe_next_only(client, aliased, alice):
    response = sign_in(client, aliased.account_id, "alice", PASSWORD, next="/users")
    assert response["Location"] == "/users"
    client.post("/signout")
    response = sign_in(client, aliased.account_id, "alice", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("account", "user_name", "password"),
    [("self", "alice", "wrong"), ("self", "nobody", PASSWORD), ("999999999999", "alice", PASSWORD)],
    ids=["wrong-password", "unknown-user", "unknown-account"],
)
def test_failures_look_alike_and_give_no_session(client, aliased, alice, account, user_name, password):
    response = sign_in(client, aliased.account_id if account == "self" else account, user_name, password)
    assert response.status_code == 401
    assert "Your authentication information is incorrect." in response.content.decode()
    assert signed_in_principal(client) is None
    alice.refresh_from_db()
    assert alice.password_last_used is None


def test_a_user_without_login_profile_cannot_sign_in(client, aliased, alice):
    operations.run(aliased.root, "DeleteLoginProfile", {"user_name": "alice"})
    assert sign_in(client, aliased.account_id, "alice", PASSWORD).status_code == 401


def test_repeated_failures_are_throttled(client, aliased, alice):
    for _ in range(authentication.SIGNIN_FAILURES_ALLOWED):
        assert sign_in(client, aliased.account_id, "alice", "wrong").status_code == 401
    response = sign_in(client, aliased.account_id, "alice", PASSWORD)
    assert response.status_code == 429
    assert signed_in_principal(client) is None


def test_reset_required_leads_to_change_password_before_any_session(client, aliased, alice):
    operations.run(aliased.root, "UpdateAccountPasswordPolicy", {"allow_users_to_change_password": True})
    operations.run(aliased.root, "UpdateLoginProfile", {"user_name": "alice", "password_reset_required": True})
    response = sign_in(client, aliased.account_id, "alice", PASSWORD)
    assert response["Location"] == "/signin/change-password"
    assert signed_in_principal(client) is None
    assert client.get("/").status_code == 302

    page = client.get("/signin/change-password")
    assert page.status_code == 200
    assert "alice" in page.content.decode()
    mismatch = client.post(
        "/signin/change-password",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "other"},
    )
    assert mismatch.status_code == 400
    weak = client.post(
        "/signin/change-password", {"old_password": PASSWORD, "new_password": "weak", "confirm_password": "weak"}
    )
    assert weak.status_code == 400
    assert "Password should have a minimum length of 6" in weak.content.decode()

    done = client.post(
        "/signin/change-password",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert signed_in_principal(client) is not None
    profile = LoginProfile.objects.get(user=alice)
    assert not profile.password_reset_required
    assert check_password(NEW_PASSWORD, profile.password)


def test_change_password_is_refused_without_permission(client, aliased, alice):
    # No password policy allowing it and no iam:ChangePassword permission: ChangePassword is denied.
    operations.run(aliased.root, "UpdateLoginProfile", {"user_name": "alice", "password_reset_required": True})
    sign_in(client, aliased.account_id, "alice", PASSWORD)
    response = client.post(
        "/signin/change-password",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 403
    assert "iam:ChangePassword" in response.content.decode()
    assert signed_in_principal(client) is None


def test_an_expired_password_must_be_changed(client, aliased, alice):
    operations.run(
        aliased.root,
        "UpdateAccountPasswordPolicy",
        {"allow_users_to_change_password": True, "max_password_age": 90},
    )
    LoginProfile.objects.filter(user=alice).update(password_changed_at=timezone.now() - timedelta(days=91))
    assert sign_in(client, aliased.account_id, "alice", PASSWORD)["Location"] == "/signin/change-password"


def test_a_hard_expired_password_gives_no_way_in(client, aliased, alice):
    operations.run(
        aliased.root,
        "UpdateAccountPasswordPolicy",
        {"allow_users_to_change_password": True, "max_password_age": 90, "hard_expiry": True},
    )
    LoginProfile.objects.filter(user=alice).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = sign_in(client, aliased.account_id, "alice", PASSWORD)
    assert response.status_code == 403
    assert "Ask your administrator to reset it" in response.content.decode()
    assert client.get("/signin/change-password")["Location"] == "/signin"


def test_change_password_page_needs_a_pending_sign_in(client, db):
    response = client.get("/signin/change-password")
    assert response.status_code == 302
    assert response["Location"] == "/signin"
