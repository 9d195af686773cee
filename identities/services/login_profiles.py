"""IAM users' console passwords: CreateLoginProfile, UpdateLoginProfile, DeleteLoginProfile and ChangePassword.

Every new password is checked against the account password policy (length, character classes, reuse prevention) or,
when the account has none, against AWS's default policy (at least 8 characters, three of the four character classes,
not the account's alias or root email). Passwords are stored as Django password hashes only; previous hashes are kept
in ``PasswordHistory`` for reuse prevention (at most 24, the policy's maximum).
"""

from __future__ import annotations

import re
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import Account, PasswordPolicy
from iamconsole.errors import (
    AccessDenied,
    EntityAlreadyExists,
    NoSuchEntity,
    PasswordPolicyViolation,
    ValidationError,
    constraint_error,
)
from identities.models import LoginProfile, PasswordHistory, User
from identities.selectors.login_profiles import password_expires_at, root_has_no_login_profile
from identities.services.inserts import insert_unique
from identities.services.users import lock_user

#: The symbols AWS counts for ``RequireSymbols``.
SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
PASSWORD_MAX = 128
PASSWORD_PATTERN = "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
_PASSWORD_RE = re.compile(r"[\t\n\r\x20-\xFF]+")
#: AWS's default password policy, which applies while the account has none.
DEFAULT_MINIMUM_LENGTH = 8
DEFAULT_CLASSES_REQUIRED = 3
#: The most previous passwords a policy can protect (PasswordReusePrevention is 1–24).
HISTORY_KEPT = 24


def _check_shape(password: object, *, member: str, field: str) -> str:
    """The API model's constraints on a password: 1–128 characters of tab, newline, return and U+0020–U+00FF."""
    if not isinstance(password, str) or not password:
        raise constraint_error(member, None, "Member must have length greater than or equal to 1", field=field)
    if len(password) > PASSWORD_MAX:
        raise constraint_error(
            member, "***", f"Member must have length less than or equal to {PASSWORD_MAX}", field=field
        )
    if not _PASSWORD_RE.fullmatch(password):
        # AWS masks sensitive values in validation messages.
        raise constraint_error(
            member, "***", f"Member must satisfy regular expression pattern: {PASSWORD_PATTERN}", field=field
        )
    return password


def _classes(password: str) -> dict[str, bool]:
    return {
        "uppercase": any("A" <= c <= "Z" for c in password),
        "lowercase": any("a" <= c <= "z" for c in password),
        "number": any(c.isdigit() for c in password),
        "symbol": any(c in SYMBOLS for c in password),
    }


def password_policy_violation(*, account: Account, policy: PasswordPolicy | None, password: str) -> str | None:
    """The first rule of the password policy (or of AWS's default policy) that ``password`` breaks, or None."""
    classes = _classes(password)
    if policy is None:
        if len(password) < DEFAULT_MINIMUM_LENGTH:
            return f"Password should have a minimum length of {DEFAULT_MINIMUM_LENGTH}"
        if sum(classes.values()) < DEFAULT_CLASSES_REQUIRED:
            return (
                "Password should have at least three of the following: uppercase letters, lowercase letters, "
                "numbers, and symbols"
            )
        if password.lower() in {account.account_id, (account.alias or "").lower(), account.root_email.lower()}:
            return "Password should not be the account name or email address"
        return None
    if len(password) < policy.minimum_password_length:
        return f"Password should have a minimum length of {policy.minimum_password_length}"
    required = (
        (policy.require_uppercase_characters, "uppercase", "Password should have at least one uppercase letter"),
        (policy.require_lowercase_characters, "lowercase", "Password should have at least one lowercase letter"),
        (policy.require_numbers, "number", "Password should have at least one number"),
        (policy.require_symbols, "symbol", "Password should have at least one symbol"),
    )
    for needed, kind, message in required:
        if needed and not classes[kind]:
            return message
    return None


def _check_new_password(account: Account, user: User, password: str, *, field: str) -> None:
    policy = account_selectors.find_password_policy(account=account)
    violation = password_policy_violation(account=account, policy=policy, password=password)
    if violation is None and policy is not None and policy.password_reuse_prevention:
        recent = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")
        if any(
            check_password(password, old)
            for old in recent[: policy.password_reuse_prevention].values_list("password", flat=True)
        ):
            violation = f"Password should not be one of your last {policy.password_reuse_prevention} passwords"
    if violation is not None:
        raise PasswordPolicyViolation(violation, field=field)


