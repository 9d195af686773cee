"""What the Users pages share: enabled-or-disabled buttons with their reason, generated passwords, one-time CSV
downloads, and deleting a user with what it still holds (as the console does when the person confirms)."""

from __future__ import annotations

import base64
import csv
import io
import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iamconsole import console, operations
from iamconsole.errors import IamError, NoSuchEntity
from iamconsole.middleware import SignedInRequest


@dataclass(frozen=True, slots=True)
class Gate:
    """Whether the signed-in actor may run an operation, and if not, the reason shown on the disabled button."""

    allowed: bool
    action: str

    @property
    def reason(self) -> str:
        return "" if self.allowed else f"You need the permission {self.action} for this."


def gate(request: SignedInRequest, name: str, params: Mapping[str, Any] | None = None) -> Gate:
    """``console.can_run`` with the IAM action it needs, for a button and its disabled reason."""
    action = operations.get_operation(name).iam_action or name
    return Gate(allowed=console.can_run(request, name, params), action=action)


_SYMBOLS = "!@#$%^&*()_+-=[]{}|'"


def generate_password(request: SignedInRequest) -> str:
    """A random password with every character class, at least as long as the account password policy asks
    (20 characters otherwise; the policy is read as the actor, and a policy it may not read is not assumed)."""
    length = 20
    try:
        policy = console.run(request, "GetAccountPasswordPolicy")
        length = max(length, int(policy.minimum_password_length))
    except IamError:
        pass
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS)
    chars = [secrets.choice(group) for group in classes]
    alphabet = "".join(classes)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def csv_data_uri(header: Sequence[str], row: Sequence[str]) -> str:
    """A ``data:`` URL of a one-row CSV file, so a secret shown once can be downloaded from the same page without
    being kept anywhere on the server for a second request."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(row)
    encoded = base64.b64encode(buffer.getvalue().encode()).decode()
    return f"data:text/csv;base64,{encoded}"


@dataclass(slots=True)
class DeleteOutcome:
    """What deleting one user did: the steps run, and the error that stopped it (None when the user is gone)."""

    user_name: str
    steps: list[str] = field(default_factory=list)
    error: IamError | None = None

    @property
    def deleted(self) -> bool:
        return self.error is None


def _items(request: SignedInRequest, name: str, params: Mapping[str, Any]) -> list[Any]:
    return console.list_all(request, name, params)


def delete_user_and_credentials(request: SignedInRequest, user_name: str) -> DeleteOutcome:
    """Delete a user after removing what DeleteUser refuses to delete around (AWS never does it implicitly): its
    console password, access keys, MFA devices, inline policies, attached policies and group memberships. Each is
    its own operation, run and authorized as the actor; the first failure stops this user and is reported. Signing
    certificates, SSH public keys and service-specific credentials go too, as AWS's console removes them."""
    outcome = DeleteOutcome(user_name=user_name)
    user = {"user_name": user_name}
    try:
        if not console.can_run(request, "DeleteUser", user):
            # Nothing is removed around a user the actor may not delete: DeleteUser's own denial says why.
            console.run(request, "DeleteUser", user)
        try:
            console.run(request, "DeleteLoginProfile", user)
            outcome.steps.append("console password deleted")
        except NoSuchEntity as error:
            if "Login Profile" not in error.message:  # no password is fine; no such user is not
                raise
        for key in _items(request, "ListAccessKeys", user):
            console.run(request, "DeleteAccessKey", {**user, "access_key_id": key.access_key_id})
            outcome.steps.append(f"access key {key.access_key_id} deleted")
        for certificate in _items(request, "ListSigningCertificates", user):
            console.run(request, "DeleteSigningCertificate", {**user, "certificate_id": certificate.certificate_id})
            outcome.steps.append(f"signing certificate {certificate.certificate_id} deleted")
        for ssh_key in _items(request, "ListSSHPublicKeys", user):
            console.run(request, "DeleteSSHPublicKey", {**user, "ssh_public_key_id": ssh_key.ssh_public_key_id})
            outcome.steps.append(f"SSH public key {ssh_key.ssh_public_key_id} deleted")
        for credential in _items(request, "ListServiceSpecificCredentials", user):
            credential_id = credential.service_specific_credential_id
            console.run(
                request, "DeleteServiceSpecificCredential", {**user, "service_specific_credential_id": credential_id}
            )
            outcome.steps.append(f"service-specific credential {credential_id} deleted")
        for device in _items(request, "ListMFADevices", user):
            console.run(request, "DeactivateMFADevice", {**user, "serial_number": device.serial_number})
            console.run(request, "DeleteVirtualMFADevice", {"serial_number": device.serial_number})
            outcome.steps.append(f"MFA device {device.name} removed")
        for inline in _items(request, "ListUserPolicies", user):
            console.run(request, "DeleteUserPolicy", {**user, "policy_name": inline.name})
            outcome.steps.append(f"inline policy {inline.name} deleted")
        for attachment in _items(request, "ListAttachedUserPolicies", user):
            console.run(request, "DetachUserPolicy", {**user, "policy_arn": attachment.policy.arn})
            outcome.steps.append(f"policy {attachment.policy.name} detached")
        for group in _items(request, "ListGroupsForUser", user):
            console.run(request, "RemoveUserFromGroup", {**user, "group_name": group.name})
            outcome.steps.append(f"removed from group {group.name}")
        console.run(request, "DeleteUser", user)
    except IamError as error:
        outcome.error = error
    return outcome
