"""Parameter decoding: what botocore serializes comes back as the operation's snake_case parameters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore import xform_name
from botocore.model import OperationModel
from botocore.serialize import QuerySerializer

from iamconsole.awsquery import params
from iamconsole.errors import InvalidAction, ValidationError


def serialized(service: str, action: str, values: dict[str, Any]) -> dict[str, str]:
    """The form fields boto3 sends for ``action`` with ``values``."""
    operation = params.service_model(service).operation_model(action)
    body = QuerySerializer().serialize_to_request(values, operation)["body"]
    return {key: str(value) for key, value in body.items()}


def snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {xform_name(key): snake(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake(item) for item in value]
    return value


def op(service: str, action: str) -> OperationModel:
    return params.operation_model(service, action, params.API_VERSIONS[service])


@pytest.mark.parametrize(
    ("service", "action", "values"),
    [
        (
            "iam",
            "CreateRole",
            {
                "RoleName": "app",
                "Path": "/svc/",
                "AssumeRolePolicyDocument": '{"Version":"2012-10-17"}',
                "MaxSessionDuration": 7200,
                "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "étage", "Value": ""}],
            },
        ),
        ("iam", "ListUsers", {"PathPrefix": "/", "Marker": "abc", "MaxItems": 1000}),
        ("iam", "UpdateAccessKey", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Inactive"}),
        ("iam", "TagUser", {"UserName": "bob", "Tags": []}),
        (
            "iam",
            "SimulatePrincipalPolicy",
            {
                "PolicySourceArn": "arn:aws:iam::123456789012:user/bob",
                "ActionNames": ["iam:GetUser", "s3:ListBucket"],
                "ContextEntries": [
                    {
                        "ContextKeyName": "aws:MultiFactorAuthPresent",
                        "ContextKeyValues": ["true"],
                        "ContextKeyType": "boolean",
                    }
                ],
            },
        ),
        ("iam", "GetAccountAuthorizationDetails", {"Filter": ["User", "Role"], "MaxItems": 5}),
        ("iam", "CreateVirtualMFADevice", {"VirtualMFADeviceName": "phone"}),
        (
            "iam",
            "UpdateAccountPasswordPolicy",
            {"MinimumPasswordLength": 14, "RequireSymbols": True, "AllowUsersToChangePassword": False},
        ),
        (
            "sts",
            "AssumeRole",
            {
                "RoleArn": "arn:aws:iam::123456789012:role/app",
                "RoleSessionName": "s1",
                "DurationSeconds": 900,
                "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                "Tags": [{"Key": "k", "Value": "v"}],
                "TransitiveTagKeys": ["k"],
            },
        ),
        ("sts", "GetCallerIdentity", {}),
    ],
)
def test_what_botocore_sends_decodes_to_snake_case_parameters(
    service: str, action: str, values: dict[str, Any]
) -> None:
    assert params.decode(op(service, action), serialized(service, action, values)) == snake(values)


def test_indexes_are_read_in_numeric_order_and_unknown_fields_ignored() -> None:
    form = {
        "UserName": "bob",
        "Tags.member.10.Key": "j",
        "Tags.member.10.Value": "10",
        "Tags.member.2.Key": "b",
        "Tags.member.2.Value": "2",
        "Bogus.member.1": "x",
    }
    decoded = params.decode(op("iam", "TagUser"), form)
    assert decoded == {"user_name": "bob", "tags": [{"key": "b", "value": "2"}, {"key": "j", "value": "10"}]}


def _validation_message(action: str, form: dict[str, str], service: str = "iam") -> str:
    with pytest.raises(ValidationError) as caught:
        params.decode(op(service, action), form)
    return caught.value.message


@pytest.mark.parametrize(
    ("action", "form", "message"),
    [
        (
            "GetRole",
            {},
            "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member "
            "must not be null",
        ),
        (
            "ListUsers",
            {"MaxItems": "abc"},
            "1 validation error detected: Value 'abc' at 'maxItems' failed to satisfy "
            "constraint: Member must be a number",
        ),
        (
            "ListUsers",
            {"MaxItems": "0"},
            "1 validation error detected: Value '0' at 'maxItems' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        ),
        (
            "ListUsers",
            {"MaxItems": "1001"},
            "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy "
            "constraint: Member must have value less than or equal to 1000",
        ),
        (
            "CreateUser",
            {"UserName": "a" * 65},
            f"1 validation error detected: Value '{'a' * 65}' at 'userName' failed "
            "to satisfy constraint: Member must have length less than or equal to 64",
        ),
        (
            "CreateUser",
            {"UserName": "has space"},
            "1 validation error detected: Value 'has space' at 'userName' failed "
            "to satisfy constraint: Member must satisfy regular expression "
            "pattern: [\\w+=,.@-]+",
        ),
        (
            "UpdateAccessKey",
            {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Paused"},
            "1 validation error detected: Value 'Paused' at 'status' failed to satisfy constraint: Member must satisfy "
            "enum value set: [Active, Inactive, Expired]",
        ),
        (
            "TagUser",
            {"UserName": "bob", "Tags.member.1.Key": "a#b", "Tags.member.1.Value": "v"},
            "1 validation error detected: Value 'a#b' at 'tags.1.member.key' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
        ),
        (
            "TagUser",
            {"Tags.member.1.Value": "v"},
            "2 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be "
            "null; Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null",
        ),
        (
            "UpdateAccountPasswordPolicy",
            {"RequireSymbols": "yes"},
            "1 validation error detected: Value 'yes' at 'requireSymbols' failed to satisfy constraint: Member must "
            "be a boolean (true or false)",
        ),
        (
            "CreateLoginProfile",
            {"UserName": "bob", "Password": ""},
            "2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must have length "
            "greater than or equal to 1; Value at 'password' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
        ),
    ],
)
def test_broken_constraints_are_validation_errors_in_aws_form(action: str, form: dict[str, str], message: str) -> None:
    assert _validation_message(action, form) == message


def test_tag_keys_accept_unicode_letters_numbers_and_spaces() -> None:
    form = {"UserName": "bob", "Tags.member.1.Key": "Étage 2 ٣", "Tags.member.1.Value": ""}
    assert params.decode(op("iam", "TagUser"), form)["tags"] == [{"key": "Étage 2 ٣", "value": ""}]


def test_timestamps_decode_to_aware_datetimes() -> None:
    # No IAM or STS input has a timestamp today; the decoder still honours the type for whatever comes.
    decoder = params._Decoder({})
    shape = params.service_model("iam").shape_for("dateType")
    assert decoder.scalar(shape, "2026-11-22T10:00:00Z", "d") == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert decoder.scalar(shape, "not a date", "d") is None
    assert decoder.errors == [
        "Value 'not a date' at 'd' failed to satisfy constraint: Member must be a timestamp in ISO 8601 format"
    ]


@pytest.mark.parametrize(
    ("service", "action", "version", "message"),
    [
        ("iam", "GetCallerIdentity", "2010-05-08", "Could not find operation GetCallerIdentity for version 2010-05-08"),
        ("sts", "CreateUser", "2011-06-15", "Could not find operation CreateUser for version 2011-06-15"),
        ("iam", "CreateUser", "2011-06-15", "Could not find operation CreateUser for version 2011-06-15"),
        ("iam", "CreateUser", None, "Could not find operation CreateUser for version NO_VERSION_SPECIFIED"),
    ],
)
def test_actions_of_another_service_or_version_are_invalid(
    service: str, action: str, version: str | None, message: str
) -> None:
    with pytest.raises(InvalidAction) as caught:
        params.operation_model(service, action, version)
    assert caught.value.message == message


def test_missing_action_is_missing_action() -> None:
    with pytest.raises(params.MissingAction, match=r"^Missing Action$"):
        params.operation_model("iam", None, "2010-05-08")
