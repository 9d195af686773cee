"""Server certificate results shaped as botocore's IAM output shapes: never the private key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole import domain
from iamconsole.pagination import page_shape
from identities.awsapi.users import tags_shape
from identities.models import ServerCertificate
from identities.services.server_certificates import server_certificate_arn


def server_certificate_metadata_shape(certificate: ServerCertificate) -> dict[str, Any]:
    """``ServerCertificateMetadata``."""
    return {
        "Path": certificate.path,
        "ServerCertificateName": certificate.name,
        "ServerCertificateId": certificate.server_certificate_id,
        "Arn": server_certificate_arn(certificate.account.account_id, certificate.name, certificate.path),
        "UploadDate": certificate.uploaded_at,
        "Expiration": certificate.expiration,
    }


def _with_tags(shape: dict[str, Any], certificate: ServerCertificate) -> dict[str, Any]:
    if certificate.tags:
        shape["Tags"] = domain.tag_list(certificate.tags)
    return shape


def _uploaded_shape(certificate: ServerCertificate) -> dict[str, Any]:
    return _with_tags({"ServerCertificateMetadata": server_certificate_metadata_shape(certificate)}, certificate)


def _get_shape(certificate: ServerCertificate) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "ServerCertificateMetadata": server_certificate_metadata_shape(certificate),
        "CertificateBody": certificate.body,
    }
    if certificate.chain:
        shape["CertificateChain"] = certificate.chain
    return {"ServerCertificate": _with_tags(shape, certificate)}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "UploadServerCertificate": _uploaded_shape,
    "GetServerCertificate": _get_shape,
    "ListServerCertificates": lambda page: page_shape(
        "ServerCertificateMetadataList", page, server_certificate_metadata_shape
    ),
    "ListServerCertificateTags": tags_shape,
}
