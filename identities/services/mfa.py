"""Virtual MFA devices (TOTP, RFC 6238): create, enable, resync, deactivate, delete, and code verification.

Mirrors IAM's CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice, DeactivateMFADevice and
DeleteVirtualMFADevice. A device belongs to the account until it is enabled for an IAM user or the root user; at most
8 devices may be in use per principal ("IAM and AWS STS quotas"). Seeds are stored Fernet-encrypted. Every accepted
code moves ``MFADevice.last_used_step`` forward under a row lock, so a code is never accepted twice, even by two
concurrent requests.
"""

from __future__ import annotations

import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pyotp
import qrcode
import qrcode.image.pure
from django.db import transaction
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Account
from iamconsole import crypto, domain
from iamconsole.arn import iam_arn
from iamconsole.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    NoSuchEntity,
    constraint_error,
)
from identities.models import MFADevice, User
from identities.services import tagging
from identities.services.inserts import insert_unique
from identities.services.users import lock_user_or_root

#: "MFA devices in use per user" and "per AWS account root user" (IAM and AWS STS quotas).
MAX_MFA_DEVICES_PER_PRINCIPAL = 8
#: AWS's seeds are 64 base32 characters (40 random bytes).
SEED_LENGTH = 64
VIRTUAL_MFA_DEVICE_NAME_MAX = 226
#: The issuer authenticator apps show next to the code.
OTP_ISSUER = "iamconsole"
#: Steps either side of now in which a single code is accepted (clock drift of up to 30 seconds).
SIGN_IN_WINDOW = 1
#: Steps either side of now searched by ResyncMFADevice, which exists to recover devices whose clocks drifted.
RESYNC_WINDOW = 10
#: Wrong codes a device takes within ``MFA_ATTEMPT_WINDOW`` before it refuses every code, even the right one, until
#: the window has passed. Counted per device in the database, outside the request's transaction (``accounts.routers``).
MFA_FAILURES_ALLOWED = 5
MFA_ATTEMPT_WINDOW = timedelta(minutes=15)
#: How long an accepted step is remembered: longer than any window in which its code could be accepted again.
USED_CODE_MEMORY = timedelta(minutes=15)
INVALID_CODE_MESSAGE = "Authentication code for device is not valid."
#: STS's wording when a session request carries a wrong or replayed code (AssumeRole, GetSessionToken).
STS_INVALID_CODE_MESSAGE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
STS_UNKNOWN_DEVICE_MESSAGE = "MultiFactorAuthentication failed, unable to validate MFA code."


@dataclass(frozen=True, slots=True)
class NewVirtualMFADevice:
    """A created device with its seed and QR code, which CreateVirtualMFADevice returns this once and never again."""

    device: MFADevice
    base32_string_seed: str
    qr_code_png: bytes


def mfa_serial_number(account_id: str, name: str, path: str = "/") -> str:
    """A virtual device's serial number, which is its ARN: ``arn:aws:iam::ACCOUNT:mfa/PATH/NAME``."""
    return iam_arn(account_id, "mfa", name, path)


def otpauth_uri(*, device_name: str, account_name: str, seed: str) -> str:
    """The URI the QR code holds: ``otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String``."""
    label = quote(f"{device_name}@{account_name}", safe="@")
    return f"otpauth://totp/{label}?secret={seed}&issuer={OTP_ISSUER}"


def _qr_png(text: str) -> bytes:
    # The pure-Python PNG writer (pypng): no Pillow needed.
    image = qrcode.make(text, image_factory=qrcode.image.pure.PyPNGImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def _current_step(now: datetime) -> int:
    return int(now.timestamp()) // 30


def _code_at(seed: str, step: int) -> str:
    return pyotp.TOTP(seed).at(step * 30)


def _check_code_shape(member: str, field: str, code: Any) -> str:
    if not isinstance(code, str) or len(code) != 6:
        raise constraint_error(member, code, "Member must have length 6", field=field)
    if not domain.ascii_digits(code):
        raise constraint_error(member, code, "Member must satisfy regular expression pattern: [\\d]+", field=field)
    return code


def _device_subject(device: MFADevice) -> str:
    """What a device's failed codes and used steps are recorded against (its row id: a device created again under
    the same serial number starts afresh)."""
    return f"mfa-device:{device.pk}"


def _device_locked_out(device: MFADevice) -> bool:
    subject = _device_subject(device)
    failures = account_selectors.count_failed_attempts(subject=subject, window=MFA_ATTEMPT_WINDOW)
    return failures >= MFA_FAILURES_ALLOWED


def _last_step(device: MFADevice) -> int:
    """The latest step accepted for the device, whether or not the request that used it committed."""
    used = account_selectors.last_used_step(subject=_device_subject(device))
    return max(device.last_used_step, used if used is not None else -1)


def _same_code(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def _spend(device: MFADevice, step: int) -> None:
    """Remember the last accepted step: its code and every earlier one are refused from now on."""
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])


