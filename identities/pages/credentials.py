"""The security credentials section, one implementation for a user's tab (``/users/<name>``) and for the signed-in
principal's own page (``/security-credentials``, root included): console password, MFA devices, access keys.

Every read and write is an operation run as the signed-in actor. For the own page no user name is sent, so the
operations act on the caller (AWS infers the user from the credentials; for the root user, on the root user).
Secrets (a new password, a new secret access key, an MFA seed) appear only in the response of the request that
made them; the seed of a device waiting for its two codes is kept in the server-side session until it is enabled.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from iamconsole import console
from iamconsole.actors import ActorKind
from iamconsole.errors import AccessDenied, IamError, NoSuchEntity, ValidationError
from iamconsole.middleware import SignedInRequest
from identities.pages.common import csv_data_uri, gate, generate_password
from identities.pages.forms import ChangeOwnPasswordForm, ConsolePasswordForm, MfaCodesForm, MfaNameForm

#: Session key of the virtual MFA devices created and waiting for their two codes: {serial: {seed, qr}}.
PENDING_MFA_KEY = "iam_console_pending_mfa"
MAX_ACCESS_KEYS = 2
MAX_MFA_DEVICES = 8
#: An access key's description tag value (a tag value's limit).
DESCRIPTION_MAX = 256


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose credentials the section shows: a named user, or (``user_name`` None) the signed-in principal."""

    user_name: str | None
    post_url: str
    is_root: bool = False
    #: The element a form's answer replaces: the section on the own page, the whole tab on a user's page.
    target: str = "#credentials-section"

    @property
    def own(self) -> bool:
        return self.user_name is None

    @property
    def params(self) -> dict[str, Any]:
        return {"user_name": self.user_name} if self.user_name else {}

    def tag_params(self, request: SignedInRequest) -> dict[str, Any] | None:
        """Who TagUser and ListUserTags name (they always need a user name), None for the root user."""
        if self.is_root:
            return None
        return {"user_name": self.user_name or request.actor.name}


def own_subject(request: SignedInRequest, post_url: str) -> Subject:
    return Subject(user_name=None, post_url=post_url, is_root=request.actor.kind is ActorKind.ROOT)


def error_context(error: IamError) -> dict[str, Any]:
    """How the section shows an error: the access-denied panel for a denial, a banner otherwise."""
    return {"denied": error} if isinstance(error, AccessDenied) else {"error": error}


@dataclass(frozen=True, slots=True)
class KeyRow:
    access_key_id: str
    description: str
    status: str
    created: Any
    last_used: Any
    last_used_service: str
    last_used_region: str


def _descriptions(request: SignedInRequest, subject: Subject) -> dict[str, str]:
    """Access key descriptions: AWS keeps each as a tag of the user whose key is the access key ID."""
    params = subject.tag_params(request)
    if params is None:
        return {}
    try:
        page = console.run(request, "ListUserTags", {**params, "max_items": 100})
    except IamError:
        return {}
    return {tag["Key"]: tag["Value"] for tag in page.tags}


def _access_keys(request: SignedInRequest, subject: Subject) -> tuple[list[KeyRow] | None, IamError | None]:
    try:
        keys = console.list_all(request, "ListAccessKeys", subject.params)
    except IamError as error:
        return None, error
    descriptions = _descriptions(request, subject)
    rows = []
    for key in keys:
        try:
            used = console.run(request, "GetAccessKeyLastUsed", {"access_key_id": key.access_key_id})
            last = (used.last_used_at, used.service_name, used.region)
        except IamError:  # the key may be listed but its last use not readable: show what is known
            last = (None, "", "")
        description = descriptions.get(key.access_key_id, "")
        rows.append(KeyRow(key.access_key_id, description, key.status, key.created_at, *last))
    return rows, None


