"""Server certificates below the faces: the private key at rest, the quota, and the permission on both names."""

from __future__ import annotations

import pytest

from iamconsole import crypto, operations
from iamconsole.errors import AccessDenied, LimitExceeded
from identities.models import ServerCertificate
from tests import factories
from tests.factories import actor_for, allow, document
from tests.identities import pki_factory

pytestmark = pytest.mark.django_db


def _upload(account, name: str, index: int = 20) -> None:
    key = pki_factory.rsa_key(index)
    operations.run(
        account.root,
        "UploadServerCertificate",
        {
            "server_certificate_name": name,
            "certificate_body": pki_factory.certificate(key, common_name=f"{name}.example.com"),
            "private_key": pki_factory.private_key_pem(key),
        },
    )


def test_the_private_key_is_encrypted_at_rest_and_decrypts_to_what_was_uploaded(account):
    _upload(account, "www")
    stored = ServerCertificate.objects.get(name="www")
    assert "PRIVATE KEY" not in stored.private_key_encrypted
    assert crypto.decrypt(stored.private_key_encrypted) == pki_factory.private_key_pem(pki_factory.rsa_key(20)).strip()


def test_twenty_per_account(account, monkeypatch):
    from identities.services import server_certificates

    monkeypatch.setattr(server_certificates, "MAX_SERVER_CERTIFICATES_PER_ACCOUNT", 2)
    _upload(account, "one")
    _upload(account, "two")
    with pytest.raises(LimitExceeded, match="ServerCertificatesPerAccount: 2"):
        _upload(account, "three")


def test_renaming_needs_the_permission_on_the_new_name_too(account):
    _upload(account, "www")
    arn = f"arn:aws:iam::{account.account_id}:server-certificate/www"
    factories.user(account, "ops")
    factories.put_user_policy(
        account, "ops", document(allow("iam:UpdateServerCertificate", resource=arn)), policy_name="only-www"
    )
    ops = actor_for(account, "ops")
    with pytest.raises(AccessDenied, match="server-certificate/renamed"):
        operations.run(
            ops, "UpdateServerCertificate", {"server_certificate_name": "www", "new_server_certificate_name": "renamed"}
        )
    operations.run(ops, "UpdateServerCertificate", {"server_certificate_name": "www", "new_path": "/"})
