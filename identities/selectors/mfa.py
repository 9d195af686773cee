"""Reads on MFA devices: ListMFADevices (one principal's devices in use) and ListVirtualMFADevices (the account's)."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import NoSuchEntity, constraint_error
from iamconsole.pagination import Page, paginate
from identities.models import MFADevice
from identities.selectors.users import TagPage, get_user_by_name, page_tags

ASSIGNMENT_STATUSES = ("Assigned", "Unassigned", "Any")


def list_mfa_devices(
    *, account: Account, user_name: str | None = None, marker: str | None = None, max_items: int | None = None
) -> Page[MFADevice]:
    """The devices enabled for the user (for the root user when no user is named), oldest first.

    ``NoSuchEntity`` when the named user does not exist.
    """
    devices = MFADevice.objects.filter(account=account, enabled_at__isnull=False).select_related(
        "user__account", "account"
    )
    if user_name:
        devices = devices.filter(user=get_user_by_name(account=account, user_name=user_name))
    else:
        devices = devices.filter(assigned_to_root=True)
    return paginate(devices, key="pk", marker=marker, max_items=max_items)


def list_virtual_mfa_devices(
    *, account: Account, assignment_status: str = "Any", marker: str | None = None, max_items: int | None = None
) -> Page[MFADevice]:
    """The account's virtual devices, ``Assigned``, ``Unassigned`` or ``Any`` (the default), oldest first."""
    if assignment_status not in ASSIGNMENT_STATUSES:
        raise constraint_error(
            "AssignmentStatus",
            assignment_status,
            "Member must satisfy enum value set: [Assigned, Unassigned, Any]",
            field="assignment_status",
        )
    devices = MFADevice.objects.filter(account=account).select_related("user__account", "account")
    if assignment_status == "Assigned":
        devices = devices.filter(enabled_at__isnull=False)
    elif assignment_status == "Unassigned":
        devices = devices.filter(enabled_at__isnull=True)
    return paginate(devices, key="pk", marker=marker, max_items=max_items)


def user_has_mfa(*, account: Account, user_pk: int | None) -> bool:
    """Whether the user (the root user when None) has a device enabled: console sign-in then asks for a code."""
    devices = MFADevice.objects.filter(account=account, enabled_at__isnull=False)
    if user_pk is None:
        return devices.filter(assigned_to_root=True).exists()
    return devices.filter(user_id=user_pk).exists()


def enabled_mfa_serial_numbers(*, account: Account, user_pk: int | None) -> list[str]:
    """The serial numbers of the devices enabled for the user (the root user when None), oldest first: the devices
    console sign-in asks a code of."""
    devices = MFADevice.objects.filter(account=account, enabled_at__isnull=False)
    devices = devices.filter(assigned_to_root=True) if user_pk is None else devices.filter(user_id=user_pk)
    return list(devices.order_by("pk").values_list("serial_number", flat=True))


def get_mfa_device(*, account: Account, serial_number: str, user_name: str | None = None) -> MFADevice:
    """GetMFADevice: an enabled device of the user (of the root user when no user is named).

    ``NoSuchEntity`` when the device does not exist or is not enabled for that principal.
    """
    devices = MFADevice.objects.select_related("user__account", "account").filter(
        account=account, serial_number=serial_number, enabled_at__isnull=False
    )
    if user_name:
        devices = devices.filter(user=get_user_by_name(account=account, user_name=user_name))
    else:
        devices = devices.filter(assigned_to_root=True)
    device = devices.first()
    if device is None:
        raise NoSuchEntity(f"MFA Device with serial number {serial_number} does not exist.", field="serial_number")
    return device


def list_mfa_device_tags(
    *, account: Account, serial_number: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListMFADeviceTags: the virtual device's tags, enabled or not."""
    tags = MFADevice.objects.filter(account=account, serial_number=serial_number).values_list("tags", flat=True)
    found = tags.first()
    if found is None:
        raise NoSuchEntity(f"VirtualMFADevice with serial number {serial_number} doesn't exist.", field="serial_number")
    return page_tags(dict(found), marker=marker, max_items=max_items)


__all__ = [
    "enabled_mfa_serial_numbers",
    "get_mfa_device",
    "list_mfa_device_tags",
    "list_mfa_devices",
    "list_virtual_mfa_devices",
    "user_has_mfa",
]
