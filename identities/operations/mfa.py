"""Operations on virtual MFA devices (of IAM users, and of the root user when no user is named).

AWS authorizes CreateVirtualMFADevice and DeleteVirtualMFADevice against the device's ARN (its serial number), and
EnableMFADevice, ResyncMFADevice, DeactivateMFADevice and ListMFADevices against the user's ARN.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Account
from iamconsole.actors import Actor
from iamconsole.condition_keys import request_tags_context, untag_context
from iamconsole.operations import Call, Operation, parameters_of
from identities import selectors, services
from identities.operations.common import implicit_user_name, user_resource


def _device_resource(call: Call) -> str:
    """The ARN of the device a CreateVirtualMFADevice call names."""
    name = str(call.params.get("virtual_mfa_device_name") or "")
    path = str(call.params.get("path") or "/")
    return services.mfa_serial_number(call.account_id, name, path)


def _serial_resource(call: Call) -> str:
    """A virtual device's serial number is its ARN."""
    return str(call.params.get("serial_number") or "*")


def _enable(*, account: Account, actor: Actor, user_name: str | None = None, **params: Any) -> Any:
    return services.enable_mfa_device(account=account, user_name=implicit_user_name(actor, user_name), **params)


def _resync(*, account: Account, actor: Actor, user_name: str | None = None, **params: Any) -> Any:
    return services.resync_mfa_device(account=account, user_name=implicit_user_name(actor, user_name), **params)


def _deactivate(*, account: Account, actor: Actor, serial_number: str, user_name: str | None = None) -> Any:
    return services.deactivate_mfa_device(
        account=account, serial_number=serial_number, user_name=implicit_user_name(actor, user_name)
    )


def _list(*, account: Account, actor: Actor, user_name: str | None = None, **page: Any) -> Any:
    return selectors.list_mfa_devices(account=account, user_name=implicit_user_name(actor, user_name), **page)


def _get(*, account: Account, actor: Actor, serial_number: str, user_name: str | None = None) -> Any:
    return selectors.get_mfa_device(
        account=account, serial_number=serial_number, user_name=implicit_user_name(actor, user_name)
    )


OPERATIONS = (
    Operation(
        "CreateVirtualMFADevice",
        services.create_virtual_mfa_device,
        resource=_device_resource,
        context=request_tags_context,
    ),
    Operation(
        "EnableMFADevice",
        _enable,
        resource=user_resource,
        takes_actor=True,
        parameters=parameters_of(services.enable_mfa_device),
    ),
    Operation(
        "ResyncMFADevice",
        _resync,
        resource=user_resource,
        takes_actor=True,
        parameters=parameters_of(services.resync_mfa_device),
    ),
    Operation("DeactivateMFADevice", _deactivate, resource=user_resource, takes_actor=True),
    Operation("DeleteVirtualMFADevice", services.delete_virtual_mfa_device, resource=_serial_resource),
    Operation(
        "ListMFADevices",
        _list,
        resource=user_resource,
        takes_actor=True,
        read_only=True,
        parameters=parameters_of(selectors.list_mfa_devices),
    ),
    Operation("ListVirtualMFADevices", selectors.list_virtual_mfa_devices, read_only=True),
    Operation("GetMFADevice", _get, resource=user_resource, takes_actor=True, read_only=True),
    Operation("TagMFADevice", services.tag_mfa_device, resource=_serial_resource, context=request_tags_context),
    Operation("UntagMFADevice", services.untag_mfa_device, resource=_serial_resource, context=untag_context()),
    Operation("ListMFADeviceTags", selectors.list_mfa_device_tags, resource=_serial_resource, read_only=True),
)