def section_context(request: SignedInRequest, subject: Subject, **extra: Any) -> dict[str, Any]:
    """Everything the section shows, read as the actor, and which of its buttons the actor may use."""
    params = subject.params
    keys, keys_error = _access_keys(request, subject)
    profile: Any = None
    profile_error: IamError | None = None
    if not subject.is_root:
        try:
            profile = console.run(request, "GetLoginProfile", params)
        except NoSuchEntity as error:
            if "Login Profile" not in error.message:
                profile_error = error
        except IamError as error:
            profile_error = error
    devices: list[Any] | None
    try:
        devices = console.list_all(request, "ListMFADevices", params)
        mfa_error: IamError | None = None
    except IamError as error:
        devices, mfa_error = None, error
    device_name = subject.user_name or request.actor.name or "root"
    context: dict[str, Any] = {
        "subject": subject,
        "access_keys": keys,
        "keys_error": keys_error,
        "keys_full": keys is not None and len(keys) >= MAX_ACCESS_KEYS,
        "max_access_keys": MAX_ACCESS_KEYS,
        "profile": profile,
        "profile_error": profile_error,
        "mfa_devices": devices,
        "mfa_rows": [
            (device, MfaCodesForm(initial={"serial_number": device.serial_number}, auto_id=f"resync{index}_%s"))
            for index, device in enumerate(devices or (), start=1)
        ],
        "mfa_error": mfa_error,
        "mfa_full": devices is not None and len(devices) >= MAX_MFA_DEVICES,
        "max_mfa_devices": MAX_MFA_DEVICES,
        "signin_url": f"{settings.IAM_CONSOLE_URL}/signin/{request.actor.account_id}",
        "can": {
            "create_key": gate(request, "CreateAccessKey", params),
            "update_key": gate(request, "UpdateAccessKey", params),
            "delete_key": gate(request, "DeleteAccessKey", params),
            "create_profile": gate(request, "CreateLoginProfile", params or {"user_name": request.actor.name}),
            "update_profile": gate(request, "UpdateLoginProfile", params or {"user_name": request.actor.name}),
            "delete_profile": gate(request, "DeleteLoginProfile", params),
            "change_password": gate(request, "ChangePassword", {}),
            "create_mfa": gate(request, "CreateVirtualMFADevice", {"virtual_mfa_device_name": device_name}),
            "enable_mfa": gate(request, "EnableMFADevice", params),
            "deactivate_mfa": gate(request, "DeactivateMFADevice", params),
            "resync_mfa": gate(request, "ResyncMFADevice", params),
            "tag_user": gate(request, "TagUser", subject.tag_params(request) or {}),
        },
        "password_form": ConsolePasswordForm(),
        "change_form": ChangeOwnPasswordForm(),
        "mfa_name_form": MfaNameForm(initial={"device_name": device_name}),
    }
    context.update(extra)
    return context


def _pending(request: SignedInRequest) -> dict[str, Any]:
    return dict(request.session.get(PENDING_MFA_KEY, {}))


def _mfa_panel(request: SignedInRequest, serial: str, form: MfaCodesForm | None = None) -> dict[str, Any]:
    pending = _pending(request).get(serial)
    if pending is None:
        return {}
    return {
        "mfa_pending": {
            "serial_number": serial,
            "seed": pending["seed"],
            "qr_data_uri": f"data:image/png;base64,{pending['qr']}",
        },
        "mfa_codes_form": form or MfaCodesForm(initial={"serial_number": serial}),
    }


def handle_post(request: SignedInRequest, subject: Subject) -> tuple[dict[str, Any], int]:
    """Run the section action the form names, as the actor: what the section shows after it (the notice, a secret
    made this once, or the error with the form's input) for :func:`section_context`, and the HTTP status."""
    action = request.POST.get("action", "")
    handler = _ACTIONS.get(action)
    if handler is None:
        return {"error": ValidationError(f"Unknown action “{action}”.")}, 400
    try:
        extra = handler(request, subject)
    except _Failed as failed:
        return {**failed.context, **error_context(failed.error)}, failed.error.http_status
    except IamError as error:
        return error_context(error), error.http_status
    status = int(extra.pop("status", 200))
    return extra, status


class _Failed(Exception):
    """An action that failed, with what its form should show again (the form's input and errors)."""

    def __init__(self, error: IamError, context: Mapping[str, Any]) -> None:
        super().__init__(error.message)
        self.error = error
        self.context = dict(context)


def _invalid(context: Mapping[str, Any]) -> _Failed:
    return _Failed(ValidationError("Check the highlighted fields."), context)


def _run(request: SignedInRequest, name: str, params: Mapping[str, Any], context: Mapping[str, Any]) -> Any:
    """``console.run``, keeping the form's context when the operation fails."""
    try:
        return console.run(request, name, params)
    except IamError as error:
        raise _Failed(error, context) from error


def _password_params(request: SignedInRequest) -> tuple[dict[str, Any], str | None, ConsolePasswordForm]:
    form = ConsolePasswordForm(request.POST)
    if not form.is_valid():
        raise _invalid({"password_form": form, "password_open": True})
    generated = None
    if form.cleaned_data["password_type"] == "custom":
        password = form.cleaned_data["password"]
    else:
        password = generated = generate_password(request)
    return (
        {"password": password, "password_reset_required": form.cleaned_data["password_reset_required"]},
        generated,
        form,
    )