def _accept(device: MFADevice, step: int | None) -> int | None:
    """Use ``step`` once for the device and return it, or count a failure against the device and return None when
    there is no step or another request used it first."""
    subject = _device_subject(device)
    if step is not None and account_services.use_code(subject=subject, step=step, keep=USED_CODE_MEMORY):
        return step
    account_services.record_failed_attempt(subject=subject, window=MFA_ATTEMPT_WINDOW)
    return None


def _consecutive_step(device: MFADevice, code1: str, code2: str, *, window: int, now: datetime) -> int | None:
    """The step of ``code2`` when ``code1`` and ``code2`` are the codes of two consecutive steps near now, both
    later than the last accepted one; None otherwise, or when the device is locked out after too many wrong codes.
    Every step of the window is compared, in constant time, so timing does not tell which one was close."""
    if _device_locked_out(device):
        return None
    seed = crypto.decrypt(device.seed_encrypted)
    current = _current_step(now)
    last = _last_step(device)
    found = None
    for step in range(current - window, current + window + 1):
        matches = _same_code(_code_at(seed, step), code1) & _same_code(_code_at(seed, step + 1), code2)
        if matches and step > last and found is None:
            found = step + 1
    return _accept(device, found)


@transaction.atomic
def create_virtual_mfa_device(
    *, account: Account, virtual_mfa_device_name: str, path: str = "/", tags: Sequence[Any] | None = None
) -> NewVirtualMFADevice:
    """Create an unassigned virtual MFA device with a fresh seed, as CreateVirtualMFADevice does.

    Names are unique in the account ignoring case (``EntityAlreadyExists``). The QR code encodes the documented
    ``otpauth://totp/NAME@ACCOUNT?secret=SEED`` with the account id as account name, since the device has no user yet.
    """
    domain.validate_name(
        virtual_mfa_device_name,
        member="VirtualMFADeviceName",
        field="virtual_mfa_device_name",
        max_length=VIRTUAL_MFA_DEVICE_NAME_MAX,
    )
    domain.validate_path(path)
    tag_map = domain.validate_tags(tags)
    seed = pyotp.random_base32(SEED_LENGTH)
    device = insert_unique(
        MFADevice,
        duplicate=EntityAlreadyExists(
            "MFADevice entity at the same path and name already exists.", field="virtual_mfa_device_name"
        ),
        account=account,
        serial_number=mfa_serial_number(account.account_id, virtual_mfa_device_name, path),
        name=virtual_mfa_device_name,
        path=path,
        seed_encrypted=crypto.encrypt(seed),
        tags=tag_map,
        created_at=timezone.now(),
    )
    uri = otpauth_uri(device_name=virtual_mfa_device_name, account_name=account.account_id, seed=seed)
    return NewVirtualMFADevice(device=device, base32_string_seed=seed, qr_code_png=_qr_png(uri))


def _device_not_found(serial_number: str) -> NoSuchEntity:
    return NoSuchEntity(f"VirtualMFADevice with serial number {serial_number} doesn't exist.", field="serial_number")


def _locked_device(account: Account, serial_number: str) -> MFADevice:
    device = MFADevice.objects.select_for_update().filter(account=account, serial_number=serial_number).first()
    if device is None:
        raise _device_not_found(serial_number)
    return device


def _assigned_device(account: Account, serial_number: str, user: User | None) -> MFADevice:
    """The device, locked, when it is enabled for ``user`` (the root user when None); ``NoSuchEntity`` otherwise."""
    device = _locked_device(account, serial_number)
    owned = device.user_id == user.pk if user is not None else device.assigned_to_root
    if device.enabled_at is None or not owned:
        raise NoSuchEntity(f"MFA Device with serial number {serial_number} does not exist.", field="serial_number")
    return device


@transaction.atomic
def enable_mfa_device(
    *,
    account: Account,
    serial_number: str,
    authentication_code1: str,
    authentication_code2: str,
    user_name: str | None = None,
) -> MFADevice:
    """Assign a virtual device to the user (the root user when None) after checking two consecutive codes.

    ``EntityAlreadyExists`` when the device is already in use, ``LimitExceeded`` past 8 devices for the principal,
    ``InvalidAuthenticationCode`` unless the codes are those of two consecutive 30-second steps around now.
    """
    code1 = _check_code_shape("AuthenticationCode1", "authentication_code1", authentication_code1)
    code2 = _check_code_shape("AuthenticationCode2", "authentication_code2", authentication_code2)
    user = lock_user_or_root(account, user_name)
    device = _locked_device(account, serial_number)
    if device.enabled_at is not None:
        raise EntityAlreadyExists("MFA Device is already in use.", field="serial_number")
    in_use = MFADevice.objects.filter(account=account, enabled_at__isnull=False)
    in_use = in_use.filter(user=user) if user is not None else in_use.filter(assigned_to_root=True)
    if in_use.count() >= MAX_MFA_DEVICES_PER_PRINCIPAL:
        raise LimitExceeded(f"Cannot exceed quota for MFADevicesPerUser: {MAX_MFA_DEVICES_PER_PRINCIPAL}")
    now = timezone.now()
    step = _consecutive_step(device, code1, code2, window=SIGN_IN_WINDOW + 1, now=now)
    if step is None:
        raise InvalidAuthenticationCode(INVALID_CODE_MESSAGE, field="authentication_code1")
    device.user = user
    device.assigned_to_root = user is None
    device.enabled_at = now
    device.last_used_step = step
    device.save(update_fields=["user", "assigned_to_root", "enabled_at", "last_used_step"])
    return device


