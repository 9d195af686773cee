"""SigV4 on the REST API as real clients sign it: ``curl --aws-sigv4`` (a subprocess against the live server) and
botocore's signer; a request altered after signing (body, path, query, method) is refused."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from iamconsole import operations
from tests import factories
from tests.api_client import HTTP
from tests.api_client import curl as signed_curl


def curl(account, url, *args):
    return signed_curl((account.access_key_id, account.secret_access_key), url, *args)


def test_curl_signs_reads_and_writes(live_server, account):
    factories.user(account, "bob")
    status, body = curl(account, f"{live_server.url}/api/v1/users/")
    assert status == 200
    assert [user["user_name"] for user in body["results"]] == ["bob"]
    status, body = curl(
        account,
        f"{live_server.url}/api/v1/roles/",
        "-H",
        "Content-Type: application/json",
        "-d",
        json.dumps(
            {
                "role_name": "from-curl",
                "assume_role_policy_document": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                },
            }
        ),
    )
    assert (status, body["role_name"]) == (201, "from-curl")
    status, _ = curl(account, f"{live_server.url}/api/v1/users/bob/", "-X", "DELETE")
    assert status == 204
    status, body = curl(account, f"{live_server.url}/api/v1/users/bob/")
    assert (status, body["code"]) == (404, "NoSuchEntity")


def test_curl_asks_the_context_keys_as_the_readme_shows(live_server, account):
    body = (
        '{"policy_input_list": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", '
        '"Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}]}'
    )
    url = f"{live_server.url}/api/v1/simulate/custom/context-keys/"
    status, answer = curl(account, url, "-H", "Content-Type: application/json", "-d", body)
    assert (status, answer) == (200, {"context_key_names": ["aws:SourceIp"]})


def test_curl_with_a_wrong_secret_is_refused(live_server, account):
    command = [
        str(shutil.which("curl")),
        "-s",
        "--aws-sigv4",
        "aws:amz:us-east-1:iam",
        "--user",
        f"{account.access_key_id}:{'x' * 40}",
        f"{live_server.url}/api/v1/users/",
    ]
    body = json.loads(subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout)
    assert body["code"] == "SignatureDoesNotMatch"


def signed_request(account, method, url, body=b""):
    request = AWSRequest(
        method=method, url=url, data=body, headers={"Content-Type": "application/json"} if body else {}
    )
    SigV4Auth(Credentials(account.access_key_id, account.secret_access_key), "iam", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def send(method, url, headers, body=None):
    response = HTTP.request(method, url, body=body, headers=headers)
    return response.status, json.loads(response.data) if response.data else None


def test_botocore_signed_write(live_server, account):
    url = f"{live_server.url}/api/v1/groups/"
    body = json.dumps({"group_name": "signed"}).encode()
    status, answer = send("POST", url, signed_request(account, "POST", url, body), body)
    assert (status, answer["group_name"]) == (201, "signed")


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/api/v1/groups/", json.dumps({"group_name": "evil"}).encode()),  # another body
        ("POST", "/api/v1/users/", json.dumps({"group_name": "honest"}).encode()),  # another path
        ("GET", "/api/v1/groups/?path_prefix=/x/", None),  # another query
        ("DELETE", "/api/v1/groups/", None),  # another method
    ],
)
def test_a_request_altered_after_signing_is_refused(live_server, account, method, url, body):
    honest = json.dumps({"group_name": "honest"}).encode()
    headers = signed_request(account, "POST", f"{live_server.url}/api/v1/groups/", honest)
    status, answer = send(method, live_server.url + url, headers, body)
    assert (status, answer["code"]) == (403, "SignatureDoesNotMatch")
    assert operations.run(account.root, "ListGroups", {}).items == []


def test_an_old_signature_is_refused(live_server, account):
    url = f"{live_server.url}/api/v1/users/"
    request = AWSRequest(method="GET", url=url)
    request.context["timestamp"] = "20200101T000000Z"
    SigV4Auth(Credentials(account.access_key_id, account.secret_access_key), "iam", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    headers["X-Amz-Date"] = "20200101T000000Z"
    status, answer = send("GET", url, headers)
    assert status == 403
    assert answer["code"] in {"SignatureDoesNotMatch", "RequestExpired"}


def test_a_console_session_must_send_the_csrf_token_to_write(live_server, account):
    from django.conf import settings

    from tests.factories import console_session

    cookie = f"{settings.SESSION_COOKIE_NAME}={console_session(account.root)}"
    response = urllib3.request(
        "POST",
        f"{live_server.url}/api/v1/groups/",
        body=json.dumps({"group_name": "forged"}),
        headers={"Cookie": cookie, "Content-Type": "application/json"},
        retries=False,
    )
    assert response.status == 403
    assert operations.run(account.root, "ListGroups", {}).items == []


def test_a_console_session_writes_with_its_csrf_token(live_server, account):
    from django.conf import settings

    from tests.factories import console_session

    token = "a" * 32
    cookie = f"{settings.SESSION_COOKIE_NAME}={console_session(account.root)}; {settings.CSRF_COOKIE_NAME}={token}"
    response = urllib3.request(
        "POST",
        f"{live_server.url}/api/v1/groups/",
        body=json.dumps({"group_name": "from-console"}),
        headers={"Cookie": cookie, "Content-Type": "application/json", "X-CSRFToken": token},
        retries=False,
    )
    assert response.status == 201
    assert [group.name for group in operations.run(account.root, "ListGroups", {}).items] == ["from-console"]


def _virtual_mfa_serial(account, name):
    created = operations.run(account.root, "CreateVirtualMFADevice", {"virtual_mfa_device_name": name})
    return created.device.serial_number


def test_an_arn_in_the_path_may_be_sent_as_it_is(live_server, account):
    """Clients send an ARN's colons unescaped (RFC 3986 allows them in a path) and sign them encoded once; curl and
    botocore's signer over a raw URL both do. The same path sent encoded is signed encoded twice: both are served."""
    raw = _virtual_mfa_serial(account, "raw")
    status, _ = curl(account, f"{live_server.url}/api/v1/mfa-devices/{raw}/", "-X", "DELETE")
    assert status == 204
    by_botocore = _virtual_mfa_serial(account, "by-botocore")
    url = f"{live_server.url}/api/v1/mfa-devices/{by_botocore}/"
    assert ":" in url.removeprefix("http://")
    assert send("DELETE", url, signed_request(account, "DELETE", url)) == (204, None)
    escaped = _virtual_mfa_serial(account, "escaped")
    url = f"{live_server.url}/api/v1/mfa-devices/{escaped.replace(':', '%3A')}/"
    assert send("DELETE", url, signed_request(account, "DELETE", url)) == (204, None)
    assert operations.run(account.root, "ListVirtualMFADevices", {}).items == []


def test_a_signature_for_one_arn_does_not_serve_another(live_server, account):
    kept = _virtual_mfa_serial(account, "kept")
    other = _virtual_mfa_serial(account, "other")
    headers = signed_request(account, "DELETE", f"{live_server.url}/api/v1/mfa-devices/{other}/")
    status, answer = send("DELETE", f"{live_server.url}/api/v1/mfa-devices/{kept}/", headers)
    assert (status, answer["code"]) == (403, "SignatureDoesNotMatch")
    assert len(operations.run(account.root, "ListVirtualMFADevices", {}).items) == 2
