"""boto3 contract test for DecodeAuthorizationMessage: authorized as ``sts:DecodeAuthorizationMessage``, and every
message refused with STS's ``InvalidAuthorizationMessageException``, since iamconsole encodes none of its denials."""

from __future__ import annotations

from typing import Any

import pytest

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, error_of

pytestmark = pytest.mark.django_db(transaction=True)

COVERS: frozenset[str] = frozenset()
REFUSES = {"DecodeAuthorizationMessage": "InvalidAuthorizationMessageException"}


def test_every_message_is_refused_as_one_this_service_did_not_encode(client: ClientFactory) -> None:
    error = error_of(client("sts").decode_authorization_message, EncodedMessage="WYjJ2dXpjaG9kZXItbWVzc2FnZQ")
    assert (error["Code"], error["Status"]) == ("InvalidAuthorizationMessageException", 400)
    assert "encodes none" in error["Message"]


def test_it_needs_the_permission(iam: Any, client: ClientFactory) -> None:
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    sts = client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    error = error_of(sts.decode_authorization_message, EncodedMessage="abc")
    assert error["Code"] == "AccessDenied"
    assert "sts:DecodeAuthorizationMessage" in error["Message"]


def test_declared_operations_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS, REFUSES)
