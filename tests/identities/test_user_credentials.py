"""SSH public keys, signing certificates and service-specific credentials below the faces: races on the quotas and
duplicates, query counts of the lists, cross-account isolation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iamconsole import operations
from iamconsole.errors import DuplicateCertificate, DuplicateSSHPublicKey, LimitExceeded, NoSuchEntity
from identities.awsapi import OUTPUTS
from identities.models import ServiceSpecificCredential, SigningCertificate, SSHPublicKey
from tests import factories
from tests.identities import pki_factory
from tests.identities.concurrency import run_concurrently


def _upload_key(account, index: int, name: str = "dev"):
    body = pki_factory.ssh_public_key(index)
    return operations.run(account.root, "UploadSSHPublicKey", {"user_name": name, "ssh_public_key_body": body})


def _assert_raced(results: list[object], kept: type, count: int, refused: type[Exception]) -> None:
    """``count`` of the racing calls made a ``kept``; every other one was refused with ``refused``."""
    assert len([result for result in results if isinstance(result, kept)]) == count
    assert all(isinstance(result, refused) for result in results if not isinstance(result, kept))


@pytest.mark.django_db(transaction=True)
def test_the_same_ssh_key_uploaded_concurrently_is_kept_once(account):
    factories.user(account, "dev")
    pki_factory.ssh_public_key(40)  # made before the race: the threads must upload one and the same key
    results = run_concurrently(3, lambda: _upload_key(account, 40))
    _assert_raced(results, SSHPublicKey, 1, DuplicateSSHPublicKey)
    assert SSHPublicKey.objects.filter(user__name="dev").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_ssh_key_uploads_stop_at_five(account):
    factories.user(account, "dev")
    for index in range(3):
        _upload_key(account, 41 + index)
    keys = iter([pki_factory.ssh_public_key(index) for index in range(44, 48)])  # made before the race
    results = run_concurrently(
        4,
        lambda: operations.run(
            account.root, "UploadSSHPublicKey", {"user_name": "dev", "ssh_public_key_body": next(keys)}
        ),
    )
    _assert_raced(results, SSHPublicKey, 2, LimitExceeded)
    assert SSHPublicKey.objects.filter(user__name="dev").count() == 5


@pytest.mark.django_db(transaction=True)
def test_one_signing_certificate_twice_in_two_users_concurrently(account):
    factories.user(account, "a")
    factories.user(account, "b")
    body = pki_factory.certificate(pki_factory.rsa_key(48), common_name="shared")
    names = iter(["a", "b"])
    results = run_concurrently(
        2,
        lambda: operations.run(
            account.root, "UploadSigningCertificate", {"user_name": next(names), "certificate_body": body}
        ),
    )
    assert len([result for result in results if isinstance(result, SigningCertificate)]) == 1
    assert any(isinstance(result, DuplicateCertificate) for result in results)


@pytest.mark.django_db(transaction=True)
def test_concurrent_service_credentials_stop_at_two_per_service(account):
    factories.user(account, "dev")
    results = run_concurrently(
        4,
        lambda: operations.run(
            account.root,
            "CreateServiceSpecificCredential",
            {"user_name": "dev", "service_name": "codecommit.amazonaws.com"},
        ),
    )
    assert len([result for result in results if not isinstance(result, Exception)]) == 2
    assert all(isinstance(result, LimitExceeded) for result in results if isinstance(result, Exception))
    assert ServiceSpecificCredential.objects.filter(user__name="dev").count() == 2


@pytest.mark.django_db
def test_lists_take_the_same_queries_for_one_and_several_items(account):
    factories.user(account, "dev")
    counts = []
    for index in (49, 50):
        _upload_key(account, index)
        body = pki_factory.certificate(pki_factory.rsa_key(index), common_name=f"c{index}")
        operations.run(account.root, "UploadSigningCertificate", {"user_name": "dev", "certificate_body": body})
        operations.run(
            account.root,
            "CreateServiceSpecificCredential",
            {"user_name": "dev", "service_name": "cassandra.amazonaws.com"},
        )
        with CaptureQueriesContext(connection) as queries:
            for name in ("ListSSHPublicKeys", "ListSigningCertificates", "ListServiceSpecificCredentials"):
                OUTPUTS[name](operations.run(account.root, name, {"user_name": "dev"}))
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_nothing_crosses_accounts(account, other_account):
    factories.user(account, "dev")
    key = _upload_key(account, 51)
    factories.user(other_account, "dev")
    with pytest.raises(NoSuchEntity):
        operations.run(
            other_account.root,
            "GetSSHPublicKey",
            {"user_name": "dev", "ssh_public_key_id": key.ssh_public_key_id, "encoding": "SSH"},
        )
    with pytest.raises(NoSuchEntity):
        operations.run(
            other_account.root,
            "DeleteSSHPublicKey",
            {"user_name": "dev", "ssh_public_key_id": key.ssh_public_key_id},
        )
    assert SSHPublicKey.objects.filter(pk=key.pk).exists()
