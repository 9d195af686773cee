"""Attempt limits per MFA device: five wrong codes in fifteen minutes lock the device, even against the right code,
until the window has passed; failures and used codes are recorded outside the request's transaction.

Codes are checked through the operations that take them (GetSessionToken, AssumeRole, ResyncMFADevice) and through
``verify_mfa_code``, the entry point the console sign-in calls.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.db import connections, transaction
from django.utils import timezone

from accounts.models import FailedAttempt, UsedCode
from iamconsole import operations
from iamconsole.errors import AccessDenied, InvalidAuthenticationCode
from identities import services
from identities.models import MFADevice, User
from identities.services.mfa import MFA_ATTEMPT_WINDOW, MFA_FAILURES_ALLOWED
from tests.sts.conftest import Env, assume, session_of, trust

INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."


def wrong_code(totp: pyotp.TOTP) -> str:
    """A six-digit code that is none of the codes accepted around now."""
    now = time.time()
    valid = {totp.at(now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def session_token(env: Env, serial: str, code: str) -> Any:
    return operations.run(env.root, "GetSessionToken", {"serial_number": serial, "token_code": code})


def fail(env: Env, serial: str, totp: pyotp.TOTP, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AccessDenied, match=INVALID_CODE):
            session_token(env, serial, wrong_code(totp))


def age_failures(serial: str, by: timedelta) -> None:
    """Move the device's recorded failures back in time, as if ``by`` had passed."""
    device = MFADevice.objects.get(serial_number=serial)
    for attempt in FailedAttempt.objects.filter(subject=f"mfa-device:{device.pk}"):
        FailedAttempt.objects.filter(pk=attempt.pk).update(time=attempt.time - by)


def test_five_wrong_codes_lock_the_device_even_against_the_right_code_until_the_window_passes(env):
    serial, totp = env.mfa_device(None)
    fail(env, serial, totp, MFA_FAILURES_ALLOWED - 1)
    assert session_of(session_token(env, serial, totp.now())).mfa_authenticated  # four wrong codes: not yet
    fail(env, serial, totp, 1)  # five failures within the window, a success between them changes nothing
    with pytest.raises(AccessDenied, match=INVALID_CODE):
        session_token(env, serial, totp.at(time.time() + 30))
    age_failures(serial, MFA_ATTEMPT_WINDOW - timedelta(minutes=1))
    with pytest.raises(AccessDenied, match=INVALID_CODE):
        session_token(env, serial, totp.at(time.time() + 30))
    age_failures(serial, timedelta(minutes=2))
    assert session_of(session_token(env, serial, totp.at(time.time() + 30))).mfa_authenticated


def test_the_limit_is_per_device(env):
    serial, totp = env.mfa_device(None)
    alice = env.user("alice")
    alice_serial, alice_totp = env.mfa_device("alice")
    fail(env, serial, totp, MFA_FAILURES_ALLOWED)
    with pytest.raises(AccessDenied):
        session_token(env, serial, totp.now())
    result = operations.run(alice, "GetSessionToken", {"serial_number": alice_serial, "token_code": alice_totp.now()})
    assert session_of(result).mfa_authenticated


def test_a_locked_device_refuses_resync_and_the_console_check_too(env):
    alice = env.user("alice")
    serial, totp = env.mfa_device("alice")
    user = User.objects.get(account=env.account, name="alice")
    for _ in range(MFA_FAILURES_ALLOWED):
        with pytest.raises(AccessDenied):
            operations.run(alice, "GetSessionToken", {"serial_number": serial, "token_code": wrong_code(totp)})
    with pytest.raises(AccessDenied, match=INVALID_CODE):
        services.verify_mfa_code(account=env.account, serial_number=serial, token_code=totp.now(), user=user)
    now = time.time()
    with pytest.raises(InvalidAuthenticationCode):
        _resync_alice(env, serial, totp.at(now), totp.at(now + 30))


