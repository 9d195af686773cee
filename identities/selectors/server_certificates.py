"""Reads on server certificates: never the private key."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.models import ServerCertificate
from identities.selectors.named import get_named, list_named_tags
from identities.selectors.users import TagPage, filter_path_prefix


def _not_found(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The Server Certificate with name {name} cannot be found.", field="server_certificate_name")


def get_server_certificate(*, account: Account, server_certificate_name: str) -> ServerCertificate:
    """GetServerCertificate: the certificate, its chain, metadata and tags."""
    return get_named(
        ServerCertificate, account=account, name=server_certificate_name, not_found=_not_found, related=("account",)
    )


def server_certificate_path_and_tags(*, account: Account, name: str) -> tuple[str, dict[str, str]] | None:
    """The path and tags of the named certificate, or None: what its ARN and ``aws:ResourceTag/*`` come from."""
    row = ServerCertificate.objects.filter(account=account, name__iexact=name).values_list("path", "tags").first()
    return (row[0], dict(row[1] or {})) if row else None


def list_server_certificates(
    *, account: Account, path_prefix: str | None = None, marker: str | None = None, max_items: int | None = None
) -> Page[ServerCertificate]:
    """ListServerCertificates: the account's certificates under ``path_prefix``, oldest first."""
    certificates = filter_path_prefix(ServerCertificate.objects.filter(account=account), path_prefix)
    return paginate(certificates.select_related("account"), key="pk", marker=marker, max_items=max_items)


def list_server_certificate_tags(
    *, account: Account, server_certificate_name: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """ListServerCertificateTags: the certificate's tags by key."""
    return list_named_tags(
        ServerCertificate,
        account=account,
        name=server_certificate_name,
        not_found=_not_found,
        marker=marker,
        max_items=max_items,
    )


__all__ = [
    "get_server_certificate",
    "list_server_certificate_tags",
    "list_server_certificates",
    "server_certificate_path_and_tags",
]
