"""MFA device results shaped as botocore's IAM output shapes.

``Base32StringSeed`` and ``QRCodePNG`` are blobs: the bytes of the base32 seed text and of the PNG, which the Query
face base64-encodes as AWS does. They appear in CreateVirtualMFADevice's answer only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import root_arn
from iamconsole.pagination import page_shape
from identities.awsapi.users import tags_shape, user_shape
from identities.models import MFADevice
from identities.services.mfa import NewVirtualMFADevice


def _owner_user_shape(device: MFADevice) -> dict[str, Any] | None:
    """The ``User`` a device is assigned to: the IAM user, or the root user (its account id as name and id)."""
    account_id = device.account.account_id
    if device.user is not None:
        return user_shape(device.user)
    if device.assigned_to_root:
        return {
            "Path": "/",
            "UserName": account_id,
            "UserId": account_id,
            "Arn": root_arn(account_id),
            "CreateDate": device.account.created_at,
        }
    return None


def virtual_mfa_device_shape(device: MFADevice) -> dict[str, Any]:
    """``VirtualMFADevice`` as ListVirtualMFADevices lists it: no seed, no QR code, no tags (AWS leaves them out)."""
    shape: dict[str, Any] = {"SerialNumber": device.serial_number}
    user = _owner_user_shape(device)
    if user is not None:
        shape["User"] = user
    if device.enabled_at is not None:
        shape["EnableDate"] = device.enabled_at
    return shape


def new_virtual_mfa_device_shape(new: NewVirtualMFADevice) -> dict[str, Any]:
    """CreateVirtualMFADevice's answer: the serial number with the seed and QR code, shown this once."""
    return {
        "VirtualMFADevice": {
            "SerialNumber": new.device.serial_number,
            "Base32StringSeed": new.base32_string_seed.encode("ascii"),
            "QRCodePNG": new.qr_code_png,
        }
    }


def mfa_device_shape(device: MFADevice) -> dict[str, Any]:
    """``MFADevice`` as ListMFADevices lists it (the root user's devices carry the account id as user name)."""
    return {
        "UserName": device.user.name if device.user is not None else device.account.account_id,
        "SerialNumber": device.serial_number,
        "EnableDate": device.enabled_at,
    }


def get_mfa_device_shape(device: MFADevice) -> dict[str, Any]:
    """GetMFADevice's answer: the owner's name (an IAM user's), the serial number and when it was enabled."""
    shape: dict[str, Any] = {"SerialNumber": device.serial_number, "EnableDate": device.enabled_at}
    if device.user is not None:
        shape["UserName"] = device.user.name
    return shape


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateVirtualMFADevice": new_virtual_mfa_device_shape,
    "ListMFADevices": lambda page: page_shape("MFADevices", page, mfa_device_shape),
    "ListVirtualMFADevices": lambda page: page_shape("VirtualMFADevices", page, virtual_mfa_device_shape),
    "GetMFADevice": get_mfa_device_shape,
    "ListMFADeviceTags": tags_shape,
}
