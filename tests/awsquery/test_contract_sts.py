"""boto3 and AWS CLI contract tests for STS: AssumeRole, temporary credentials before and after expiry, a wrong
session token, GetSessionToken, GetCallerIdentity (also presigned), GetAccessKeyInfo; and IAM through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import urllib3

from sts.models import StsSession
from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, error_of
from tests.factories import AccountFixture, allow, document, trust

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset({"AssumeRole", "GetSessionToken", "GetCallerIdentity", "GetAccessKeyInfo"})


def assumer(iam: Any, client: ClientFactory) -> Any:
    """An STS client of IAM user ``ops``, allowed sts:AssumeRole (the root user may not assume roles)."""
    iam.create_user(UserName="ops")
    iam.put_user_policy(UserName="ops", PolicyName="assume", PolicyDocument=document(allow("sts:AssumeRole")))
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    return client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])


def make_role(iam: Any, account: AccountFixture, *actions: str) -> str:
    root_trust = trust(f"arn:aws:iam::{account.account_id}:root")
    role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=root_trust)["Role"]
    iam.put_role_policy(RoleName="deployer", PolicyName="p", PolicyDocument=document(allow(list(actions))))
    return str(role["Arn"])


def expire(access_key_id: str) -> None:
    """Move a session's expiry into the past, as time would (the sweep has not run: authentication must refuse)."""
    StsSession.objects.filter(access_key_id=access_key_id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))


def test_assume_role_then_call_with_the_temporary_credentials(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    role_arn = make_role(iam, account, "iam:ListUsers")
    sts = assumer(iam, client)
    error = error_of(client("sts").assume_role, RoleArn=role_arn, RoleSessionName="ci")
    assert (error["Code"], error["Message"]) == ("AccessDenied", "Roles may not be assumed by root accounts.")
    assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName="ci", DurationSeconds=900)
    credentials = assumed["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert isinstance(credentials["Expiration"], datetime)
    remaining = credentials["Expiration"] - datetime.now(UTC)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)
    session_arn = f"arn:aws:sts::{account.account_id}:assumed-role/deployer/ci"
    assert assumed["AssumedRoleUser"]["Arn"] == session_arn
    assert assumed["AssumedRoleUser"]["AssumedRoleId"].endswith(":ci")
    assert "PackedPolicySize" not in assumed  # only with session policies or tags

    key, secret, token = credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    as_role = client("sts", key=key, secret=secret, token=token)
    identity = as_role.get_caller_identity()
    assert (identity["Arn"], identity["Account"]) == (session_arn, account.account_id)
    assert identity["UserId"] == assumed["AssumedRoleUser"]["AssumedRoleId"]
    role_iam = client("iam", key=key, secret=secret, token=token)
    assert [user["UserName"] for user in role_iam.list_users()["Users"]] == ["ops"]
    error = error_of(role_iam.create_user, UserName="mallory")
    assert (error["Code"], error["Status"]) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: {session_arn} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{account.account_id}:user/mallory "
        "because no identity-based policy allows the iam:CreateUser action"
    )
    assert error_of(sts.get_access_key_info, AccessKeyId=key)["Code"] == "AccessDenied"  # ops may only AssumeRole
    info = client("sts").get_access_key_info(AccessKeyId=key)
    assert info["Account"] == account.account_id

    wrong = client("iam", key=key, secret=secret, token=token[:-4] + "AAAA")
    error = error_of(wrong.list_users)
    assert (error["Code"], error["Status"]) == ("InvalidClientTokenId", 403)
    missing = client("iam", key=key, secret=secret)
    assert error_of(missing.list_users)["Code"] == "InvalidClientTokenId"

    expire(key)
    error = error_of(role_iam.list_users)
    assert (error["Code"], error["Status"]) == ("ExpiredToken", 400)
    assert error["Message"] == "The security token included in the request is expired"
    assert error_of(as_role.get_caller_identity)["Code"] == "ExpiredToken"