def _remember(user: User, hashed: str, now: datetime) -> None:
    PasswordHistory.objects.create(user=user, password=hashed, created_at=now)
    stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
    PasswordHistory.objects.filter(pk__in=list(stale[HISTORY_KEPT:])).delete()


def _profile_not_found(user_name: str) -> NoSuchEntity:
    return NoSuchEntity(f"Login Profile for User {user_name} cannot be found.", field="user_name")


def _locked_profile(user: User) -> LoginProfile:
    profile = LoginProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise _profile_not_found(user.name)
    return profile


@transaction.atomic
def create_login_profile(
    *, account: Account, user_name: str | None, password: str | None = None, password_reset_required: bool = False
) -> LoginProfile:
    """Give the user a console password, as CreateLoginProfile does.

    ``NoSuchEntity`` for an unknown user, ``EntityAlreadyExists`` when it already has one, ``PasswordPolicyViolation``
    when the password breaks the account password policy.
    """
    if not user_name:
        raise ValidationError("Must specify userName when calling with non-User credentials", field="user_name")
    password = _check_shape(password, member="Password", field="password")
    user = lock_user(account, user_name)
    if LoginProfile.objects.filter(user=user).exists():
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.", field="user_name")
    _check_new_password(account, user, password, field="password")
    now = timezone.now()
    hashed = make_password(password)
    # A duplicate is unreachable under the user lock; the constraint stays the database's last word.
    profile = insert_unique(
        LoginProfile,
        duplicate=EntityAlreadyExists(f"Login Profile for user {user.name} already exists.", field="user_name"),
        user=user,
        password=hashed,
        password_reset_required=password_reset_required,
        created_at=now,
        password_changed_at=now,
    )
    _remember(user, hashed, now)
    return profile


@transaction.atomic
def update_login_profile(
    *,
    account: Account,
    user_name: str,
    password: str | None = None,
    password_reset_required: bool | None = None,
) -> LoginProfile:
    """Set a new password and/or the reset flag, as UpdateLoginProfile does (an administrator's reset).

    The new password must satisfy the password policy; a new password restarts the password's age.
    """
    user = lock_user(account, user_name)
    profile = _locked_profile(user)
    if password is not None:
        password = _check_shape(password, member="Password", field="password")
        _check_new_password(account, user, password, field="password")
        now = timezone.now()
        profile.password = make_password(password)
        profile.password_changed_at = now
        _remember(user, profile.password, now)
    if password_reset_required is not None:
        profile.password_reset_required = password_reset_required
    profile.save(update_fields=["password", "password_changed_at", "password_reset_required"])
    return profile


@transaction.atomic
def delete_login_profile(*, account: Account, user_name: str | None) -> None:
    """Remove the user's console password; its access keys and other credentials stay. The root user's password (user
    None) is not a login profile: ``InvalidUserType``."""
    if user_name is None:
        raise root_has_no_login_profile()
    user = lock_user(account, user_name)
    _locked_profile(user).delete()


@transaction.atomic
def change_password(*, account: Account, user_name: str, old_password: str, new_password: str) -> LoginProfile:
    """Change the calling IAM user's own password, as ChangePassword does.

    The old password must be right (``AccessDenied``); the new one must satisfy the policy. Clears
    ``PasswordResetRequired``. With ``HardExpiry``, an expired password can only be reset by an administrator.
    """
    old_password = _check_shape(old_password, member="OldPassword", field="old_password")
    new_password = _check_shape(new_password, member="NewPassword", field="new_password")
    user = lock_user(account, user_name)
    profile = _locked_profile(user)
    if not check_password(old_password, profile.password):
        raise AccessDenied("The old password is incorrect.", field="old_password")
    policy = account_selectors.find_password_policy(account=account)
    expires = password_expires_at(profile, policy)
    if policy is not None and policy.hard_expiry and expires is not None and expires <= timezone.now():
        raise AccessDenied(
            "Your password has expired and can only be reset by an administrator (HardExpiry).", field="old_password"
        )
    _check_new_password(account, user, new_password, field="new_password")
    now = timezone.now()
    profile.password = make_password(new_password)
    profile.password_changed_at = now
    profile.password_reset_required = False
    profile.save(update_fields=["password", "password_changed_at", "password_reset_required"])
    _remember(user, profile.password, now)
    return profile


def record_password_use(*, user_pk: int) -> None:
    """Note a successful console sign-in (``PasswordLastUsed`` in GetUser and the credential report)."""
    User.objects.filter(pk=user_pk).update(password_last_used=timezone.now())


__all__ = [
    "change_password",
    "create_login_profile",
    "delete_login_profile",
    "password_policy_violation",
    "record_password_use",
    "update_login_profile",
]
