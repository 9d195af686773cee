"""Response rendering: what the renderer writes, botocore's own Query parser reads back as the same data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from botocore.parsers import QueryParser

from iamconsole.awsquery import params, render
from iamconsole.errors import NoSuchEntity, ServiceFailure

CREATED = datetime(2026, 11, 22, 9, 30, 15, tzinfo=UTC)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}],
    }
)


def round_trip(service: str, action: str, result: dict[str, Any] | None) -> tuple[bytes, dict[str, Any]]:
    operation = params.service_model(service).operation_model(action)
    body = render.render_result(operation, result, "req-1")
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 200}, cast(Any, operation.output_shape))
    return body, parsed


def test_role_renders_with_its_trust_policy_url_encoded_and_tags_as_members() -> None:
    role = {
        "Path": "/",
        "RoleName": "app",
        "RoleId": "AROAEXAMPLEEXAMPLE123",
        "Arn": "arn:aws:iam::123456789012:role/app",
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": TRUST,
        "MaxSessionDuration": 3600,
        "Tags": [{"Key": "team", "Value": "a&b<c>"}],
        "RoleLastUsed": {},
    }
    body, parsed = round_trip("iam", "GetRole", {"Role": role})
    assert body.startswith(b'<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult>')
    assert f"<AssumeRolePolicyDocument>{quote(TRUST, safe='')}</AssumeRolePolicyDocument>".encode() in body
    assert b"<CreateDate>2026-11-22T09:30:15Z</CreateDate>" in body
    assert b"<Tags><member><Key>team</Key><Value>a&amp;b&lt;c&gt;</Value></member></Tags>" in body
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    got = parsed["Role"]
    assert got["CreateDate"] == CREATED
    assert got["MaxSessionDuration"] == 3600
    assert json.loads(_unquote(got["AssumeRolePolicyDocument"])) == json.loads(TRUST)
    assert got["Tags"] == [{"Key": "team", "Value": "a&b<c>"}]


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


@pytest.mark.parametrize(
    ("action", "member"),
    [
        ("GetUserPolicy", "PolicyDocument"),
        ("GetRolePolicy", "PolicyDocument"),
        ("GetGroupPolicy", "PolicyDocument"),
    ],
)
def test_inline_policy_documents_are_url_encoded(action: str, member: str) -> None:
    document = '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a b%"}]}'
    result: dict[str, Any] = {"PolicyName": "p", member: document}
    result |= {"UserName": "u"} if "User" in action else {"RoleName": "r"} if "Role" in action else {"GroupName": "g"}
    body, parsed = round_trip("iam", action, result)
    assert quote(document, safe="").encode() in body
    assert _unquote(parsed[member]) == document


def test_policy_version_document_and_pagination_members() -> None:
    version = {"Document": TRUST, "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": CREATED}
    body, parsed = round_trip(
        "iam", "ListPolicyVersions", {"Versions": [version], "IsTruncated": True, "Marker": "bmV4dA=="}
    )
    assert b"<IsTruncated>true</IsTruncated><Marker>bmV4dA==</Marker>" in body
    assert parsed["IsTruncated"] is True
    assert parsed["Marker"] == "bmV4dA=="
    assert parsed["Versions"][0]["IsDefaultVersion"] is True
    assert _unquote(parsed["Versions"][0]["Document"]) == TRUST


def test_maps_render_as_entries() -> None:
    body, parsed = round_trip("iam", "GetAccountSummary", {"SummaryMap": {"Users": 3, "UsersQuota": 5000}})
    assert b"<SummaryMap><entry><key>Users</key><value>3</value></entry>" in body
    assert parsed["SummaryMap"] == {"Users": 3, "UsersQuota": 5000}


def test_blobs_render_in_base64() -> None:
    device = {
        "SerialNumber": "arn:aws:iam::123456789012:mfa/phone",
        "Base32StringSeed": b"JBSWY3DPEHPK3PXP",
        "QRCodePNG": b"\x89PNG",
    }
    _, parsed = round_trip("iam", "CreateVirtualMFADevice", {"VirtualMFADevice": device})
    assert parsed["VirtualMFADevice"]["Base32StringSeed"] == b"JBSWY3DPEHPK3PXP"
    assert parsed["VirtualMFADevice"]["QRCodePNG"] == b"\x89PNG"


def test_operation_without_output_renders_only_metadata() -> None:
    body, _ = round_trip("iam", "DeleteUser", None)
    assert body == (
        b'<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata>'
        b"<RequestId>req-1</RequestId></ResponseMetadata></DeleteUserResponse>"
    )


def test_sts_uses_its_namespace_and_result_wrapper() -> None:
    credentials = {
        "AccessKeyId": "ASIAEXAMPLE",
        "SecretAccessKey": "secret",
        "SessionToken": "token",
        "Expiration": CREATED,
    }
    body, parsed = round_trip("sts", "GetSessionToken", {"Credentials": credentials})
    assert body.startswith(
        b'<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b"<GetSessionTokenResult><Credentials>"
    )
    assert parsed["Credentials"]["Expiration"] == CREATED


def test_unknown_member_is_a_programming_error() -> None:
    operation = params.service_model("iam").operation_model("GetUser")
    with pytest.raises(TypeError, match="Usr"):
        render.render_result(operation, {"Usr": {}}, "r")


def test_errors_render_as_aws_error_responses() -> None:
    body = render.render_error(NoSuchEntity("The role with name x cannot be found."), "iam", "req-9")
    assert body == (
        b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
        b"<Code>NoSuchEntity</Code><Message>The role with name x cannot be found.</Message></Error>"
        b"<RequestId>req-9</RequestId></ErrorResponse>"
    )
    parsed = QueryParser().parse({"body": body, "headers": {}, "status_code": 404}, cast(Any, None))
    assert parsed["Error"]["Code"] == "NoSuchEntity"
    assert b"<Type>Receiver</Type>" in render.render_error(ServiceFailure("x"), "sts", "r")


def test_error_messages_with_characters_xml_cannot_carry_stay_well_formed() -> None:
    message = "Value 'a\x00b\x07c\ud800\ufffe' at 'userName' <&> failed\r\n"
    body = render.render_error(NoSuchEntity(message), "iam", "r")
    root = ElementTree.fromstring(body)  # noqa: S314 (our own renderer's output)
    assert root.findtext("{*}Error/{*}Message") == "Value 'a\ufffdb\ufffdc\ufffd\ufffd' at 'userName' <&> failed\r\n"