def _resync_alice(env, serial: str, code1: str, code2: str) -> None:
    params = {
        "user_name": "alice",
        "serial_number": serial,
        "authentication_code1": code1,
        "authentication_code2": code2,
    }
    operations.run(env.root, "ResyncMFADevice", params)


def test_wrong_resync_codes_count_against_the_device(env):
    env.user("alice")
    serial, totp = env.mfa_device("alice")
    user = User.objects.get(account=env.account, name="alice")
    now = time.time()
    for _ in range(MFA_FAILURES_ALLOWED):
        with pytest.raises(InvalidAuthenticationCode):
            _resync_alice(env, serial, totp.at(now), totp.at(now + 90))
    with pytest.raises(AccessDenied):
        services.verify_mfa_code(account=env.account, serial_number=serial, token_code=totp.now(), user=user)


@pytest.mark.django_db(transaction=True)
def test_failures_and_used_codes_survive_the_rollback_of_the_request(env):
    serial, totp = env.mfa_device(None)
    device = MFADevice.objects.get(serial_number=serial)

    class RolledBack(Exception):
        pass

    def request_that_rolls_back() -> None:
        with transaction.atomic():
            with pytest.raises(AccessDenied):
                services.verify_mfa_code(account=env.account, serial_number=serial, token_code=wrong_code(totp))
            services.verify_mfa_code(account=env.account, serial_number=serial, token_code=totp.now())
            raise RolledBack

    with pytest.raises(RolledBack):
        request_that_rolls_back()
    assert MFADevice.objects.get(pk=device.pk).last_used_step == device.last_used_step  # the request's own write
    # Read back through a fresh connection: committed, not merely visible inside this process's connection.
    connections["attempts"].close()
    assert FailedAttempt.objects.filter(subject=f"mfa-device:{device.pk}").count() == 1
    assert UsedCode.objects.filter(subject=f"mfa-device:{device.pk}").count() == 1
    with pytest.raises(AccessDenied, match=INVALID_CODE):
        session_token(env, serial, totp.now())


def test_a_code_used_by_a_request_that_was_then_denied_cannot_be_used_again(env):
    alice = env.user("alice")
    serial, totp = env.mfa_device("alice")
    # The trust policy names someone else: the code is checked, then AssumeRole is denied and rolled back.
    env.user("bob")
    role_arn = env.role("R", trust(f"arn:aws:iam::{env.account_id}:user/bob"))
    code = totp.now()
    with pytest.raises(AccessDenied, match="is not authorized to perform: sts:AssumeRole"):
        assume(alice, role_arn, serial_number=serial, token_code=code)
    with pytest.raises(AccessDenied, match=INVALID_CODE):
        operations.run(alice, "GetSessionToken", {"serial_number": serial, "token_code": code})


def test_failed_attempts_are_forgotten_after_the_window(env):
    serial, totp = env.mfa_device(None)
    fail(env, serial, totp, 2)
    age_failures(serial, MFA_ATTEMPT_WINDOW + timedelta(seconds=1))
    fail(env, serial, totp, 1)  # recording a failure drops the ones older than the window
    device = MFADevice.objects.get(serial_number=serial)
    assert FailedAttempt.objects.filter(subject=f"mfa-device:{device.pk}").count() == 1
    assert FailedAttempt.objects.filter(time__lt=timezone.now() - MFA_ATTEMPT_WINDOW).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweep_forgets_spent_codes_only_once_they_could_no_longer_be_accepted():
    # A SAML assertion's id is never seen again after it expires, so only the sweep can remove its record.
    from accounts import services as account_services
    from sts import services as sts_services

    assert account_services.use_code(subject="saml-assertion:old", step=0, keep=timedelta(minutes=5))
    assert account_services.use_code(subject="saml-assertion:live", step=0, keep=timedelta(hours=1))
    sts_services.purge_expired_sessions(now=timezone.now() + timedelta(minutes=10))
    assert set(UsedCode.objects.values_list("subject", flat=True)) == {"saml-assertion:live"}
    # Until then a replay is still refused.
    assert not account_services.use_code(subject="saml-assertion:live", step=0, keep=timedelta(hours=1))
