"""Reads on MFA devices: ListMFADevices (one principal's devices in use) and ListVirtualMFADevices (the account's)."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import constraint_error
from iamconsole.pagination import Page, paginate
from identities.models import MFADevice
from identities.selectors.users import get_user_by_name

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


__all__ = ["list_mfa_devices", "list_virtual_mfa_devices", "user_has_mfa"]
