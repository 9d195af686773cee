"""Reads on login profiles: GetLoginProfile, and the password check behind an IAM user's console sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import Account, PasswordPolicy
from iamconsole.errors import InvalidUserType, NoSuchEntity
from identities.models import LoginProfile, User


def root_has_no_login_profile() -> InvalidUserType:
    return InvalidUserType("The root user does not have a login profile.", field="user_name")


def get_login_profile(*, account: Account, user_name: str | None) -> LoginProfile:
    """The user's login profile; ``NoSuchEntity`` for an unknown user or a user without a console password, and
    ``InvalidUserType`` for the root user (None), whose password is not a login profile."""
    if user_name is None:
        raise root_has_no_login_profile()
    user = User.objects.filter(account=account, name__iexact=user_name).first()
    if user is None:
        raise NoSuchEntity(f"The user with name {user_name} cannot be found.", field="user_name")
    profile = LoginProfile.objects.select_related("user").filter(user=user).first()
    if profile is None:
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.", field="user_name")
    return profile


def password_expires_at(profile: LoginProfile, policy: PasswordPolicy | None) -> datetime | None:
    """When the password expires under the policy's ``MaxPasswordAge``, or None when passwords do not expire."""
    if policy is None or policy.max_password_age is None:
        return None
    return profile.password_changed_at + timedelta(days=policy.max_password_age)


@dataclass(frozen=True, slots=True)
class ConsolePasswordCheck:
    """A correct console password, and what the user must do before using the console.

    ``must_change_password``: ``PasswordResetRequired`` is set or the password expired (the user picks a new one).
    ``hard_expired``: the password expired under ``HardExpiry``; only an administrator can reset it.
    """

    user: User
    must_change_password: bool
    hard_expired: bool


def check_console_password(*, account: Account, user_name: str, password: str) -> ConsolePasswordCheck | None:
    """The user and the state of its password when ``password`` is right, else None (unknown user, no profile).

    Runs the hasher even when there is nothing to check, so the time taken does not reveal which users exist.
    """
    profile = (
        LoginProfile.objects.select_related("user", "user__account")
        .filter(user__account=account, user__name__iexact=user_name)
        .first()
    )
    if profile is None:
        check_password(password, "")  # an unusable hash: Django still runs the hasher once
        return None
    if not check_password(password, profile.password):
        return None
    policy = account_selectors.find_password_policy(account=account)
    expires = password_expires_at(profile, policy)
    expired = expires is not None and expires <= timezone.now()
    return ConsolePasswordCheck(
        user=profile.user,
        must_change_password=profile.password_reset_required or expired,
        hard_expired=expired and policy is not None and policy.hard_expiry,
    )


__all__ = ["ConsolePasswordCheck", "check_console_password", "get_login_profile", "password_expires_at"]
