"""boto3 contract tests for GetFederationToken through ``/aws``: the federated user's credentials answer
GetCallerIdentity as ``federated-user/NAME``, IAM refuses them, and of STS they may call nothing else; session
credentials may not federate; the parameters' rules come back as AWS's errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sts.models import StsSession
from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, error_of
from tests.factories import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset({"GetFederationToken"})

SESSION_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def proxy_sts(iam: Any, client: ClientFactory) -> Any:
    """An STS client of IAM user ``proxy``, allowed everything (so only AWS's own limits refuse it)."""
    iam.create_user(UserName="proxy")
    iam.put_user_policy(UserName="proxy", PolicyName="all", PolicyDocument=SESSION_POLICY)
    key = iam.create_access_key(UserName="proxy")["AccessKey"]
    return client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def test_federate_then_call_with_the_federated_credentials(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    sts = proxy_sts(iam, client)
    answer = sts.get_federation_token(Name="bob", Policy=SESSION_POLICY, DurationSeconds=900)
    arn = f"arn:aws:sts::{account.account_id}:federated-user/bob"
    assert answer["FederatedUser"] == {"FederatedUserId": f"{account.account_id}:bob", "Arn": arn}
    assert isinstance(answer["PackedPolicySize"], int) and 0 < answer["PackedPolicySize"] <= 100
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    remaining = credentials["Expiration"] - datetime.now(UTC)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)

    key, secret, token = credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    as_bob = client("sts", key=key, secret=secret, token=token)
    identity = as_bob.get_caller_identity()
    assert identity == {
        "UserId": f"{account.account_id}:bob",
        "Account": account.account_id,
        "Arn": arn,
        "ResponseMetadata": identity["ResponseMetadata"],
    }
    # IAM refuses federation credentials whatever the policies allow.
    bob_iam = client("iam", key=key, secret=secret, token=token)
    error = error_of(bob_iam.list_users)
    assert (error["Code"], error["Status"]) == ("InvalidClientTokenId", 403)
    assert error["Message"] == "The security token included in the request is invalid."
    # Of STS, only GetCallerIdentity.
    error = error_of(as_bob.get_federation_token, Name="again")
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Cannot call GetFederationToken with session credentials",
    )
    assert error_of(as_bob.get_session_token)["Code"] == "AccessDenied"
    assert error_of(as_bob.get_access_key_info, AccessKeyId=key)["Code"] == "AccessDenied"

    StsSession.objects.filter(access_key_id=key).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    error = error_of(as_bob.get_caller_identity)
    assert (error["Code"], error["Status"]) == ("ExpiredToken", 400)


def test_root_and_default_durations(client: ClientFactory, iam: Any) -> None:
    root_answer = client("sts").get_federation_token(Name="ops", DurationSeconds=129600)
    remaining = root_answer["Credentials"]["Expiration"] - datetime.now(UTC)
    assert timedelta(minutes=59) < remaining <= timedelta(hours=1)
    assert "PackedPolicySize" not in root_answer
    user_answer = proxy_sts(iam, client).get_federation_token(Name="ops")
    remaining = user_answer["Credentials"]["Expiration"] - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < remaining <= timedelta(hours=12)


def test_parameter_errors_and_session_credentials(iam: Any, client: ClientFactory) -> None:
    sts = proxy_sts(iam, client)
    loose = client("sts", validate=False)
    for params in ({"Name": "b"}, {"Name": "bob smith"}, {"Name": "b" * 33}, {"Name": "bob", "DurationSeconds": 899}):
        error = error_of(loose.get_federation_token, **params)
        assert (error["Code"], error["Status"]) == ("ValidationError", 400)
    error = error_of(sts.get_federation_token, Name="bob", Policy="{nope")
    assert error["Code"] == "MalformedPolicyDocument"
    session = sts.get_session_token()["Credentials"]
    with_token = client("sts", credentials=session)
    error = error_of(with_token.get_federation_token, Name="bob")
    assert (error["Code"], error["Message"]) == (
        "AccessDenied",
        "Cannot call GetFederationToken with session credentials",
    )


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
