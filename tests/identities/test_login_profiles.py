"""Login profiles and ChangePassword, with the account password policy (or AWS's default one) enforced."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.authentication import user_actor
from iamconsole.errors import (
    AccessDenied,
    EntityAlreadyExists,
    InvalidUserType,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
)
from identities.awsapi import OUTPUTS
from identities.models import LoginProfile, PasswordHistory
from tests import factories
from tests.identities.concurrency import run_concurrently

GOOD = "Correct-Horse-7"


def set_policy(account: Any, **values: Any) -> None:
    operations.run(account.root, "UpdateAccountPasswordPolicy", values)


def create_profile(account: Any, user_name: str = "alice", password: str = GOOD, **params: Any) -> Any:
    return operations.run(account.root, "CreateLoginProfile", {"user_name": user_name, "password": password, **params})


def test_create_stores_only_a_hash_and_get_shapes_the_profile(account):
    factories.user(account)
    created = create_profile(account, password_reset_required=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM identities_loginprofile WHERE id = %s", [created.pk])
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT password FROM identities_passwordhistory")
        history = [row[0] for row in cursor.fetchall()]
    assert GOOD not in stored
    assert check_password(GOOD, stored)
    assert all(GOOD not in value for value in history)

    got = operations.run(account.root, "GetLoginProfile", {"user_name": "ALICE"})
    assert OUTPUTS["GetLoginProfile"](got) == {
        "LoginProfile": {"UserName": "alice", "CreateDate": created.created_at, "PasswordResetRequired": True}
    }


def test_create_refuses_a_second_profile_and_unknown_users(account):
    factories.user(account)
    create_profile(account)
    with pytest.raises(EntityAlreadyExists, match=re.escape("Login Profile for user alice already exists.")):
        create_profile(account)
    with pytest.raises(NoSuchEntity, match=re.escape("The user with name bob cannot be found.")):
        create_profile(account, "bob")


def test_get_and_delete_without_a_profile(account):
    factories.user(account)
    with pytest.raises(NoSuchEntity, match=re.escape("Login Profile for User alice cannot be found.")):
        operations.run(account.root, "GetLoginProfile", {"user_name": "alice"})
    create_profile(account)
    operations.run(account.root, "DeleteLoginProfile", {"user_name": "alice"})
    assert not LoginProfile.objects.exists()
    with pytest.raises(NoSuchEntity, match="Login Profile for User alice cannot be found"):
        operations.run(account.root, "DeleteLoginProfile", {"user_name": "alice"})


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "Password should have a minimum length of 8"),
        ("alllowercase1", "Password should have at least three of the following"),
        ("ALLUPPER!!!!", "Password should have at least three of the following"),
    ],
)
def test_aws_default_policy_applies_without_an_account_policy(account, password, message):
    factories.user(account)
    with pytest.raises(PasswordPolicyViolation, match=message) as caught:
        create_profile(account, password=password)
    assert caught.value.field == "password"


def test_default_policy_refuses_the_root_email(account):
    factories.user(account)
    with pytest.raises(PasswordPolicyViolation, match="account name or email"):
        create_profile(account, password=account.email.upper())


@pytest.mark.parametrize(
    ("rule", "password", "message"),
    [
        ({"minimum_password_length": 12}, "Short-Pass1", "Password should have a minimum length of 12"),
        ({"require_uppercase_characters": True}, "lowercase-only-1", "at least one uppercase letter"),
        ({"require_lowercase_characters": True}, "UPPERCASE-ONLY-1", "at least one lowercase letter"),
        ({"require_numbers": True}, "No-Numbers-Here", "at least one number"),
        ({"require_symbols": True}, "NoSymbols1234", "at least one symbol"),
    ],
)
def test_account_policy_rules(account, rule, password, message):
    factories.user(account)
    set_policy(account, **rule)
    with pytest.raises(PasswordPolicyViolation, match=message):
        create_profile(account, password=password)
    # The same policy accepts a password that has what it asks for.
    create_profile(account, password="Fully-Loaded-Pass-123")


def test_a_policy_replaces_the_default_one(account):
    factories.user(account)
    set_policy(account, minimum_password_length=6)
    create_profile(account, password="simple")  # one character class, allowed by this policy


def test_password_shape_is_validated(account):
    factories.user(account)
    with pytest.raises(ValidationError, match="Member must have length less than or equal to 128"):
        create_profile(account, password="Aa1!" * 40)
    with pytest.raises(ValidationError, match="regular expression pattern"):
        create_profile(account, password="Snowman-\u2603-1")


def test_reuse_prevention_remembers_the_last_n_passwords(account):
    factories.user(account)
    set_policy(account, password_reuse_prevention=2)
    create_profile(account, password="First-Pass-1")
    operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password": "Second-Pass-2"})
    with pytest.raises(PasswordPolicyViolation, match="last 2 passwords"):
        operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password": "First-Pass-1"})
    operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password": "Third-Pass-3"})
    # Two newer passwords since: the first one may come back.
    operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password": "First-Pass-1"})
    assert PasswordHistory.objects.filter(user__name="alice").count() == 4


def test_update_sets_the_reset_flag_and_restarts_the_password_age(account):
    factories.user(account)
    profile = create_profile(account)
    LoginProfile.objects.filter(pk=profile.pk).update(password_changed_at=timezone.now() - timedelta(days=30))
    operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password_reset_required": True})
    profile.refresh_from_db()
    assert profile.password_reset_required
    assert profile.password_changed_at < timezone.now() - timedelta(days=29)  # no new password: age kept

    operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password": "Brand-New-Pass-9"})
    profile.refresh_from_db()
    assert check_password("Brand-New-Pass-9", profile.password)
    assert profile.password_changed_at > timezone.now() - timedelta(minutes=1)
    assert profile.password_reset_required  # UpdateLoginProfile leaves the flag alone unless told


def test_change_password_by_the_user_when_the_policy_allows_it(account):
    user = factories.user(account)
    set_policy(account, allow_users_to_change_password=True)
    create_profile(account, password_reset_required=True)
    operations.run(user_actor(user), "ChangePassword", {"old_password": GOOD, "new_password": "Another-Pass-8"})

    profile = LoginProfile.objects.get(user=user)
    assert check_password("Another-Pass-8", profile.password)
    assert not profile.password_reset_required
    event = AuditEvent.objects.get(event_name="ChangePassword")
    assert (event.outcome, event.actor_arn) == ("success", user_actor(user).arn)


def test_change_password_refuses_a_wrong_old_password_and_policy_violations(account):
    user = factories.user(account)
    set_policy(account, allow_users_to_change_password=True, require_symbols=True)
    create_profile(account)
    with pytest.raises(AccessDenied, match="old password is incorrect"):
        operations.run(user_actor(user), "ChangePassword", {"old_password": "wrong", "new_password": "Another-Pass-8"})
    with pytest.raises(PasswordPolicyViolation, match="at least one symbol") as caught:
        operations.run(user_actor(user), "ChangePassword", {"old_password": GOOD, "new_password": "NoSymbols123"})
    assert caught.value.field == "new_password"
    assert check_password(GOOD, LoginProfile.objects.get(user=user).password)


def test_change_password_needs_permission_when_the_policy_does_not_allow_it(account):
    user = factories.user(account)
    create_profile(account)
    with pytest.raises(AccessDenied, match="iam:ChangePassword"):
        operations.run(user_actor(user), "ChangePassword", {"old_password": GOOD, "new_password": "Another-Pass-8"})
    assert AuditEvent.objects.get(event_name="ChangePassword").outcome == "denied"


def test_change_password_is_for_iam_users_only(account):
    with pytest.raises(InvalidUserType):
        operations.run(account.root, "ChangePassword", {"old_password": "a", "new_password": "b"})


def test_change_password_without_a_profile(account):
    user = factories.user(account)
    set_policy(account, allow_users_to_change_password=True)
    with pytest.raises(NoSuchEntity, match=re.escape("Login Profile for User alice cannot be found.")):
        operations.run(user_actor(user), "ChangePassword", {"old_password": GOOD, "new_password": "Another-Pass-8"})


def test_hard_expiry_leaves_the_reset_to_an_administrator(account):
    user = factories.user(account)
    set_policy(account, allow_users_to_change_password=True, max_password_age=30, hard_expiry=True)
    profile = create_profile(account)
    LoginProfile.objects.filter(pk=profile.pk).update(password_changed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(AccessDenied, match="HardExpiry"):
        operations.run(user_actor(user), "ChangePassword", {"old_password": GOOD, "new_password": "Another-Pass-8"})
    operations.run(account.root, "UpdateLoginProfile", {"user_name": "alice", "password": "Admin-Reset-Pass-1"})
    operations.run(
        user_actor(user), "ChangePassword", {"old_password": "Admin-Reset-Pass-1", "new_password": "Another-Pass-8"}
    )


def test_profiles_never_cross_accounts(account, other_account):
    factories.user(account)
    create_profile(account)
    with pytest.raises(NoSuchEntity):
        operations.run(other_account.root, "GetLoginProfile", {"user_name": "alice"})


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_give_one_profile(account):
    factories.user(account)
    results = run_concurrently(4, lambda: create_profile(account))
    assert sum(isinstance(result, LoginProfile) for result in results) == 1
    assert all(isinstance(result, EntityAlreadyExists) for result in results if not isinstance(result, LoginProfile))
    assert LoginProfile.objects.count() == 1
