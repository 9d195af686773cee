"""Access keys of IAM users and of the root user: a quota of 2 (inactive ones count), status, secrets, last use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iamconsole import authentication, operations
from iamconsole.authentication import user_actor
from iamconsole.errors import AccessDenied, InvalidClientTokenId, LimitExceeded, NoSuchEntity, ValidationError
from identities import services
from identities.awsapi import OUTPUTS
from identities.models import AccessKey
from tests import factories
from tests.checks import assert_stored_encrypted
from tests.identities.concurrency import run_concurrently


def create_key(account: Any, user_name: str | None = None) -> services.NewAccessKey:
    params = {"user_name": user_name} if user_name else {}
    result: services.NewAccessKey = operations.run(account.root, "CreateAccessKey", params)
    return result


def test_create_returns_the_secret_once_and_stores_it_encrypted(account):
    factories.user(account)
    new = create_key(account, "alice")

    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", new.access_key.access_key_id)
    assert len(new.secret_access_key) == 40
    assert_stored_encrypted("identities_accesskey", "secret_encrypted", new.access_key.pk, new.secret_access_key)

    created = OUTPUTS["CreateAccessKey"](new)["AccessKey"]
    assert created["SecretAccessKey"] == new.secret_access_key
    assert (created["UserName"], created["Status"]) == ("alice", "Active")
    listed = OUTPUTS["ListAccessKeys"](operations.run(account.root, "ListAccessKeys", {"user_name": "alice"}))
    assert listed == {
        "AccessKeyMetadata": [
            {
                "UserName": "alice",
                "AccessKeyId": new.access_key.access_key_id,
                "Status": "Active",
                "CreateDate": new.access_key.created_at,
            }
        ],
        "IsTruncated": False,
    }


def test_at_most_two_keys_per_user_inactive_ones_included(account):
    factories.user(account)
    first = create_key(account, "alice")
    create_key(account, "alice")
    operations.run(
        account.root,
        "UpdateAccessKey",
        {"user_name": "alice", "access_key_id": first.access_key.access_key_id, "status": "Inactive"},
    )
    with pytest.raises(LimitExceeded, match=re.escape("Cannot exceed quota for AccessKeysPerUser: 2")):
        create_key(account, "alice")
    operations.run(
        account.root, "DeleteAccessKey", {"user_name": "alice", "access_key_id": first.access_key.access_key_id}
    )
    create_key(account, "alice")


def test_root_keys_when_no_user_is_named(account):
    # The account fixture already holds one root key.
    second = create_key(account)
    assert second.access_key.user is None
    with pytest.raises(LimitExceeded):
        create_key(account)
    root_keys = operations.run(account.root, "ListAccessKeys")
    assert {key.access_key_id for key in root_keys} == {account.access_key_id, second.access_key.access_key_id}
    assert "UserName" not in OUTPUTS["ListAccessKeys"](root_keys)["AccessKeyMetadata"][0]


def test_an_inactive_key_stops_authenticating_at_once_and_comes_back(account):
    factories.user(account)
    new = create_key(account, "alice")
    key_id = new.access_key.access_key_id
    assert authentication.resolve_access_key(key_id).secret_access_key == new.secret_access_key
    params = {"user_name": "alice", "access_key_id": key_id}
    operations.run(account.root, "UpdateAccessKey", {**params, "status": "Inactive"})
    with pytest.raises(InvalidClientTokenId):
        authentication.resolve_access_key(key_id)
    operations.run(account.root, "UpdateAccessKey", {**params, "status": "Active"})
    assert authentication.resolve_access_key(key_id).actor.name == "alice"
    operations.run(account.root, "DeleteAccessKey", params)
    with pytest.raises(InvalidClientTokenId):
        authentication.resolve_access_key(key_id)


def test_status_must_be_one_of_aws_values(account):
    with pytest.raises(ValidationError, match=re.escape("Member must satisfy enum value set: [Active, Expired")):
        operations.run(account.root, "UpdateAccessKey", {"access_key_id": account.access_key_id, "status": "Disabled"})


def test_keys_are_found_only_under_their_owner(account, other_account):
    factories.user(account, "alice")
    factories.user(account, "bob")
    key_id = create_key(account, "alice").access_key.access_key_id
    with pytest.raises(NoSuchEntity, match=f"The Access Key with id {key_id} cannot be found."):
        operations.run(account.root, "DeleteAccessKey", {"user_name": "bob", "access_key_id": key_id})
    with pytest.raises(NoSuchEntity, match=re.escape("The user with name carol cannot be found.")):
        operations.run(account.root, "DeleteAccessKey", {"user_name": "carol", "access_key_id": key_id})
    with pytest.raises(NoSuchEntity):
        operations.run(account.root, "DeleteAccessKey", {"access_key_id": key_id})  # not a root key
    with pytest.raises(NoSuchEntity):
        operations.run(other_account.root, "GetAccessKeyLastUsed", {"access_key_id": key_id})
    assert AccessKey.objects.filter(access_key_id=key_id).exists()


def test_last_used_is_recorded_at_most_once_a_minute(account):
    factories.user(account, "alice", path="/eng/")
    key_id = create_key(account, "alice").access_key.access_key_id
    never = operations.run(account.root, "GetAccessKeyLastUsed", {"access_key_id": key_id})
    assert OUTPUTS["GetAccessKeyLastUsed"](never) == {
        "UserName": "alice",
        "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"},
    }

    authentication.record_key_use(key_id, "iam", "us-east-1")
    authentication.record_key_use(key_id, "sts", "eu-west-1")  # within the minute: not written
    used = operations.run(account.root, "GetAccessKeyLastUsed", {"access_key_id": key_id})
    assert (used.service_name, used.region) == ("iam", "us-east-1")
    assert used.last_used_at is not None
    assert OUTPUTS["GetAccessKeyLastUsed"](used)["AccessKeyLastUsed"]["LastUsedDate"] == used.last_used_at

    cache.clear()  # the minute has passed
    authentication.record_key_use(key_id, "sts", "eu-west-1")
    later = operations.run(account.root, "GetAccessKeyLastUsed", {"access_key_id": key_id})
    assert (later.service_name, later.region) == ("sts", "eu-west-1")


def test_get_last_used_is_authorized_against_the_owner(account):
    alice = factories.user(account, "alice", path="/eng/")
    key_id = create_key(account, "alice").access_key.access_key_id
    with pytest.raises(AccessDenied, match=f"on resource: arn:aws:iam::{account.account_id}:user/eng/alice"):
        operations.run(user_actor(alice), "GetAccessKeyLastUsed", {"access_key_id": key_id})


def test_list_uses_the_same_number_of_queries_for_one_key_and_two(account):
    factories.user(account)
    counts = []
    for _ in range(2):
        create_key(account, "alice")
        with CaptureQueriesContext(connection) as queries:
            page = operations.run(account.root, "ListAccessKeys", {"user_name": "alice"})
            OUTPUTS["ListAccessKeys"](page)
        counts.append(len(queries))
    assert len(page) == 2
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_stop_at_two(account):
    factories.user(account)
    results = run_concurrently(4, lambda: create_key(account, "alice"))
    created = [result for result in results if isinstance(result, services.NewAccessKey)]
    assert len(created) == 2
    assert all(isinstance(result, LimitExceeded) for result in results if result not in created)
    assert AccessKey.objects.filter(user__name="alice").count() == 2
