"""Operations on IAM users' SSH public keys and signing certificates, authorized against the user's ARN.

Signing certificates may belong to the root user (no ``UserName``); SSH public keys always name a user, except
ListSSHPublicKeys, which defaults to the caller.
"""

from __future__ import annotations

from identities import selectors, services
from identities.operations.common import on_user

OPERATIONS = (
    on_user("UploadSSHPublicKey", services.upload_ssh_public_key),
    on_user("GetSSHPublicKey", selectors.get_ssh_public_key, read_only=True),
    on_user("ListSSHPublicKeys", selectors.list_ssh_public_keys, implicit_user=True, read_only=True),
    on_user("UpdateSSHPublicKey", services.update_ssh_public_key),
    on_user("DeleteSSHPublicKey", services.delete_ssh_public_key),
    on_user("UploadSigningCertificate", services.upload_signing_certificate, implicit_user=True),
    on_user("ListSigningCertificates", selectors.list_signing_certificates, implicit_user=True, read_only=True),
    on_user("UpdateSigningCertificate", services.update_signing_certificate, implicit_user=True),
    on_user("DeleteSigningCertificate", services.delete_signing_certificate, implicit_user=True),
)
