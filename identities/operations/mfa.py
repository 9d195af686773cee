"""Operations on virtual MFA devices (of IAM users, and of the root user when no user is named).

AWS authorizes CreateVirtualMFADevice and DeleteVirtualMFADevice against the device's ARN (its serial number), and
EnableMFADevice, ResyncMFADevice, DeactivateMFADevice and ListMFADevices against the user's ARN.
"""

from __future__ import annotations

from iamconsole.condition_keys import request_tags_context, untag_context
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import on_user


def _device_resource(call: Call) -> str:
    """The ARN of the device a CreateVirtualMFADevice call names."""
    name = str(call.params.get("virtual_mfa_device_name") or "")
    path = str(call.params.get("path") or "/")
    return services.mfa_serial_number(call.account_id, name, path)


def _serial_resource(call: Call) -> str:
    """A virtual device's serial number is its ARN."""
    return str(call.params.get("serial_number") or "*")


OPERATIONS = (
    Operation(
        "CreateVirtualMFADevice",
        services.create_virtual_mfa_device,
        resource=_device_resource,
        context=request_tags_context,
    ),
    on_user("EnableMFADevice", services.enable_mfa_device, implicit_user=True),
    on_user("ResyncMFADevice", services.resync_mfa_device, implicit_user=True),
    on_user("DeactivateMFADevice", services.deactivate_mfa_device, implicit_user=True),
    Operation("DeleteVirtualMFADevice", services.delete_virtual_mfa_device, resource=_serial_resource),
    on_user("ListMFADevices", selectors.list_mfa_devices, implicit_user=True, read_only=True),
    Operation("ListVirtualMFADevices", selectors.list_virtual_mfa_devices, read_only=True),
    on_user("GetMFADevice", selectors.get_mfa_device, implicit_user=True, read_only=True),
    Operation("TagMFADevice", services.tag_mfa_device, resource=_serial_resource, context=request_tags_context),
    Operation("UntagMFADevice", services.untag_mfa_device, resource=_serial_resource, context=untag_context()),
    Operation("ListMFADeviceTags", selectors.list_mfa_device_tags, resource=_serial_resource, read_only=True),
)
