"""Server certificates: UploadServerCertificate, UpdateServerCertificate, DeleteServerCertificate, Tag/Untag.

The certificate, its chain and its private key are read with ``cryptography``; the key must be the certificate's
pair (``KeyPairMismatch``). The private key is encrypted at rest with ``IAM_ENCRYPTION_KEY`` and no operation ever
returns it. At most 20 server certificates per account ("IAM and AWS STS quotas"), counted under a lock on the
account row; names are unique per account ignoring case (a database constraint).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import crypto, domain, ids
from iamconsole.arn import iam_arn
from iamconsole.errors import EntityAlreadyExists, LimitExceeded, NoSuchEntity
from identities import pki
from identities.models import ServerCertificate
from identities.services import tagging
from identities.services.inserts import insert_unique
from identities.services.named import lock_named, rename_and_move

MAX_SERVER_CERTIFICATES_PER_ACCOUNT = 20
SERVER_CERTIFICATE_NAME_MAX = 128


def server_certificate_arn(account_id: str, name: str, path: str = "/") -> str:
    """``arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME``."""
    return iam_arn(account_id, "server-certificate", name, path)


def server_certificate_not_found(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Server Certificate with name {name} cannot be found.", field="server_certificate_name")


def _exists(name: str, field: str) -> EntityAlreadyExists:
    return EntityAlreadyExists(f"The Server Certificate with name {name} already exists.", field=field)


def lock_server_certificate(account: Account, name: str) -> ServerCertificate:
    return lock_named(ServerCertificate, account, name, server_certificate_not_found)


@transaction.atomic
def upload_server_certificate(
    *,
    account: Account,
    server_certificate_name: str,
    certificate_body: str,
    private_key: str,
    path: str = "/",
    certificate_chain: str | None = None,
    tags: Sequence[Any] | None = None,
) -> ServerCertificate:
    """UploadServerCertificate: a PEM certificate with its private key (and optionally its chain).

    ``MalformedCertificate`` when the certificate, chain or key cannot be read, ``KeyPairMismatch`` when the key is
    not the certificate's, ``EntityAlreadyExists`` for a taken name, ``LimitExceeded`` past 20 per account.
    """
    domain.validate_name(
        server_certificate_name,
        member="ServerCertificateName",
        field="server_certificate_name",
        max_length=SERVER_CERTIFICATE_NAME_MAX,
    )
    domain.validate_path(path)
    tag_map = domain.validate_tags(tags or [])
    certificate = pki.read_certificate(certificate_body)
    key = pki.check_key_pair(certificate, private_key)
    chain = pki.read_chain(certificate_chain) if certificate_chain else ""
    Account.objects.select_for_update().filter(pk=account.pk).first()
    certificates = ServerCertificate.objects.filter(account=account)
    if certificates.filter(name__iexact=server_certificate_name).exists():
        raise _exists(server_certificate_name, "server_certificate_name")
    if certificates.count() >= MAX_SERVER_CERTIFICATES_PER_ACCOUNT:
        raise LimitExceeded(
            f"Cannot exceed quota for ServerCertificatesPerAccount: {MAX_SERVER_CERTIFICATES_PER_ACCOUNT}"
        )
    return insert_unique(
        ServerCertificate,
        duplicate=_exists(server_certificate_name, "server_certificate_name"),
        account=account,
        server_certificate_id=ids.unique_id(ids.IdPrefix.SERVER_CERTIFICATE),
        name=server_certificate_name,
        path=path,
        body=certificate.pem,
        chain=chain,
        private_key_encrypted=crypto.encrypt(key),
        expiration=certificate.not_after,
        tags=tag_map,
        uploaded_at=timezone.now(),
    )


@transaction.atomic
def update_server_certificate(
    *,
    account: Account,
    server_certificate_name: str,
    new_path: str | None = None,
    new_server_certificate_name: str | None = None,
) -> None:
    """UpdateServerCertificate: rename or move the certificate (``EntityAlreadyExists`` when the name is taken)."""
    rename_and_move(
        lambda: lock_server_certificate(account, server_certificate_name),
        kind="The Server Certificate",
        new_name=new_server_certificate_name,
        new_path=new_path,
        member="NewServerCertificateName",
        field="new_server_certificate_name",
        max_length=SERVER_CERTIFICATE_NAME_MAX,
    )


@transaction.atomic
def delete_server_certificate(*, account: Account, server_certificate_name: str) -> None:
    """DeleteServerCertificate: remove the certificate and its private key for good."""
    lock_server_certificate(account, server_certificate_name).delete()


@transaction.atomic
def tag_server_certificate(*, account: Account, server_certificate_name: str, tags: Sequence[Any]) -> None:
    """TagServerCertificate: add tags or overwrite existing keys' values (at most 50 tags)."""
    tagging.tag(
        lambda: lock_server_certificate(account, server_certificate_name), tags, quota_name="TagsPerServerCertificate"
    )


@transaction.atomic
def untag_server_certificate(*, account: Account, server_certificate_name: str, tag_keys: Sequence[str]) -> None:
    """UntagServerCertificate: remove the tags with those keys (keys it does not have are ignored)."""
    tagging.untag(lambda: lock_server_certificate(account, server_certificate_name), tag_keys)


__all__ = [
    "delete_server_certificate",
    "server_certificate_arn",
    "server_certificate_not_found",
    "tag_server_certificate",
    "untag_server_certificate",
    "update_server_certificate",
    "upload_server_certificate",
]