def _enable_password(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    params, generated, form = _password_params(request)
    _run(request, "CreateLoginProfile", {**subject.params, **params}, {"password_form": form, "password_open": True})
    return {"notice": "Console access enabled.", "new_password": generated}


def _reset_password(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    params, generated, form = _password_params(request)
    _run(request, "UpdateLoginProfile", {**subject.params, **params}, {"password_form": form, "password_open": True})
    return {"notice": "Console password reset.", "new_password": generated}


def _disable_password(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    console.run(request, "DeleteLoginProfile", subject.params)
    return {"notice": "Console access disabled: the password is deleted."}


def _change_password(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    form = ChangeOwnPasswordForm(request.POST)
    if not form.is_valid():
        raise _invalid({"change_form": form, "change_open": True})
    params = {key: form.cleaned_data[key] for key in ("old_password", "new_password")}
    _run(request, "ChangePassword", params, {"change_form": form, "change_open": True})
    return {"notice": "Your password is changed."}


def _start_mfa(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    form = MfaNameForm(request.POST)
    if not form.is_valid():
        raise _invalid({"mfa_name_form": form, "mfa_open": True})
    owner = subject.user_name or ""
    pending = _pending(request)
    for serial, entry in list(pending.items()):
        if entry.get("owner") == owner:
            # An earlier setup left unfinished: its unassigned device would otherwise hold the name.
            with contextlib.suppress(IamError):
                console.run(request, "DeleteVirtualMFADevice", {"serial_number": serial})
            pending.pop(serial)
    request.session[PENDING_MFA_KEY] = pending
    params = {"virtual_mfa_device_name": form.cleaned_data["device_name"]}
    created = _run(request, "CreateVirtualMFADevice", params, {"mfa_name_form": form, "mfa_open": True})
    serial = created.device.serial_number
    pending[serial] = {
        "owner": owner,
        "seed": created.base32_string_seed,
        "qr": base64.b64encode(created.qr_code_png).decode(),
    }
    request.session[PENDING_MFA_KEY] = pending
    return _mfa_panel(request, serial)


def _enable_mfa(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    form = MfaCodesForm(request.POST)
    serial = request.POST.get("serial_number", "")
    if serial not in _pending(request):
        raise ValidationError("This MFA device is no longer waiting for its codes: start again.")
    if not form.is_valid():
        raise _invalid(_mfa_panel(request, serial, form))
    _run(request, "EnableMFADevice", {**subject.params, **form.cleaned_data}, _mfa_panel(request, serial, form))
    pending = _pending(request)
    pending.pop(serial, None)
    request.session[PENDING_MFA_KEY] = pending
    return {"notice": "MFA device assigned."}


def _resync_mfa(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    form = MfaCodesForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Type two consecutive 6-digit codes from the app to resync it.")
    console.run(request, "ResyncMFADevice", {**subject.params, **form.cleaned_data})
    return {"notice": "MFA device resynchronized."}


def _remove_mfa(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    serial = request.POST.get("serial_number", "")
    console.run(request, "DeactivateMFADevice", {**subject.params, "serial_number": serial})
    try:
        console.run(request, "DeleteVirtualMFADevice", {"serial_number": serial})
    except IamError as error:
        return {
            **error_context(error),
            "notice": "MFA device deactivated, but the virtual device could not be deleted.",
        }
    return {"notice": "MFA device removed."}


def _create_key(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    description = request.POST.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(f"A description is at most {DESCRIPTION_MAX} characters.", field="description")
    created = console.run(request, "CreateAccessKey", subject.params)
    key_id = created.access_key.access_key_id
    notice = "Access key created. This is the only time the secret access key can be seen or downloaded."
    tag_params = subject.tag_params(request)
    if description and tag_params is not None:
        try:
            console.run(request, "TagUser", {**tag_params, "tags": [{"key": key_id, "value": description}]})
        except IamError as error:
            notice += f" Its description was not saved ({error.code}: {error.message})."
    return {
        "notice": notice,
        "new_key": {
            "access_key_id": key_id,
            "secret_access_key": created.secret_access_key,
            "csv": csv_data_uri(("Access key ID", "Secret access key"), (key_id, created.secret_access_key)),
            "filename": f"{subject.user_name or request.actor.name or 'root'}_accessKeys.csv",
        },
    }


def _set_key_status(status: str) -> Any:
    def handler(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
        key_id = request.POST.get("access_key_id", "")
        console.run(request, "UpdateAccessKey", {**subject.params, "access_key_id": key_id, "status": status})
        return {"notice": f"Access key {key_id} is now {status.lower()}."}

    return handler


def _delete_key(request: SignedInRequest, subject: Subject) -> dict[str, Any]:
    key_id = request.POST.get("access_key_id", "")
    if request.POST.get("confirm", "").strip() != key_id:
        raise ValidationError("Type the access key ID to confirm the deletion.", field="confirm")
    keys = {key.access_key_id: key for key in console.list_all(request, "ListAccessKeys", subject.params)}
    if key_id in keys and keys[key_id].status == "Active":
        # As AWS's console does: a key is deactivated first, so its loss shows before it is gone for good.
        raise ValidationError("Deactivate the access key before deleting it.", field="access_key_id")
    console.run(request, "DeleteAccessKey", {**subject.params, "access_key_id": key_id})
    tag_params = subject.tag_params(request)
    if tag_params is not None and key_id in _descriptions(request, subject):
        # The description goes with its key; a failure here leaves only a stale tag.
        with contextlib.suppress(IamError):
            console.run(request, "UntagUser", {**tag_params, "tag_keys": [key_id]})
    return {"notice": f"Access key {key_id} deleted."}


_ACTIONS = {
    "enable_password": _enable_password,
    "reset_password": _reset_password,
    "disable_password": _disable_password,
    "change_password": _change_password,
    "start_mfa": _start_mfa,
    "enable_mfa": _enable_mfa,
    "remove_mfa": _remove_mfa,
    "resync_mfa": _resync_mfa,
    "create_key": _create_key,
    "deactivate_key": _set_key_status("Inactive"),
    "activate_key": _set_key_status("Active"),
    "delete_key": _delete_key,
}
