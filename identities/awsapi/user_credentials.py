"""SSH public key and signing certificate results shaped as botocore's IAM output shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import page_shape
from identities.models import SigningCertificate, SSHPublicKey
from identities.selectors.user_credentials import EncodedSSHPublicKey


def ssh_public_key_shape(key: SSHPublicKey, body: str | None = None) -> dict[str, Any]:
    """``SSHPublicKey``: the key with its body (OpenSSH encoding unless another is given)."""
    return {
        "UserName": key.user.name,
        "SSHPublicKeyId": key.ssh_public_key_id,
        "Fingerprint": key.fingerprint,
        "SSHPublicKeyBody": body if body is not None else key.body,
        "Status": key.status,
        "UploadDate": key.uploaded_at,
    }


def ssh_public_key_metadata_shape(key: SSHPublicKey) -> dict[str, Any]:
    """``SSHPublicKeyMetadata``: what ListSSHPublicKeys lists, no body."""
    return {
        "UserName": key.user.name,
        "SSHPublicKeyId": key.ssh_public_key_id,
        "Status": key.status,
        "UploadDate": key.uploaded_at,
    }


def signing_certificate_shape(certificate: SigningCertificate) -> dict[str, Any]:
    """``SigningCertificate``: the root user's certificates carry the account id as user name."""
    owner = certificate.user.name if certificate.user is not None else certificate.account.account_id
    return {
        "UserName": owner,
        "CertificateId": certificate.certificate_id,
        "CertificateBody": certificate.body,
        "Status": certificate.status,
        "UploadDate": certificate.uploaded_at,
    }


def _encoded_shape(found: EncodedSSHPublicKey) -> dict[str, Any]:
    return {"SSHPublicKey": ssh_public_key_shape(found.key, found.body)}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "UploadSSHPublicKey": lambda key: {"SSHPublicKey": ssh_public_key_shape(key)},
    "GetSSHPublicKey": _encoded_shape,
    "ListSSHPublicKeys": lambda page: page_shape("SSHPublicKeys", page, ssh_public_key_metadata_shape),
    "UploadSigningCertificate": lambda certificate: {"Certificate": signing_certificate_shape(certificate)},
    "ListSigningCertificates": lambda page: page_shape("Certificates", page, signing_certificate_shape),
}
