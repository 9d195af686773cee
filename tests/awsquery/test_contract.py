"""Contract tests: real boto3 clients and the AWS CLI against a live server, for every supported operation.

Each test drives ``/aws`` the way an AWS SDK does and checks what the SDK sees: parsed results, ``ClientError``
codes, paginators, presigned URLs, and the SigV4 failures a tampered or stale request gets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from xml.etree import ElementTree

import pytest
import urllib3
from botocore.exceptions import ClientError

from iamconsole.awsquery import views
from tests.awsquery.conftest import ClientFactory
from tests.factories import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)
NS = {"e": "https://iam.amazonaws.com/doc/2010-05-08/"}


def error_of(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return {**caught.value.response["Error"], "Status": caught.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def xml_error(response: urllib3.BaseHTTPResponse) -> tuple[int, str, str]:
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own server's response)
    assert root.tag in (
        "{https://iam.amazonaws.com/doc/2010-05-08/}ErrorResponse",
        "{https://sts.amazonaws.com/doc/2011-06-15/}ErrorResponse",
    )
    error = root.find("e:Error", NS) or root.find("{https://sts.amazonaws.com/doc/2011-06-15/}Error")
    assert error is not None
    code = error.findtext("{*}Code") or ""
    assert root.findtext("{*}RequestId") == response.headers["x-amzn-RequestId"]
    return response.status, code, error.findtext("{*}Message") or ""


# --- every supported operation: success paths and main errors ----------------------------------------------------


def test_account_aliases(iam: Any) -> None:
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="my-team")
    listed = iam.list_account_aliases()
    assert listed["AccountAliases"] == ["my-team"]
    assert listed["IsTruncated"] is False
    assert len(listed["ResponseMetadata"]["RequestId"]) == 36
    error = error_of(iam.create_account_alias, AccountAlias="Not_Valid")
    assert error["Code"] == "ValidationError"
    assert "at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression" in error["Message"]
    iam.delete_account_alias(AccountAlias="my-team")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_password_policy(iam: Any) -> None:
    error = error_of(iam.get_account_password_policy)
    assert (error["Code"], error["Status"]) == ("NoSuchEntity", 404)
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, MaxPasswordAge=90)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14
    assert policy["RequireSymbols"] is True
    assert policy["ExpirePasswords"] is True
    assert policy["MaxPasswordAge"] == 90
    error = error_of(iam.update_account_password_policy, MinimumPasswordLength=200)
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "1 validation error detected: Value '200' at 'minimumPasswordLength' failed to satisfy "
        "constraint: Member must have value less than or equal to 128"
    )
    iam.delete_account_password_policy()
    assert error_of(iam.get_account_password_policy)["Code"] == "NoSuchEntity"


def test_access_keys_lifecycle_and_last_used(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    created = iam.create_access_key()["AccessKey"]
    assert created["AccessKeyId"].startswith("AKIA")
    assert created["Status"] == "Active"
    assert isinstance(created["CreateDate"], datetime)
    other = client("iam", key=created["AccessKeyId"], secret=created["SecretAccessKey"])
    assert other.list_account_aliases()["AccountAliases"] == []
    used = iam.get_access_key_last_used(AccessKeyId=created["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-east-1")
    assert used["LastUsedDate"] > datetime.now(UTC) - timedelta(minutes=1)
    listed = {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys()["AccessKeyMetadata"]}
    assert listed == {account.access_key_id: "Active", created["AccessKeyId"]: "Active"}
    assert error_of(iam.create_access_key)["Code"] == "LimitExceeded"
    iam.update_access_key(AccessKeyId=created["AccessKeyId"], Status="Inactive")
    error = error_of(other.list_account_aliases)
    assert (error["Code"], error["Status"]) == ("InvalidClientTokenId", 403)
    assert (
        error_of(iam.update_access_key, AccessKeyId="AKIAIOSFODNN7EXAMPLE", Status="Active")["Code"] == "NoSuchEntity"
    )
    iam.delete_access_key(AccessKeyId=created["AccessKeyId"])
    assert [key["AccessKeyId"] for key in iam.list_access_keys()["AccessKeyMetadata"]] == [account.access_key_id]


def test_list_access_keys_through_a_boto3_paginator(iam: Any, account: AccountFixture) -> None:
    second = iam.create_access_key()["AccessKey"]["AccessKeyId"]
    pages = list(iam.get_paginator("list_access_keys").paginate(PaginationConfig={"PageSize": 1}))
    assert [len(page["AccessKeyMetadata"]) for page in pages] == [1, 1]
    assert pages[0]["IsTruncated"] is True
    assert pages[0]["Marker"]
    assert sorted(key["AccessKeyId"] for page in pages for key in page["AccessKeyMetadata"]) == sorted(
        [account.access_key_id, second]
    )


def test_garbage_marker_and_non_numeric_max_items_are_4xx(client: ClientFactory) -> None:
    loose = client("iam", validate=False)
    error = error_of(loose.list_access_keys, Marker="!!not-a-marker!!")
    assert error["Status"] == 400
    assert error["Code"] == "ValidationError"
    error = error_of(loose.list_access_keys, MaxItems="many")
    assert (error["Code"], error["Status"]) == ("ValidationError", 400)
    assert error["Message"] == (
        "1 validation error detected: Value 'many' at 'maxItems' failed to satisfy constraint: Member must be a number"
    )


def test_missing_required_parameter_is_validation_error(client: ClientFactory) -> None:
    error = error_of(client("iam", validate=False).get_access_key_last_used)
    assert (error["Code"], error["Status"], error["Type"]) == ("ValidationError", 400, "Sender")
    assert error["Message"] == (
        "1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null"
    )


# --- dispatch: service, action and version ------------------------------------------------------------------------


def test_action_of_the_other_service_is_invalid_action(raw: Any) -> None:
    response = raw({"Action": "GetCallerIdentity", "Version": "2011-06-15"}, service="iam")
    assert xml_error(response) == (
        400,
        "InvalidAction",
        "Could not find operation GetCallerIdentity for version 2011-06-15",
    )
    response = raw({"Action": "ListAccountAliases", "Version": "2010-05-08"}, service="sts")
    assert xml_error(response)[:2] == (400, "InvalidAction")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"Action": "ListAccountAliases", "Version": "2011-06-15"},
            "Could not find operation ListAccountAliases for version 2011-06-15",
        ),
        (
            {"Action": "ListAccountAliases"},
            "Could not find operation ListAccountAliases for version NO_VERSION_SPECIFIED",
        ),
        (
            {"Action": "MakeCoffee", "Version": "2010-05-08"},
            "Could not find operation MakeCoffee for version 2010-05-08",
        ),
    ],
)
def test_wrong_version_or_unknown_action(raw: Any, form: dict[str, str], message: str) -> None:
    assert xml_error(raw(form)) == (400, "InvalidAction", message)


def test_model_operation_not_implemented_is_invalid_action(raw: Any) -> None:
    # An action of botocore's IAM model that no app implements yet is not an operation of this endpoint.
    from iamconsole import operations
    from iamconsole.awsquery import params

    missing = sorted(set(params.service_model("iam").operation_names) - set(operations.operations()))
    if not missing:
        pytest.skip("every IAM action is implemented; the unknown-action test covers dispatch")
    response = raw({"Action": missing[0], "Version": "2010-05-08"})
    assert xml_error(response) == (
        400,
        "InvalidAction",
        f"Could not find operation {missing[0]} for version 2010-05-08",
    )


def test_missing_action(raw: Any) -> None:
    assert xml_error(raw({"Version": "2010-05-08"})) == (400, "MissingAction", "Missing Action")


def test_get_with_query_parameters_and_trailing_slash(client: ClientFactory, endpoint: str) -> None:
    iam = client("iam", url=f"{endpoint}/")
    iam.create_account_alias(AccountAlias="slash-team")
    url = iam.generate_presigned_url("list_account_aliases", Params={}, ExpiresIn=60, HttpMethod="GET")
    assert "/aws/?" in url
    response = urllib3.request("GET", url, retries=False, redirect=False)
    assert response.status == 200
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own server's response)
    assert root.tag == "{https://iam.amazonaws.com/doc/2010-05-08/}ListAccountAliasesResponse"
    assert root.findtext("e:ListAccountAliasesResult/e:AccountAliases/e:member", namespaces=NS) == "slash-team"


def test_presigned_url_expires_and_cannot_be_altered(iam: Any) -> None:
    url = iam.generate_presigned_url("list_account_aliases", Params={}, ExpiresIn=1, HttpMethod="GET")
    assert urllib3.request("GET", url, retries=False).status == 200
    altered = urllib3.request("GET", url.replace("ListAccountAliases", "ListAccessKeys"), retries=False)
    assert xml_error(altered)[:2] == (403, "SignatureDoesNotMatch")
    later = datetime.now(UTC) + timedelta(seconds=5)
    with mock.patch("iamconsole.awsquery.views.datetime") as clock:
        clock.now.return_value = later
        expired = urllib3.request("GET", url, retries=False)
    status, code, message = xml_error(expired)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert message.startswith("Signature expired: ")


# --- SigV4 failures: signed by botocore, then tampered with ------------------------------------------------------


def test_wrong_secret_is_signature_does_not_match(client: ClientFactory) -> None:
    error = error_of(client("iam", secret="not-the-secret").list_account_aliases)
    assert (error["Code"], error["Status"]) == ("SignatureDoesNotMatch", 403)
    assert error["Message"].startswith("The request signature we calculated does not match")


def test_unknown_key_is_invalid_client_token_id(client: ClientFactory) -> None:
    error = error_of(client("iam", key="AKIAIOSFODNN7EXAMPLE").list_account_aliases)
    assert (error["Code"], error["Status"]) == ("InvalidClientTokenId", 403)
    assert error["Message"] == "The security token included in the request is invalid."


def test_session_token_with_a_long_term_key_or_unknown_temporary_key(client: ClientFactory) -> None:
    assert error_of(client("iam", token="FwoGZXIvYXdzEXAMPLE").list_account_aliases)["Code"] == "InvalidClientTokenId"
    assert (
        error_of(client("iam", key="ASIAIOSFODNN7EXAMPLE", token="x").list_account_aliases)["Code"]
        == "InvalidClientTokenId"
    )


@pytest.mark.parametrize("tamper", ["body", "date", "unsigned-amz-header", "signature"])
def test_tampered_requests_are_refused(raw: Any, tamper: str) -> None:
    def mutate(request: Any) -> None:
        if tamper == "body":
            request.data = request.data.replace(b"ListAccountAliases", b"ListAccessKeys")
        elif tamper == "date":
            stamp = (datetime.now(UTC) - timedelta(seconds=30)).strftime("%Y%m%dT%H%M%SZ")
            request.headers.replace_header("X-Amz-Date", stamp)
        elif tamper == "unsigned-amz-header":
            request.headers["X-Amz-Security-Token"] = "added-later"
        else:
            auth = request.headers["Authorization"]
            request.headers.replace_header("Authorization", auth[:-4] + "0000")

    response = raw({"Action": "ListAccountAliases", "Version": "2010-05-08"}, mutate=mutate)
    assert xml_error(response)[:2] == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize(("minutes", "start"), [(-20, "Signature expired: "), (20, "Signature not yet current: ")])
def test_stale_or_future_signatures(raw: Any, minutes: int, start: str) -> None:
    moment = datetime.now(UTC) + timedelta(minutes=minutes)
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment.replace(tzinfo=None)):
        response = raw({"Action": "ListAccountAliases", "Version": "2010-05-08"})
    status, code, message = xml_error(response)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    assert message.startswith(start)


@pytest.mark.parametrize(
    ("authorization", "code", "status"),
    [
        (None, "MissingAuthenticationToken", 403),
        ("AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/iam", "IncompleteSignature", 400),
        ("AWS4-ECDSA-P256-SHA256 Credential=AKIA, SignedHeaders=host, Signature=00", "IncompleteSignature", 400),
    ],
)
def test_missing_or_malformed_authentication(raw: Any, authorization: str | None, code: str, status: int) -> None:
    def mutate(request: Any) -> None:
        del request.headers["Authorization"]
        if authorization is not None:
            request.headers["Authorization"] = authorization

    response = raw({"Action": "ListAccountAliases", "Version": "2010-05-08"}, mutate=mutate)
    assert xml_error(response)[:2] == (status, code)


# --- client input never gets a 500 -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"Action=ListAccountAliases&Version=2010-05-08&x=%ff%fe", b"\xff\xfe\x00garbage"])
def test_bad_encodings_are_malformed_query_string(raw: Any, body: bytes) -> None:
    assert xml_error(raw(body))[:2] == (400, "MalformedQueryString")


def test_oversized_body_is_413_and_the_server_keeps_serving(
    raw: Any, iam: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MAX_REQUEST_BYTES", 1024 * 1024)
    monkeypatch.setattr(views, "_DRAIN_LIMIT", 4 * 1024 * 1024)
    response = raw(b"Action=ListAccountAliases&Version=2010-05-08&Pad=" + b"a" * (2 * 1024 * 1024))
    assert xml_error(response)[:2] == (413, "RequestEntityTooLarge")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_other_methods_get_an_xml_405_and_nothing_redirects(endpoint: str) -> None:
    response = urllib3.request("PUT", endpoint, body=b"", retries=False, redirect=False)
    assert xml_error(response)[:2] == (405, "MethodNotAllowed")
    response = urllib3.request("POST", endpoint + "/", body=b"", retries=False, redirect=False)
    assert xml_error(response)[:2] == (403, "MissingAuthenticationToken")


# --- the AWS CLI ------------------------------------------------------------------------------------------------


def aws_cli(endpoint: str, account: AccountFixture, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    aws = Path(sys.executable).parent / "aws"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": account.access_key_id,
        "AWS_SECRET_ACCESS_KEY": account.secret_access_key,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    return subprocess.run(
        [str(aws), "--endpoint-url", endpoint, "--output", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_aws_cli_commands(endpoint: str, account: AccountFixture, tmp_path: Path) -> None:
    created = aws_cli(endpoint, account, tmp_path, "iam", "create-account-alias", "--account-alias", "cli-team")
    assert created.returncode == 0, created.stderr
    listed = aws_cli(endpoint, account, tmp_path, "iam", "list-account-aliases")
    assert json.loads(listed.stdout)["AccountAliases"] == ["cli-team"]
    keys = aws_cli(endpoint, account, tmp_path, "iam", "list-access-keys")
    assert [key["AccessKeyId"] for key in json.loads(keys.stdout)["AccessKeyMetadata"]] == [account.access_key_id]
    missing = aws_cli(endpoint, account, tmp_path, "iam", "get-account-password-policy")
    assert missing.returncode != 0
    assert "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation" in missing.stderr