@transaction.atomic
def resync_mfa_device(
    *,
    account: Account,
    serial_number: str,
    authentication_code1: str,
    authentication_code2: str,
    user_name: str | None = None,
) -> MFADevice:
    """Resynchronize an enabled device whose clock drifted: two consecutive codes searched over ±5 minutes.

    ``NoSuchEntity`` when the device is not enabled for that principal, ``InvalidAuthenticationCode`` otherwise.
    """
    code1 = _check_code_shape("AuthenticationCode1", "authentication_code1", authentication_code1)
    code2 = _check_code_shape("AuthenticationCode2", "authentication_code2", authentication_code2)
    user = lock_user_or_root(account, user_name)
    device = _assigned_device(account, serial_number, user)
    step = _consecutive_step(device, code1, code2, window=RESYNC_WINDOW, now=timezone.now())
    if step is None:
        raise InvalidAuthenticationCode(INVALID_CODE_MESSAGE, field="authentication_code1")
    _spend(device, step)
    return device


@transaction.atomic
def deactivate_mfa_device(*, account: Account, serial_number: str, user_name: str | None = None) -> MFADevice:
    """Unassign a device from the user (the root user when None); the virtual device remains, unassigned.

    ``NoSuchEntity`` when that principal has no such device enabled.
    """
    user = lock_user_or_root(account, user_name)
    device = _assigned_device(account, serial_number, user)
    device.user = None
    device.assigned_to_root = False
    device.enabled_at = None
    device.save(update_fields=["user", "assigned_to_root", "enabled_at"])
    return device


@transaction.atomic
def delete_virtual_mfa_device(*, account: Account, serial_number: str) -> None:
    """Delete an unassigned virtual device; ``DeleteConflict`` while it is still enabled for someone."""
    device = _locked_device(account, serial_number)
    if device.enabled_at is not None:
        raise DeleteConflict("MFA Device is still in use.", field="serial_number")
    device.delete()


@transaction.atomic
def verify_mfa_code(*, account: Account, serial_number: str, token_code: str, user: User | None = None) -> datetime:
    """Check a code of the device enabled for ``user`` (the root user when None) and return the authentication time.

    For STS (AssumeRole, GetSessionToken, GetFederationToken …) and console sign-in. The code must be that of the
    current step or one step either side, and later than any code accepted before: a code is accepted once, even when
    the request that used it is then denied and rolled back. After ``MFA_FAILURES_ALLOWED`` wrong codes within
    ``MFA_ATTEMPT_WINDOW`` the device refuses every code, even the right one, until the window has passed; both are
    recorded outside the caller's transaction. Fails with ``AccessDenied`` in STS's wording, as those actions answer;
    the caller turns it into its own error if needed.
    """
    device = (
        MFADevice.objects.select_for_update()
        .filter(account=account, serial_number=serial_number, enabled_at__isnull=False)
        .first()
    )
    owned = device is not None and (device.user_id == user.pk if user is not None else device.assigned_to_root)
    if device is None or not owned:
        raise AccessDenied(STS_UNKNOWN_DEVICE_MESSAGE, field="serial_number")
    if _device_locked_out(device):
        raise AccessDenied(STS_INVALID_CODE_MESSAGE, field="token_code")
    now = timezone.now()
    found = None
    if len(token_code) == 6 and domain.ascii_digits(token_code):
        seed = crypto.decrypt(device.seed_encrypted)
        current = _current_step(now)
        last = _last_step(device)
        for step in range(current - SIGN_IN_WINDOW, current + SIGN_IN_WINDOW + 1):
            if _same_code(_code_at(seed, step), token_code) and step > last and found is None:
                found = step
    accepted = _accept(device, found)
    if accepted is None:
        raise AccessDenied(STS_INVALID_CODE_MESSAGE, field="token_code")
    _spend(device, accepted)
    return now


@transaction.atomic
def tag_mfa_device(*, account: Account, serial_number: str, tags: Sequence[Any]) -> None:
    """TagMFADevice: add tags or overwrite the values of keys already present (compared ignoring case); at most 50."""
    tagging.tag(lambda: _locked_device(account, serial_number), tags, quota_name="TagsPerMFADevice")


@transaction.atomic
def untag_mfa_device(*, account: Account, serial_number: str, tag_keys: Sequence[str]) -> None:
    """UntagMFADevice: remove the tags with those keys; keys the device does not have are ignored."""
    tagging.untag(lambda: _locked_device(account, serial_number), tag_keys)


__all__ = [
    "MAX_MFA_DEVICES_PER_PRINCIPAL",
    "NewVirtualMFADevice",
    "create_virtual_mfa_device",
    "deactivate_mfa_device",
    "delete_virtual_mfa_device",
    "enable_mfa_device",
    "mfa_serial_number",
    "otpauth_uri",
    "resync_mfa_device",
    "tag_mfa_device",
    "untag_mfa_device",
    "verify_mfa_code",
]
