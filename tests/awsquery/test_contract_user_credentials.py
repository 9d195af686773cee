"""boto3 contract tests for SSH public keys and signing certificates through ``/aws``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.identities import pki_factory

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "UploadSSHPublicKey", "GetSSHPublicKey", "ListSSHPublicKeys", "UpdateSSHPublicKey", "DeleteSSHPublicKey",
        "UploadSigningCertificate", "ListSigningCertificates", "UpdateSigningCertificate",
        "DeleteSigningCertificate",
    }
)  # fmt: skip


def test_ssh_public_keys_upload_get_list_update_delete(iam: Any) -> None:
    iam.create_user(UserName="dev")
    uploaded = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=pki_factory.ssh_public_key(0))
    key = uploaded["SSHPublicKey"]
    assert key["UserName"] == "dev"
    assert key["SSHPublicKeyId"].startswith("APKA") and len(key["SSHPublicKeyId"]) == 20
    assert key["Status"] == "Active"
    assert isinstance(key["UploadDate"], datetime)
    # MD5 of the key blob as 16 colon-separated hex pairs; the comment is not kept.
    assert len(key["Fingerprint"].split(":")) == 16
    assert key["SSHPublicKeyBody"] == pki_factory.ssh_public_key(0).rsplit(" ", 1)[0]
    key_id = key["SSHPublicKeyId"]

    as_ssh = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    assert as_ssh["SSHPublicKeyBody"].startswith("ssh-rsa AAAA")
    as_pem = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert as_pem["SSHPublicKeyBody"] == pki_factory.pem_public_key(0)
    assert as_pem["Fingerprint"] == key["Fingerprint"]

    # The same key in PEM encoding is the same key: a duplicate.
    duplicate = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=pki_factory.pem_public_key(0))
    assert (duplicate["Code"], duplicate["Status"]) == ("DuplicateSSHPublicKey", 400)

    listed = iam.list_ssh_public_keys(UserName="dev")
    assert [item["SSHPublicKeyId"] for item in listed["SSHPublicKeys"]] == [key_id]
    assert "SSHPublicKeyBody" not in listed["SSHPublicKeys"][0]
    assert listed["IsTruncated"] is False

    iam.update_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id, Status="Inactive")
    assert iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"][0]["Status"] == "Inactive"

    assert code_of(iam.delete_user, UserName="dev") == "DeleteConflict"
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key_id)
    assert iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"] == []
    gone = error_of(iam.get_ssh_public_key, UserName="dev", SSHPublicKeyId=key_id, Encoding="SSH")
    assert (gone["Code"], gone["Status"]) == ("NoSuchEntity", 404)
    assert gone["Message"] == f"The Public Key with id {key_id} cannot be found."
    iam.delete_user(UserName="dev")


def test_ssh_public_key_errors(iam: Any) -> None:
    iam.create_user(UserName="dev")
    unrecognized = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody="ssh-rsa not-base64")
    assert (unrecognized["Code"], unrecognized["Status"]) == ("UnrecognizedPublicKeyEncoding", 400)
    assert code_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody="hello") == (
        "UnrecognizedPublicKeyEncoding"
    )
    # IAM takes RSA keys only ("encoded in ssh-rsa format or PEM format", UploadSSHPublicKey): an ed25519 key, in
    # either encoding, is refused as EC2's ImportKeyPair would accept it but IAM does not.
    ed25519 = Ed25519PrivateKey.generate().public_key()
    for body in (
        ed25519.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode(),
        ed25519.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
    ):
        refused = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=body)
        assert (refused["Code"], refused["Status"]) == ("UnrecognizedPublicKeyEncoding", 400)
    short = pki_factory.ssh_public_key(0, bits=1024)
    assert code_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=short) == "InvalidPublicKey"
    assert code_of(iam.upload_ssh_public_key, UserName="nobody", SSHPublicKeyBody=pki_factory.ssh_public_key(0)) == (
        "NoSuchEntity"
    )
    for index in range(5):
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=pki_factory.ssh_public_key(index))
    over = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=pki_factory.ssh_public_key(5))
    assert (over["Code"], over["Status"]) == ("LimitExceeded", 409)
    key_id = iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"][0]["SSHPublicKeyId"]
    assert code_of(iam.update_ssh_public_key, UserName="dev", SSHPublicKeyId=key_id, Status="Expired") == (
        "ValidationError"
    )

    page = iam.list_ssh_public_keys(UserName="dev", MaxItems=2)
    assert page["IsTruncated"] is True and len(page["SSHPublicKeys"]) == 2
    rest = iam.list_ssh_public_keys(UserName="dev", Marker=page["Marker"])
    assert len(rest["SSHPublicKeys"]) == 3


def test_signing_certificates(iam: Any) -> None:
    iam.create_user(UserName="signer")
    body = pki_factory.certificate(pki_factory.rsa_key(0), common_name="signer")
    uploaded = iam.upload_signing_certificate(UserName="signer", CertificateBody=body)["Certificate"]
    assert uploaded["UserName"] == "signer"
    assert uploaded["Status"] == "Active"
    assert uploaded["CertificateBody"] == body.strip()
    assert len(uploaded["CertificateId"]) >= 24
    certificate_id = uploaded["CertificateId"]

    # The same certificate again, for anyone in the account, is a duplicate.
    iam.create_user(UserName="other")
    duplicate = error_of(iam.upload_signing_certificate, UserName="other", CertificateBody=body)
    assert (duplicate["Code"], duplicate["Status"]) == ("DuplicateCertificate", 409)
    malformed = error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody="-----BEGIN CERTIFICATE")
    assert (malformed["Code"], malformed["Status"]) == ("MalformedCertificate", 400)
    expired = pki_factory.certificate(pki_factory.rsa_key(1), start=datetime.now(UTC) - timedelta(days=30), days=10)
    assert code_of(iam.upload_signing_certificate, UserName="signer", CertificateBody=expired) == "InvalidCertificate"

    second = pki_factory.certificate(pki_factory.rsa_key(1), common_name="second")
    iam.upload_signing_certificate(UserName="signer", CertificateBody=second)
    third = pki_factory.certificate(pki_factory.rsa_key(2), common_name="third")
    over = error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody=third)
    assert (over["Code"], over["Status"]) == ("LimitExceeded", 409)

    listed = iam.list_signing_certificates(UserName="signer")["Certificates"]
    assert len(listed) == 2
    assert listed[0]["CertificateId"] == certificate_id
    iam.update_signing_certificate(UserName="signer", CertificateId=certificate_id, Status="Inactive")
    statuses = {
        item["CertificateId"]: item["Status"]
        for item in iam.list_signing_certificates(UserName="signer")["Certificates"]
    }
    assert statuses[certificate_id] == "Inactive"
    assert code_of(iam.delete_user, UserName="signer") == "DeleteConflict"
    iam.delete_signing_certificate(UserName="signer", CertificateId=certificate_id)
    missing = error_of(iam.delete_signing_certificate, UserName="signer", CertificateId=certificate_id)
    assert (missing["Code"], missing["Status"]) == ("NoSuchEntity", 404)


def test_the_root_user_has_its_own_signing_certificates(iam: Any, account: Any) -> None:
    body = pki_factory.certificate(pki_factory.rsa_key(3), common_name="root")
    uploaded = iam.upload_signing_certificate(CertificateBody=body)["Certificate"]
    assert uploaded["UserName"] == account.account_id
    assert [item["CertificateId"] for item in iam.list_signing_certificates()["Certificates"]] == [
        uploaded["CertificateId"]
    ]
    iam.delete_signing_certificate(CertificateId=uploaded["CertificateId"])
    assert iam.list_signing_certificates()["Certificates"] == []


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
