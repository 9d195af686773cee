"""boto3 contract tests for what requests carry into policy conditions: ``aws:MultiFactorAuthPresent`` (present and
false on temporary credentials without MFA, true with ``aws:MultiFactorAuthAge`` with it), ``aws:TokenIssueTime`` (to
the microsecond, so revoking older sessions spares one issued a moment later), and ``aws:SourceIp`` and
``aws:SecureTransport`` behind a trusted proxy."""

from __future__ import annotations

import ipaddress
import json
import time
from typing import Any

import pyotp
import pytest
from django.test import override_settings

from iamconsole import operations
from iamconsole.actors import Actor
from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, error_of
from tests.factories import AccountFixture, document

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset({"GetSessionToken", "AssumeRole", "CreateVirtualMFADevice", "EnableMFADevice"})

NO_MFA = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}


def user_with_key(iam: Any, client: ClientFactory, name: str, *statements: dict[str, Any]) -> Any:
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def role_needing_mfa(iam: Any, account: AccountFixture) -> str:
    """Role ``deployer``: trusted by the account, allowed ListUsers except in sessions without MFA."""
    trust = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"}}
    role = iam.create_role(
        RoleName="deployer", AssumeRolePolicyDocument=document({**trust, "Action": "sts:AssumeRole"})
    )
    iam.put_role_policy(
        RoleName="deployer",
        PolicyName="p",
        PolicyDocument=document(
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": NO_MFA},
        ),
    )
    return str(role["Role"]["Arn"])


def enable_device(iam: Any, user_name: str) -> tuple[str, pyotp.TOTP]:
    """A virtual device enabled for the user with the previous and current codes (the next one stays unspent)."""
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user_name}-phone")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(
        UserName=user_name,
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )
    return str(device["SerialNumber"]), totp


def test_a_policy_denying_without_mfa_stops_get_session_token_sessions_without_mfa(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    sts = user_with_key(
        iam,
        client,
        "alice",
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
        {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": NO_MFA},
    )
    role_arn = role_needing_mfa(iam, account)
    serial, totp = enable_device(iam, "alice")

    plain = client("sts", credentials=sts.get_session_token(DurationSeconds=900)["Credentials"])
    error = error_of(plain.assume_role, RoleArn=role_arn, RoleSessionName="work")
    assert error["Code"] == "AccessDenied"
    assert "with an explicit deny in an identity-based policy" in error["Message"]

    code = totp.at(time.time() + 30)
    with_mfa = sts.get_session_token(DurationSeconds=900, SerialNumber=serial, TokenCode=code)["Credentials"]
    role_session = client("sts", credentials=with_mfa).assume_role(RoleArn=role_arn, RoleSessionName="work")
    # The MFA moment carries over into the role session: the role's deny on "no MFA" does not apply.
    assert role_session["Credentials"]["AccessKeyId"].startswith("ASIA")
    client("iam", credentials=role_session["Credentials"]).list_users()


def test_a_role_session_without_mfa_has_mfa_present_false(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    sts = user_with_key(iam, client, "ops", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    role_arn = role_needing_mfa(iam, account)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="work")["Credentials"]
    error = error_of(client("iam", credentials=credentials).list_users)
    assert error["Code"] == "AccessDenied"
    assert "with an explicit deny in an identity-based policy" in error["Message"]


def test_mfa_age_is_in_the_role_session_context(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    sts = user_with_key(iam, client, "bob", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    serial, totp = enable_device(iam, "bob")
    trust = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"}}
    fresh_mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "300"}}
    role = iam.create_role(RoleName="fresh", AssumeRolePolicyDocument=document({**trust, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(
        RoleName="fresh",
        PolicyName="p",
        PolicyDocument=document(
            {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": fresh_mfa}
        ),
    )
    code = totp.at(time.time() + 30)
    credentials = sts.assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="work", SerialNumber=serial, TokenCode=code
    )["Credentials"]
    client("iam", credentials=credentials).list_users()


def test_revoking_older_sessions_spares_a_session_issued_a_moment_later(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    sts = user_with_key(iam, client, "carol", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    trust = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.account_id}:root"}}
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=document({**trust, "Action": "sts:AssumeRole"}))
    iam.put_role_policy(
        RoleName="worker",
        PolicyName="p",
        PolicyDocument=document({"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}),
    )
    role_arn = f"arn:aws:iam::{account.account_id}:role/worker"
    old = client("iam", credentials=sts.assume_role(RoleArn=role_arn, RoleSessionName="old")["Credentials"])
    old.list_users()
    # What the console's "Revoke active sessions" writes (the policy of RevokeOlderRoleSessions), at this moment.
    operations.run(Actor.root(account.account_id), "RevokeOlderRoleSessions", {"role_name": "worker"})
    new = client("iam", credentials=sts.assume_role(RoleArn=role_arn, RoleSessionName="new")["Credentials"])
    assert error_of(old.list_users)["Code"] == "AccessDenied"
    # Issued a few milliseconds after the revocation, usually within the same second: not revoked.
    new.list_users()


def test_source_ip_and_secure_transport_of_the_query_api_behind_a_proxy(
    client: ClientFactory, account: AccountFixture
) -> None:
    # The live server's peer is 127.0.0.1: listed as a proxy below, it forwards the client's address and scheme.
    iam = client("iam")
    iam.create_user(UserName="alice")
    condition = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "Bool": {"aws:SecureTransport": "true"}}
    allow = {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*", "Condition": condition}
    iam.put_user_policy(
        UserName="alice", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow]})
    )
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    alice = client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])

    def forwarded(request: Any, **_: Any) -> None:
        request.headers["X-Forwarded-For"] = "198.51.100.1, 203.0.113.9"
        request.headers["X-Forwarded-Proto"] = "https"

    alice.meta.events.register("before-send.iam", forwarded)
    # Not behind a listed proxy: the headers are the client's own words, and ignored.
    assert error_of(alice.list_users)["Code"] == "AccessDenied"
    with override_settings(
        IAM_TRUSTED_PROXIES=(ipaddress.ip_network("127.0.0.1/32"),),
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        alice.list_users()


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
