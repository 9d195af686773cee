"""SSH public keys and signing certificates of IAM users (UploadSSHPublicKey, UploadSigningCertificate, …).

An IAM user holds at most five SSH public keys and two signing certificates (the root user: two signing
certificates, no SSH keys), inactive ones included ("IAM and AWS STS quotas"). Owners are locked before counting, so
concurrent uploads cannot both take the last place; unique constraints catch a key or certificate uploaded twice
concurrently.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import ids
from iamconsole.errors import (
    DuplicateCertificate,
    DuplicateSSHPublicKey,
    LimitExceeded,
    NoSuchEntity,
    constraint_error,
)
from identities import pki
from identities.models import CredentialStatus, ServiceSpecificCredential, SigningCertificate, SSHPublicKey
from identities.services.inserts import insert_unique
from identities.services.users import lock_user, lock_user_or_root

MAX_SSH_PUBLIC_KEYS_PER_USER = 5
MAX_SIGNING_CERTIFICATES_PER_USER = 2
DUPLICATE_SSH_KEY = (
    "The request was rejected because the SSH public key is already associated with the specified IAM user."
)
DUPLICATE_CERTIFICATE = (
    "The request was rejected because the same certificate is associated with an IAM user in the account."
)


def set_credential_status(
    lock: Callable[[], SSHPublicKey | SigningCertificate | ServiceSpecificCredential], status: str
) -> None:
    """The Update… operations of SSH keys, signing certificates and service-specific credentials: ``status`` must be
    ``Active`` or ``Inactive``; then the credential ``lock`` finds (or its ``NoSuchEntity``) takes it."""
    if status not in CredentialStatus.values:
        raise constraint_error(
            "Status", status, "Member must satisfy enum value set: [Active, Expired, Inactive]", field="status"
        )
    credential = lock()
    credential.status = status
    credential.save(update_fields=["status"])


def ssh_key_not_found(ssh_public_key_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Public Key with id {ssh_public_key_id} cannot be found.", field="ssh_public_key_id")


def certificate_not_found(certificate_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Certificate with id {certificate_id} cannot be found.", field="certificate_id")


@transaction.atomic
def upload_ssh_public_key(*, account: Account, user_name: str, ssh_public_key_body: str) -> SSHPublicKey:
    """UploadSSHPublicKey: an RSA key (OpenSSH or PEM encoding, at least 2048 bits), ``Active``.

    ``UnrecognizedPublicKeyEncoding``/``InvalidPublicKey`` for a key IAM does not take, ``DuplicateSSHPublicKey``
    when the user has it already, ``LimitExceeded`` past five keys.
    """
    key = pki.read_ssh_public_key(ssh_public_key_body)
    user = lock_user(account, user_name)
    existing = SSHPublicKey.objects.filter(user=user)
    if existing.filter(fingerprint=key.fingerprint).exists():
        raise DuplicateSSHPublicKey(DUPLICATE_SSH_KEY, field="ssh_public_key_body")
    if existing.count() >= MAX_SSH_PUBLIC_KEYS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for PublicKeysPerUser: {MAX_SSH_PUBLIC_KEYS_PER_USER}")
    return insert_unique(
        SSHPublicKey,
        duplicate=DuplicateSSHPublicKey(DUPLICATE_SSH_KEY, field="ssh_public_key_body"),
        account=account,
        user=user,
        ssh_public_key_id=ids.access_key_id(ids.IdPrefix.SSH_PUBLIC_KEY),
        fingerprint=key.fingerprint,
        body=key.openssh,
        uploaded_at=timezone.now(),
    )


def _lock_ssh_key(account: Account, user_name: str, ssh_public_key_id: str) -> SSHPublicKey:
    user = lock_user(account, user_name)
    key = SSHPublicKey.objects.select_for_update().filter(user=user, ssh_public_key_id=ssh_public_key_id).first()
    if key is None:
        raise ssh_key_not_found(ssh_public_key_id)
    return key


@transaction.atomic
def update_ssh_public_key(*, account: Account, user_name: str, ssh_public_key_id: str, status: str) -> None:
    """UpdateSSHPublicKey: make the key ``Active`` or ``Inactive`` (an inactive key cannot authenticate)."""
    set_credential_status(lambda: _lock_ssh_key(account, user_name, ssh_public_key_id), status)


@transaction.atomic
def delete_ssh_public_key(*, account: Account, user_name: str, ssh_public_key_id: str) -> None:
    """DeleteSSHPublicKey: remove the key for good."""
    _lock_ssh_key(account, user_name, ssh_public_key_id).delete()


@transaction.atomic
def upload_signing_certificate(
    *, account: Account, certificate_body: str, user_name: str | None = None
) -> SigningCertificate:
    """UploadSigningCertificate: a PEM X.509 certificate for the user (the root user when none is named), ``Active``.

    ``MalformedCertificate`` when it does not parse, ``InvalidCertificate`` outside its validity period,
    ``DuplicateCertificate`` when the account has it already, ``LimitExceeded`` past two per user.
    """
    certificate = pki.read_certificate(certificate_body)
    now = timezone.now()
    pki.check_currently_valid(certificate, now)
    user = lock_user_or_root(account, user_name)
    if SigningCertificate.objects.filter(account=account, fingerprint=certificate.fingerprint).exists():
        raise DuplicateCertificate(DUPLICATE_CERTIFICATE, field="certificate_body")
    if SigningCertificate.objects.filter(account=account, user=user).count() >= MAX_SIGNING_CERTIFICATES_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for CertificatesPerUser: {MAX_SIGNING_CERTIFICATES_PER_USER}")
    return insert_unique(
        SigningCertificate,
        duplicate=DuplicateCertificate(DUPLICATE_CERTIFICATE, field="certificate_body"),
        account=account,
        user=user,
        certificate_id=ids.signing_certificate_id(),
        fingerprint=certificate.fingerprint,
        body=certificate.pem,
        uploaded_at=now,
    )


def _lock_certificate(account: Account, user_name: str | None, certificate_id: str) -> SigningCertificate:
    user = lock_user_or_root(account, user_name)
    found = SigningCertificate.objects.select_for_update().filter(
        account=account, user=user, certificate_id=certificate_id
    )
    certificate = found.first()
    if certificate is None:
        raise certificate_not_found(certificate_id)
    return certificate


@transaction.atomic
def update_signing_certificate(
    *, account: Account, certificate_id: str, status: str, user_name: str | None = None
) -> None:
    """UpdateSigningCertificate: make the certificate ``Active`` or ``Inactive``."""
    set_credential_status(lambda: _lock_certificate(account, user_name, certificate_id), status)


@transaction.atomic
def delete_signing_certificate(*, account: Account, certificate_id: str, user_name: str | None = None) -> None:
    """DeleteSigningCertificate: remove the certificate for good."""
    _lock_certificate(account, user_name, certificate_id).delete()


__all__ = [
    "delete_signing_certificate",
    "delete_ssh_public_key",
    "set_credential_status",
    "update_signing_certificate",
    "update_ssh_public_key",
    "upload_signing_certificate",
    "upload_ssh_public_key",
]
