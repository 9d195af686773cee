"""Reads on SSH public keys and signing certificates."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Account
from iamconsole.errors import NoSuchEntity, constraint_error
from iamconsole.pagination import Page, paginate
from identities import pki
from identities.models import SigningCertificate, SSHPublicKey, User
from identities.selectors.users import get_user_by_name

SSH_KEY_ENCODINGS = ("SSH", "PEM")


@dataclass(frozen=True, slots=True)
class EncodedSSHPublicKey:
    """GetSSHPublicKey's answer: the key with its body in the encoding asked for."""

    key: SSHPublicKey
    body: str


def list_ssh_public_keys(
    *, account: Account, user_name: str | None = None, marker: str | None = None, max_items: int | None = None
) -> Page[SSHPublicKey]:
    """ListSSHPublicKeys: the user's keys, oldest first (none for the root user, who cannot have any)."""
    if user_name is None:
        return paginate(SSHPublicKey.objects.none(), key="pk", marker=marker, max_items=max_items)
    user = get_user_by_name(account=account, user_name=user_name)
    keys = SSHPublicKey.objects.filter(user=user).select_related("user")
    return paginate(keys, key="pk", marker=marker, max_items=max_items)


def get_ssh_public_key(
    *, account: Account, user_name: str, ssh_public_key_id: str, encoding: str
) -> EncodedSSHPublicKey:
    """GetSSHPublicKey: the key in ``SSH`` (``ssh-rsa AAAA…``) or ``PEM`` encoding."""
    if encoding not in SSH_KEY_ENCODINGS:
        raise constraint_error("Encoding", encoding, "Member must satisfy enum value set: [SSH, PEM]", field="encoding")
    user = get_user_by_name(account=account, user_name=user_name)
    key = SSHPublicKey.objects.select_related("user").filter(user=user, ssh_public_key_id=ssh_public_key_id).first()
    if key is None:
        raise NoSuchEntity(f"The Public Key with id {ssh_public_key_id} cannot be found.", field="ssh_public_key_id")
    body = key.body if encoding == "SSH" else pki.ssh_key_as_pem(key.body)
    return EncodedSSHPublicKey(key=key, body=body)


def _owner(account: Account, user_name: str | None) -> User | None:
    return get_user_by_name(account=account, user_name=user_name) if user_name else None


def list_signing_certificates(
    *, account: Account, user_name: str | None = None, marker: str | None = None, max_items: int | None = None
) -> Page[SigningCertificate]:
    """ListSigningCertificates: the certificates of the user (of the root user when none is named), oldest first."""
    certificates = SigningCertificate.objects.filter(account=account, user=_owner(account, user_name))
    return paginate(certificates.select_related("user", "account"), key="pk", marker=marker, max_items=max_items)


__all__ = [
    "EncodedSSHPublicKey",
    "get_ssh_public_key",
    "list_signing_certificates",
    "list_ssh_public_keys",
]
