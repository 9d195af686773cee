"""boto3 contract tests for server certificates through ``/aws``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.conftest import AccountFixture
from tests.identities import pki_factory

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "UploadServerCertificate", "GetServerCertificate", "ListServerCertificates", "UpdateServerCertificate",
        "DeleteServerCertificate", "TagServerCertificate", "UntagServerCertificate", "ListServerCertificateTags",
    }
)  # fmt: skip


def _signed_by_ca() -> tuple[str, str, str]:
    """A leaf certificate issued by a test CA: (body, private key, chain)."""
    ca_key = pki_factory.rsa_key(10)
    chain = pki_factory.certificate(ca_key, common_name="Test CA")
    leaf_key = pki_factory.rsa_key(11)
    body = pki_factory.certificate(leaf_key, common_name="www.example.com", issuer_key=ca_key, issuer_name="Test CA")
    return body, pki_factory.private_key_pem(leaf_key), chain


def test_server_certificate_lifecycle(iam: Any, account: AccountFixture) -> None:
    body, key, chain = _signed_by_ca()
    uploaded = iam.upload_server_certificate(
        ServerCertificateName="www",
        Path="/cloudfront/",
        CertificateBody=body,
        PrivateKey=key,
        CertificateChain=chain,
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    metadata = uploaded["ServerCertificateMetadata"]
    assert metadata["Arn"] == f"arn:aws:iam::{account.account_id}:server-certificate/cloudfront/www"
    assert metadata["ServerCertificateId"].startswith("ASCA")
    assert isinstance(metadata["Expiration"], datetime)
    assert uploaded["Tags"] == [{"Key": "env", "Value": "prod"}]

    got = iam.get_server_certificate(ServerCertificateName="www")["ServerCertificate"]
    assert got["CertificateBody"] == body.strip()
    assert got["CertificateChain"] == chain.strip()
    assert got["ServerCertificateMetadata"]["Path"] == "/cloudfront/"
    assert "PrivateKey" not in got

    taken = error_of(iam.upload_server_certificate, ServerCertificateName="WWW", CertificateBody=body, PrivateKey=key)
    assert (taken["Code"], taken["Status"]) == ("EntityAlreadyExists", 409)

    listed = iam.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]
    assert [item["ServerCertificateName"] for item in listed] == ["www"]
    assert iam.list_server_certificates(PathPrefix="/elb/")["ServerCertificateMetadataList"] == []

    iam.tag_server_certificate(ServerCertificateName="www", Tags=[{"Key": "team", "Value": "web"}])
    iam.untag_server_certificate(ServerCertificateName="www", TagKeys=["env"])
    assert iam.list_server_certificate_tags(ServerCertificateName="www")["Tags"] == [{"Key": "team", "Value": "web"}]

    iam.update_server_certificate(ServerCertificateName="www", NewServerCertificateName="www-2024", NewPath="/elb/")
    moved = iam.get_server_certificate(ServerCertificateName="www-2024")["ServerCertificate"]
    assert moved["ServerCertificateMetadata"]["Arn"].endswith(":server-certificate/elb/www-2024")
    assert code_of(iam.get_server_certificate, ServerCertificateName="www") == "NoSuchEntity"

    iam.delete_server_certificate(ServerCertificateName="www-2024")
    missing = error_of(iam.delete_server_certificate, ServerCertificateName="www-2024")
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)
    assert missing["Message"] == "The Server Certificate with name www-2024 cannot be found."


def test_server_certificate_errors(iam: Any) -> None:
    body, key, _chain = _signed_by_ca()
    other_key = pki_factory.private_key_pem(pki_factory.rsa_key(12))
    mismatch = error_of(
        iam.upload_server_certificate, ServerCertificateName="a", CertificateBody=body, PrivateKey=other_key
    )
    assert (mismatch["Code"], mismatch["Status"]) == ("KeyPairMismatch", 400)
    bad_body = error_of(
        iam.upload_server_certificate, ServerCertificateName="a", CertificateBody="junk", PrivateKey=key
    )
    assert (bad_body["Code"], bad_body["Status"]) == ("MalformedCertificate", 400)
    assert code_of(
        iam.upload_server_certificate, ServerCertificateName="a", CertificateBody=body, PrivateKey="junk"
    ) == ("MalformedCertificate")
    assert (
        code_of(
            iam.upload_server_certificate,
            ServerCertificateName="a",
            CertificateBody=body,
            PrivateKey=key,
            CertificateChain="-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----",
        )
        == "MalformedCertificate"
    )
    assert code_of(
        iam.upload_server_certificate, ServerCertificateName="bad/name", CertificateBody=body, PrivateKey=key
    ) == ("ValidationError")
    # An EC key pair is accepted as well.
    ec_key = ec.generate_private_key(ec.SECP256R1())
    iam.upload_server_certificate(
        ServerCertificateName="ec",
        CertificateBody=pki_factory.certificate(ec_key, common_name="ec.example.com"),
        PrivateKey=pki_factory.private_key_pem(ec_key),
    )
    assert code_of(iam.tag_server_certificate, ServerCertificateName="nope", Tags=[{"Key": "a", "Value": "b"}]) == (
        "NoSuchEntity"
    )


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
