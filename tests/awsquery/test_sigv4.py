"""SigV4 verification: AWS's published test suite, requests signed by botocore, and every way a signature can fail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from iamconsole.awsquery import sigv4
from iamconsole.errors import (
    IamError,
    IncompleteSignature,
    MalformedQueryString,
    MissingAuthenticationToken,
    SignatureDoesNotMatch,
)

SUITE: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "sigv4_test_suite.json").read_text("utf-8"))
SECRET = SUITE["config"]["secretAccessKey"]
SUITE_TIME = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)


def parse_raw(raw: str, authorization: str | None = None) -> sigv4.ReceivedRequest:
    """A test-suite ``.req`` file as a WSGI server would hand it over (repeated headers joined by commas)."""
    head, _, body = raw.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, rest = request_line.split(" ", 1)
    uri = rest.rsplit(" ", 1)[0]
    path, _, query = uri.partition("?")
    headers: dict[str, str] = {}
    last = ""
    for line in header_lines:
        if line[:1].isspace():  # an obsolete folded continuation line
            headers[last] += "," + line.strip()
            continue
        name, _, value = line.partition(":")
        last = name.lower()
        headers[last] = f"{headers[last]},{value.strip()}" if last in headers else value.strip()
    if authorization is not None:
        headers["authorization"] = authorization
    return sigv4.ReceivedRequest(method=method, path=path, query=query, headers=headers, body=body.encode())


def _signed_headers_of(authz: str) -> str:
    return authz.split("SignedHeaders=")[1].split(",")[0]


@pytest.mark.parametrize("vector", SUITE["vectors"], ids=[v["name"] for v in SUITE["vectors"]])
def test_aws_test_suite_vector_verifies(vector: dict[str, str]) -> None:
    request = parse_raw(vector["req"], vector["authz"])
    auth = sigv4.parse_authorization(request)
    assert (auth.access_key_id, auth.region, auth.service) == ("AKIDEXAMPLE", "us-east-1", "service")
    expected = vector["authz"].rsplit("Signature=", 1)[1]
    assert sigv4.expected_signature(request, auth, SECRET) == expected
    if vector["creq"].split("\n")[-2] == _signed_headers_of(vector["authz"]):
        # (one packaged .creq lists content-length although its .authz does not sign it; the signature decides)
        assert sigv4.canonical_request(request, auth) == vector["creq"]
        assert sigv4.string_to_sign(request, auth) == vector["sts"]


@pytest.fixture(autouse=True)
def _accept_test_suite_service(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite signs for a service called "service"; this endpoint only accepts iam and sts.
    monkeypatch.setattr(sigv4, "SERVICES", frozenset({"iam", "sts", "service"}))


def test_test_suite_vector_with_a_wrong_secret_is_signature_does_not_match() -> None:
    vector = SUITE["vectors"][0]
    request = parse_raw(vector["req"], vector["authz"])
    auth = sigv4.parse_authorization(request)
    sigv4.verify(request, auth, SECRET)
    with pytest.raises(SignatureDoesNotMatch) as caught:
        sigv4.verify(request, auth, SECRET + "x")
    assert "The Canonical String for this request should have been" in caught.value.message
    assert vector["creq"] in caught.value.message


# --- requests signed by botocore ---------------------------------------------------------------------------------

KEY = "AKIAIOSFODNN7EXAMPLE"
KEY_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def botocore_signed(
    *,
    body: bytes = b"Action=ListUsers&Version=2010-05-08",
    path: str = "/aws",
    query: str = "",
    service: str = "iam",
    region: str = "us-east-1",
    token: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> sigv4.ReceivedRequest:
    """Sign like a boto3 client does, then present the request as the server receives it."""
    url = f"http://127.0.0.1:8000{path}" + (f"?{query}" if query else "")
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **(extra_headers or {})},
    )
    SigV4Auth(Credentials(KEY, KEY_SECRET, token), service, region).add_auth(request)
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers["host"] = "127.0.0.1:8000"
    return sigv4.ReceivedRequest(method="POST", path=path, query=query, headers=headers, body=body)


def authenticate(
    request: sigv4.ReceivedRequest, secret: str = KEY_SECRET, now: datetime | None = None
) -> sigv4.Authorization:
    """What the view does, minus resolving the key: parse, check the time and the headers, verify."""
    auth = sigv4.parse_authorization(request)
    sigv4.check_request_time(auth, now or datetime.now(UTC))
    sigv4.check_signed_headers(request, auth)
    sigv4.verify(request, auth, secret)
    return auth


def test_botocore_signed_request_verifies_and_names_its_scope() -> None:
    auth = authenticate(botocore_signed(service="sts", region="eu-west-1", token="FwoGZXIvYXdzEXAMPLE"))
    assert (auth.access_key_id, auth.service, auth.region) == (KEY, "sts", "eu-west-1")
    assert auth.security_token == "FwoGZXIvYXdzEXAMPLE"
    assert not auth.presigned


@settings(max_examples=40, deadline=None)
@given(
    body=st.binary(max_size=200),
    path=st.sampled_from(["/aws", "/aws/"]),
    query=st.lists(
        st.tuples(st.text("ABCxyz-_.~ %+&=é", min_size=1, max_size=6), st.text("ABCxyz-_.~ %+/é", max_size=6)),
        max_size=3,
    ),
)
def test_any_botocore_signed_request_verifies(body: bytes, path: str, query: list[tuple[str, str]]) -> None:
    from urllib.parse import quote

    raw_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in query)
    authenticate(botocore_signed(body=body, path=path, query=raw_query))


@pytest.mark.parametrize("tamper", ["body", "header", "query", "path", "host", "token"])
def test_tampering_after_signing_is_signature_does_not_match(tamper: str) -> None:
    request = botocore_signed(query="a=1", token="TOKEN")
    headers = dict(request.headers)
    changes: dict[str, Any] = {
        "body": {"body": request.body + b"&UserName=x"},
        "query": {"query": "a=2"},
        "path": {"path": "/aws/"},
    }
    if tamper == "header":
        headers["x-amz-date"] = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    elif tamper == "host":
        headers["host"] = "evil.example:8000"
    elif tamper == "token":
        headers["x-amz-security-token"] = "OTHER"
    changes.setdefault(tamper, {})
    tampered = sigv4.ReceivedRequest(
        **{
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "body": request.body,
            "headers": headers,
            **changes[tamper],
        }
    )
    with pytest.raises(SignatureDoesNotMatch):
        authenticate(tampered)


def test_presigned_url_from_botocore_verifies_and_expires() -> None:
    url = "http://127.0.0.1:8000/aws?Action=GetCallerIdentity&Version=2011-06-15"
    aws_request = AWSRequest(method="GET", url=url, headers={"Host": "127.0.0.1:8000"})
    SigV4QueryAuth(Credentials(KEY, KEY_SECRET, "TOKEN"), "sts", "us-east-1", expires=60).add_auth(aws_request)
    parts = urlsplit(aws_request.url or "")
    request = sigv4.ReceivedRequest(
        method="GET", path=parts.path, query=parts.query, headers={"host": "127.0.0.1:8000"}, body=b""
    )
    auth = authenticate(request)
    assert auth.presigned
    assert (auth.expires, auth.security_token, auth.service) == (60, "TOKEN", "sts")
    with pytest.raises(SignatureDoesNotMatch, match=r"^Signature expired: .* - 60 sec\.\)$"):
        authenticate(request, now=datetime.now(UTC) + timedelta(seconds=61))
    changed = sigv4.ReceivedRequest(
        method="GET",
        path=parts.path,
        query=parts.query.replace("GetCallerIdentity", "GetSessionToken"),
        headers=request.headers,
        body=b"",
    )
    with pytest.raises(SignatureDoesNotMatch):
        authenticate(changed)


# --- malformed and refused authorizations ------------------------------------------------------------------------


def _with_authorization(value: str, **headers: str) -> sigv4.ReceivedRequest:
    base = {"host": "127.0.0.1:8000", "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"), **headers}
    return sigv4.ReceivedRequest(
        method="POST", path="/aws", query="", headers={**base, "authorization": value}, body=b""
    )


def _scope(credential: str) -> str:
    return f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host;x-amz-date, Signature={'0' * 64}"


TODAY = datetime.now(UTC).strftime("%Y%m%d")


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        (
            sigv4.ReceivedRequest("POST", "/aws", "", {"host": "h"}, b""),
            MissingAuthenticationToken,
            "Request is missing Authentication Token",
        ),
        (
            _with_authorization("Bearer abc"),
            IncompleteSignature,
            "Authorization header requires 'Credential' parameter",
        ),
        (
            _with_authorization("AWS4-HMAC-SHA512 Credential=a"),
            IncompleteSignature,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'",
        ),
        (
            _with_authorization("AWS4-HMAC-SHA256 Credential=AKID/x, SignedHeaders=host"),
            IncompleteSignature,
            "Authorization header requires 'Signature' parameter",
        ),
        (
            _with_authorization("AWS4-HMAC-SHA256 Credential AKID"),
            IncompleteSignature,
            "not a valid key=value pair (missing equal-sign)",
        ),
        (
            _with_authorization(_scope(f"AKID/{TODAY}/us-east-1/iam")),
            IncompleteSignature,
            "Credential must have exactly 5 slash-delimited elements",
        ),
        (
            _with_authorization(_scope(f"AKID/{TODAY}/US_EAST/iam/aws4_request")),
            SignatureDoesNotMatch,
            "Credential should be scoped to a valid region, not 'US_EAST'",
        ),
        (
            _with_authorization(_scope(f"AKID/{TODAY}/us-east-1/s3/aws4_request")),
            SignatureDoesNotMatch,
            "Credential should be scoped to correct service",
        ),
        (
            _with_authorization(_scope(f"AKID/{TODAY}/us-east-1/iam/aws5_request")),
            SignatureDoesNotMatch,
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'",
        ),
        (
            _with_authorization(_scope("AKID/20000101/us-east-1/iam/aws4_request")),
            SignatureDoesNotMatch,
            "Date in Credential scope does not match YYYYMMDD",
        ),
        (
            _with_authorization(_scope(f"AKID/{TODAY}/us-east-1/iam/aws4_request"), **{"x-amz-date": "yesterday"}),
            IncompleteSignature,
            "Date must be in ISO-8601 'basic format'",
        ),
        (
            _with_authorization(
                f"AWS4-HMAC-SHA256 Credential=AKID/{TODAY}/us-east-1/iam/aws4_request, "
                "SignedHeaders=x-amz-date, Signature=00"
            ),
            SignatureDoesNotMatch,
            "'Host' or ':authority' must be a 'SignedHeader'",
        ),
        (
            sigv4.ReceivedRequest(
                "GET", "/aws", "X-Amz-Algorithm=AWS4-HMAC-SHA256", {"host": "h", "authorization": "x"}, b""
            ),
            IncompleteSignature,
            "Only one authentication mechanism",
        ),
        (
            sigv4.ReceivedRequest(
                "GET", "/aws", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a", {"host": "h"}, b""
            ),
            IncompleteSignature,
            "AWS query-string parameters must include 'X-Amz-Signature'",
        ),
        (
            sigv4.ReceivedRequest("GET", "/aws", "X-Amz-Signature=%ff", {"host": "h"}, b""),
            MalformedQueryString,
            "not valid percent-encoded UTF-8",
        ),
    ],
)
def test_malformed_authorization_gets_aws_code_and_message(
    request_: sigv4.ReceivedRequest, error: type[IamError], message: str
) -> None:
    with pytest.raises(error) as caught:
        sigv4.parse_authorization(request_)
    assert type(caught.value) is error
    assert message in caught.value.message


def test_presigned_expires_out_of_range_is_incomplete_signature() -> None:
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F{TODAY}%2Fus-east-1%2Fsts%2Faws4_request"
        f"&X-Amz-Date={TODAY}T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=604801"
    )
    with pytest.raises(IncompleteSignature, match="X-Amz-Expires"):
        sigv4.parse_authorization(sigv4.ReceivedRequest("GET", "/aws", query, {"host": "h"}, b""))


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (
            timedelta(minutes=-16),
            (
                r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                r"\(\d{8}T\d{6}Z - 15 min\.\)$"
            ),
        ),
        (
            timedelta(minutes=16),
            (
                r"^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z "
                r"\(\d{8}T\d{6}Z \+ 15 min\.\)$"
            ),
        ),
    ],
)
def test_request_time_beyond_fifteen_minutes_is_refused(shift: timedelta, message: str) -> None:
    request = botocore_signed()
    sigv4.check_request_time(sigv4.parse_authorization(request), datetime.now(UTC) - shift / 2)
    with pytest.raises(SignatureDoesNotMatch, match=message):
        authenticate(request, now=datetime.now(UTC) - shift)


def test_unsigned_amz_header_is_refused() -> None:
    request = botocore_signed()
    sneaky = sigv4.ReceivedRequest(
        request.method, request.path, request.query, {**request.headers, "x-amz-security-token": "ADDED"}, request.body
    )
    with pytest.raises(SignatureDoesNotMatch, match="'x-amz-security-token' must be a 'SignedHeader'"):
        authenticate(sneaky)


def test_content_sha256_header_must_match_the_body() -> None:
    request = botocore_signed(extra_headers={"X-Amz-Content-SHA256": "0" * 64})
    with pytest.raises(SignatureDoesNotMatch, match="x-amz-content-sha256"):
        authenticate(request)


def test_signing_keys_are_cached_per_key_date_region_and_service() -> None:
    sigv4.signing_key.cache_clear()
    for _ in range(3):
        authenticate(botocore_signed())
    authenticate(botocore_signed(region="eu-west-1"))
    info = sigv4.signing_key.cache_info()
    assert (info.hits, info.misses) == (2, 2)
