"""AWS's input rules on the Query API, as an SDK meets them: well-formed XML whatever the input echoed, UTF-8
throughout, ASCII name patterns, the policy character range, the trust-policy grammar, and response fields as real
IAM answers them."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import pytest
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.awsquery.conftest import ClientFactory
from tests.factories import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return dict(caught.value.response["Error"])


# --- error responses stay well-formed XML --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a\x00b", "a\x01b\x1fc", "a\x0bb", "x\ufffey\uffff", "a<b>&c]]>"])
def test_echoed_input_never_breaks_the_error_document(client: ClientFactory, raw: Any, name: str) -> None:
    error = error_of(client("iam", validate=False).get_user, UserName=name)
    assert error["Code"] == "ValidationError"
    assert "failed to satisfy constraint: Member must satisfy regular expression pattern" in error["Message"]
    # The raw document parses with a strict XML parser too, not only with botocore's lenient one.
    response = raw({"Action": "GetUser", "Version": "2010-05-08", "UserName": _percent(name)})
    assert response.status == 400
    root = ElementTree.fromstring(response.data)  # noqa: S314 (our own server's response)
    message = root.findtext("{*}Error/{*}Message") or ""
    printable = "".join(ch if ch in "<>&]" or ch.isprintable() else "\ufffd" for ch in name)
    assert f"Value '{printable}' at 'userName'" in message


def test_carriage_returns_survive_the_round_trip(iam: Any) -> None:
    iam.create_role(RoleName="crlf", AssumeRolePolicyDocument=TRUST, Description="line one\r\nline two\rthree")
    assert iam.get_role(RoleName="crlf")["Role"]["Description"] == "line one\r\nline two\rthree"


def _percent(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode())


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


# --- UTF-8 in, UTF-8 stored; names are ASCII ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["caf\u00e9", "\u0661\u0662\u0663", "x\u00b2", "\u00c5ngstr\u00f6m", "na\u00efve-user"]
)
def test_names_are_ascii_word_characters_as_aws_reads_the_pattern(iam: Any, name: str) -> None:
    error = error_of(iam.create_user, UserName=name)
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        f"1 validation error detected: Value '{name}' at 'userName' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: [\\w+=,.@-]+",
    )
    assert iam.list_users()["Users"] == []


def test_ascii_word_characters_still_make_names(iam: Any) -> None:
    assert iam.create_user(UserName="Az_09+=,.@-")["User"]["UserName"] == "Az_09+=,.@-"


def test_non_ascii_values_in_a_form_body_are_stored_as_sent(iam: Any) -> None:
    description = "caf\u00e9 \u00fcber \u00ff \u00a9"
    iam.create_role(RoleName="utf8", AssumeRolePolicyDocument=TRUST, Description=description)
    iam.tag_role(RoleName="utf8", Tags=[{"Key": "\u00c9tage", "Value": "\u65e5\u672c \u0663"}])
    role = iam.get_role(RoleName="utf8")["Role"]
    assert role["Description"] == description
    assert role["Tags"] == [{"Key": "\u00c9tage", "Value": "\u65e5\u672c \u0663"}]


def test_unescaped_utf8_in_a_query_string_is_read_as_utf8(live_server: Any, iam: Any, account: AccountFixture) -> None:
    iam.create_role(RoleName="query", AssumeRolePolicyDocument=TRUST)
    form = {"Action": "UpdateRoleDescription", "Version": "2010-05-08", "RoleName": "query", "Description": "caf\u00e9"}
    status, _ = _raw_get(live_server.url, account, form)
    assert status == 200
    assert iam.get_role(RoleName="query")["Role"]["Description"] == "caf\u00e9"
    # Bytes that are not UTF-8 are refused, never stored as something else.
    status, body = _raw_get(live_server.url, account, {**form, "Description": "caf\u00e9"}, latin1=True)
    assert (status, b"<Code>MalformedQueryString</Code>" in body) == (400, True)
    assert iam.get_role(RoleName="query")["Role"]["Description"] == "caf\u00e9"


def _raw_get(
    base_url: str, account: AccountFixture, form: dict[str, str], *, latin1: bool = False
) -> tuple[int, bytes]:
    """A signed GET whose query string carries non-ASCII bytes unescaped, as some hand-written clients send it."""
    request = AWSRequest(method="GET", url=f"{base_url}/aws", params=form)
    SigV4Auth(Credentials(account.access_key_id, account.secret_access_key), "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    url = urlsplit(prepared.url)
    query = url.query.encode("ascii")
    for value in form.values():
        if not value.isascii():
            query = query.replace(quote(value, safe="-_.~").encode(), value.encode("latin-1" if latin1 else "utf-8"))
    head = [f"GET {url.path}?".encode() + query + b" HTTP/1.1", f"Host: {url.netloc}".encode()]
    head += [f"{name}: {value}".encode() for name, value in prepared.headers.items() if name.lower() != "host"]
    head.append(b"Connection: close")
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=30) as sock:
        sock.sendall(b"\r\n".join(head) + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize("expires", ["%C2%B2", "%D9%A3"])
def test_digits_in_signatures_are_ascii_digits(iam: Any, expires: str) -> None:
    url = iam.generate_presigned_url("list_account_aliases", Params={}, ExpiresIn=3, HttpMethod="GET")
    response = urllib3.request("GET", url.replace("X-Amz-Expires=3", f"X-Amz-Expires={expires}"), retries=False)
    assert response.status == 400
    assert b"<Code>IncompleteSignature</Code>" in response.data


def test_list_indexes_are_ascii_digits(raw: Any, iam: Any) -> None:
    iam.create_user(UserName="bob")
    form = {"Action": "TagUser", "Version": "2010-05-08", "UserName": "bob"}
    response = raw({**form, "Tags.member.%C2%B2.Key": "k", "Tags.member.%C2%B2.Value": "v"})
    # No index that reads as a number: the list is empty, so the request is answered and tags nothing.
    assert (response.status, response.data.count(b"<TagUserResponse")) == (200, 1)
    assert iam.list_user_tags(UserName="bob")["Tags"] == []


# --- the policy character range ------------------------------------------------------------------------------------

POLICY_CHARACTERS = (
    "Policy documents can contain only the following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), "
    "carriage return (U+000D), and characters in the range U+0020 to U+00FF."
)


def _policy(resource: str) -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, ensure_ascii=False)


@pytest.mark.parametrize("character", ["\u20ac", "\U0001f600", "\u0100", "\x00", "\x0b", "\x7f\u0178"])
def test_policy_documents_outside_the_character_range_are_malformed(
    client: ClientFactory, iam: Any, character: str
) -> None:
    loose = client("iam", validate=False)
    iam.create_user(UserName="bob")
    document = _policy(f"arn:aws:s3:::bucket/{character}").replace("\\u0000", "\x00").replace("\\u000b", "\x0b")
    for call, kwargs in (
        (loose.create_policy, {"PolicyName": "p"}),
        (loose.put_user_policy, {"UserName": "bob", "PolicyName": "p"}),
    ):
        error = error_of(call, PolicyDocument=document, **kwargs)
        assert (error["Code"], error["Message"]) == ("MalformedPolicyDocument", POLICY_CHARACTERS)
    trust = TRUST.replace('"Allow"', f'"Allow", "Sid": "{character}"')
    error = error_of(loose.create_role, RoleName="r", AssumeRolePolicyDocument=trust)
    assert (error["Code"], error["Message"]) == ("MalformedPolicyDocument", POLICY_CHARACTERS)
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_latin1_tabs_and_newlines_are_in_the_range(iam: Any) -> None:
    document = _policy("arn:aws:s3:::bucket/caf\u00e9-\u00ff").replace("{", "{\t\r\n", 1)
    iam.create_policy(PolicyName="latin1", PolicyDocument=document)
    version = iam.list_policies(Scope="Local")["Policies"][0]
    got = iam.get_policy_version(PolicyArn=version["Arn"], VersionId="v1")["PolicyVersion"]["Document"]
    assert got["Statement"][0]["Resource"] == "arn:aws:s3:::bucket/caf\u00e9-\u00ff"


def test_session_policies_outside_the_character_range_are_malformed(client: ClientFactory) -> None:
    sts = client("sts", validate=False)
    error = error_of(sts.get_federation_token, Name="bob", Policy=_policy("arn:aws:s3:::bucket/\u20ac"))
    assert (error["Code"], error["Message"]) == ("MalformedPolicyDocument", POLICY_CHARACTERS)


# --- the trust-policy grammar --------------------------------------------------------------------------------------


def _trust(action: Any = "sts:AssumeRole", principal: Any = None, effect: str = "Allow") -> str:
    statement = {"Effect": effect, "Principal": principal or {"Service": "ec2.amazonaws.com"}, "Action": action}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize(
    ("action", "effect"),
    [("s3:GetObject", "Allow"), ("sts:GetSessionToken", "Allow"), ("sts:*", "Allow"), ("iam:*", "Deny"), ("*", "Deny")],
)
def test_trust_policies_may_only_name_trust_actions(iam: Any, action: str, effect: str) -> None:
    error = error_of(iam.create_role, RoleName="r", AssumeRolePolicyDocument=_trust(action, effect=effect))
    assert error == {
        "Type": "Sender",
        "Code": "MalformedPolicyDocument",
        "Message": "AssumeRole policy may only specify STS AssumeRole actions.",
    }
    iam.create_role(RoleName="ok", AssumeRolePolicyDocument=_trust())
    error = error_of(iam.update_assume_role_policy, RoleName="ok", PolicyDocument=_trust(["sts:AssumeRole", action]))
    assert error["Code"] == "MalformedPolicyDocument"
    stored = iam.get_role(RoleName="ok")["Role"]["AssumeRolePolicyDocument"]
    assert stored["Statement"][0]["Action"] == "sts:AssumeRole"


def test_trust_policies_take_every_trust_action(iam: Any) -> None:
    actions = [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
    ]
    iam.create_role(RoleName="all", AssumeRolePolicyDocument=_trust(actions))
    iam.update_assume_role_policy(RoleName="all", PolicyDocument=_trust("sts:AssumeRole*", effect="Deny"))
    assert iam.get_role(RoleName="all")["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Effect"] == "Deny"


@pytest.mark.parametrize(
    "principal",
    ["arn:aws:iam::123:root", "123", "arn:aws:iam::1234567890123:root", "arn:aws:iam::12345678901x:user/bob"],
)
def test_principals_name_twelve_digit_accounts(iam: Any, principal: str) -> None:
    error = error_of(iam.create_role, RoleName="r", AssumeRolePolicyDocument=_trust(principal={"AWS": principal}))
    assert (error["Code"], error["Message"]) == (
        "MalformedPolicyDocument",
        f'Invalid principal in policy: "AWS":"{principal}"',
    )
    assert iam.list_roles()["Roles"] == []