def test_assume_role_errors(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    role_arn = make_role(iam, account, "iam:ListUsers")
    sts = assumer(iam, client)
    missing = role_arn.replace("deployer", "nobody")
    error = error_of(sts.assume_role, RoleArn=missing, RoleSessionName="ci")
    assert (error["Code"], error["Status"]) == ("AccessDenied", 403)
    error = error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="ci", DurationSeconds=7200)
    assert (error["Code"], error["Status"]) == ("ValidationError", 400)
    assert "DurationSeconds exceeds the MaxSessionDuration set for this role" in error["Message"]
    loose = client("sts", validate=False)
    assert error_of(loose.assume_role, RoleArn=role_arn, RoleSessionName="bad name!")["Code"] == "ValidationError"


def test_get_session_token(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    iam.create_user(UserName="alice")
    iam.put_user_policy(
        UserName="alice",
        PolicyName="all",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    alice_sts = client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    credentials = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert isinstance(credentials["Expiration"], datetime)
    temporary = {"key": credentials["AccessKeyId"], "secret": credentials["SecretAccessKey"]}
    temporary["token"] = credentials["SessionToken"]
    identity = client("sts", **temporary).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{account.account_id}:user/alice"
    # Without MFA, GetSessionToken credentials may not call IAM: AWS refuses the token itself.
    error = error_of(client("iam", **temporary).list_users)
    assert (error["Code"], error["Status"]) == ("InvalidClientTokenId", 403)
    # Session credentials cannot ask for another session token.
    assert error_of(client("sts", **temporary).get_session_token)["Code"] == "AccessDenied"
    loose = client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"], validate=False)
    assert error_of(loose.get_session_token, DurationSeconds=600)["Code"] == "ValidationError"


def test_presigned_get_caller_identity(client: ClientFactory, account: AccountFixture) -> None:
    url = client("sts").generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    response = urllib3.request("GET", url, retries=False)
    assert response.status == 200
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own server's response)
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert root.findtext("s:GetCallerIdentityResult/s:Account", namespaces=ns) == account.account_id
    assert root.findtext("s:GetCallerIdentityResult/s:Arn", namespaces=ns) == f"arn:aws:iam::{account.account_id}:root"
    tampered = urllib3.request("GET", url.replace("GetCallerIdentity", "GetSessionToken"), retries=False)
    assert tampered.status == 403


# --- the AWS CLI ------------------------------------------------------------------------------------------------


def aws(endpoint: str, account: AccountFixture, cwd: Path, *args: str) -> Any:
    """Run ``aws --endpoint-url ENDPOINT --output json ARGS`` with the account's root key; its parsed JSON output."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "AWS_ACCESS_KEY_ID": account.access_key_id,
        "AWS_SECRET_ACCESS_KEY": account.secret_access_key,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    command = [str(Path(sys.executable).parent / "aws"), "--endpoint-url", endpoint, "--output", "json", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_aws_cli(endpoint: str, account: AccountFixture, tmp_path: Path) -> None:
    created = aws(endpoint, account, tmp_path, "iam", "create-user", "--user-name", "cli-user", "--path", "/cli/")
    assert created["User"]["Arn"] == f"arn:aws:iam::{account.account_id}:user/cli/cli-user"
    listed = aws(endpoint, account, tmp_path, "iam", "list-users")
    assert [user["UserName"] for user in listed["Users"]] == ["cli-user"]
    identity = aws(endpoint, account, tmp_path, "sts", "get-caller-identity")
    assert identity == {
        "UserId": account.account_id,
        "Account": account.account_id,
        "Arn": f"arn:aws:iam::{account.account_id}:root",
    }
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    (tmp_path / "trust.json").write_text(json.dumps(trust))
    role = aws(
        endpoint, account, tmp_path, "iam", "create-role", "--role-name", "cli-role",
        "--assume-role-policy-document", f"file://{tmp_path / 'trust.json'}",
    )["Role"]  # fmt: skip
    assert role["Arn"] == f"arn:aws:iam::{account.account_id}:role/cli-role"
    # The CLI prints the document boto3 decoded: the trust policy as JSON, not URL-encoded text.
    assert role["AssumeRolePolicyDocument"] == trust


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
