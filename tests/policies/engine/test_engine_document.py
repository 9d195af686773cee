"""Grammar, sizes and characters of policy documents.

Each case cites the IAM User Guide page it rests on: "IAM JSON policy element reference" (GRAMMAR),
"IAM JSON policy elements: Version" (VERSION), "...: Principal" (PRINCIPAL), "IAM and AWS STS
quotas" (QUOTAS), and the IAM API reference's `policyDocument` pattern (CHARS).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from policies.engine import (
    PolicyError,
    PolicyKind,
    PolicySizeError,
    Position,
    check_inline_policies_size,
    check_managed_policy_size,
    check_trust_policy_size,
    deny_statements,
    parse_policy,
    policy_size,
)
from policies.engine.document import principal_is_account

from .conftest import allow, doc

SYNTAX = "Syntax errors in policy."
CHARS = (
    "Policy documents can contain only the following Unicode characters: horizontal tab (U+0009), linefeed (U+000A), "
    "carriage return (U+000D), and characters in the range U+0020 to U+00FF."
)
TRUST_STATEMENT = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        # GRAMMAR: a policy is one JSON object.
        ("not json", PolicyKind.IDENTITY, SYNTAX),
        ("[]", PolicyKind.IDENTITY, SYNTAX),
        ('{"Version": "2012-10-17", "Statement": [], "Foo": 1}', PolicyKind.IDENTITY, SYNTAX),
        (
            doc({**allow(), "Condition": {"NumericLessThan": {"n": 1}}}).replace("1}", "NaN}"),
            PolicyKind.IDENTITY,
            SYNTAX,
        ),
        # VERSION: only 2012-10-17 and 2008-10-17 exist.
        (doc(allow(), version="2012-10-18"), PolicyKind.IDENTITY, SYNTAX),
        # GRAMMAR: Statement is required, an object or a non-empty list of objects.
        ('{"Version": "2012-10-17"}', PolicyKind.IDENTITY, SYNTAX),
        ('{"Version": "2012-10-17", "Statement": []}', PolicyKind.IDENTITY, SYNTAX),
        ('{"Version": "2012-10-17", "Statement": ["x"]}', PolicyKind.IDENTITY, SYNTAX),
        # GRAMMAR: unknown statement elements, wrong types, both forms of one element.
        (doc({**allow(), "Actions": "s3:*"}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "NotAction": "s3:*"}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "NotResource": "*"}), PolicyKind.IDENTITY, SYNTAX),
        (doc(allow(action=5)), PolicyKind.IDENTITY, SYNTAX),
        (doc(allow(action=[["s3:*"]])), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Sid": 3}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Condition": {"StringEquals": {"aws:username": {"a": 1}}}}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Condition": {"StringEqualz": {"aws:username": "a"}}}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Condition": {"NullIfExists": {"aws:username": "true"}}}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Condition": {"ForSomeValues:StringEquals": {"k": "a"}}}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Condition": {"NumericEquals": {"k": "ten"}}}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}), PolicyKind.IDENTITY, SYNTAX),
        # GRAMMAR: Effect is required and is exactly Allow or Deny.
        (doc({"Action": "*", "Resource": "*"}), PolicyKind.IDENTITY, SYNTAX),
        (doc({**allow(), "Effect": "allow"}), PolicyKind.IDENTITY, SYNTAX),
        # GRAMMAR: Action and Resource are required in identity-based policies.
        (doc({"Effect": "Allow", "Resource": "*"}), PolicyKind.IDENTITY, "Policy statement must contain actions."),
        (doc(allow(action=[])), PolicyKind.IDENTITY, "Policy statement must contain actions."),
        (doc({"Effect": "Allow", "Action": "*"}), PolicyKind.IDENTITY, "Policy statement must contain resources."),
        (
            doc(allow(action="s3")),
            PolicyKind.IDENTITY,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (doc(allow(action="s3:Get:Object")), PolicyKind.IDENTITY, "Actions/Condition can contain only one colon."),
        (doc(allow(resource="my-bucket")), PolicyKind.IDENTITY, 'Resource my-bucket must be in ARN format or "*".'),
        # GRAMMAR (Sid): statement ids are unique within a policy.
        (
            doc({**allow(), "Sid": "A"}, {**allow(), "Sid": "A"}),
            PolicyKind.IDENTITY,
            "Statement IDs (SID) in a single policy must be unique.",
        ),
        # PRINCIPAL: identity-based policies (and boundaries, session policies) name no principal.
        (doc({**allow(), "Principal": "*"}), PolicyKind.IDENTITY, "Policy document should not specify a principal."),
        (doc({**allow(), "NotPrincipal": "*"}), PolicyKind.BOUNDARY, "Policy document should not specify a principal."),
        (doc({**allow(), "Principal": "*"}), PolicyKind.SESSION, "Policy document should not specify a principal."),
        # PRINCIPAL: trust policies must name one and must not have a Resource.
        (doc({**TRUST_STATEMENT, "Resource": "*"}), PolicyKind.TRUST, "Has prohibited field Resource."),
        (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), PolicyKind.TRUST, "Missing required field Principal"),
        (doc({**allow(), "Principal": "someone"}), PolicyKind.RESOURCE, SYNTAX),
        (doc({**allow(), "Principal": {"Bogus": "x"}}), PolicyKind.RESOURCE, SYNTAX),
        (doc({**allow(), "Principal": "*", "NotPrincipal": "*"}), PolicyKind.RESOURCE, SYNTAX),
        # CHARS: tab, LF, CR and U+0020-U+00FF only.
        (doc(allow(resource="arn:aws:s3:::b/\u20ac")).replace("\\u20ac", "\u20ac"), PolicyKind.IDENTITY, CHARS),
        (doc(allow()).replace(" ", "\x0b", 1), PolicyKind.IDENTITY, CHARS),
        (doc(allow()).replace(" ", "\x00", 1), PolicyKind.TRUST, CHARS),
        (
            doc(allow(resource="arn:aws:s3:::\U0001f600")).replace("\\ud83d\\ude00", "\U0001f600"),
            PolicyKind.SESSION,
            CHARS,
        ),
    ],
)
def test_grammar_errors_use_aws_messages(text: str, kind: PolicyKind, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, kind)
    assert caught.value.message == message
    assert caught.value.code == "MalformedPolicyDocument"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # GRAMMAR: Statement may be a single object; Version may be absent or 2008-10-17.
        ('{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}', PolicyKind.IDENTITY),
        (doc(allow(), version="2008-10-17"), PolicyKind.IDENTITY),
        (
            '{"Version": "2012-10-17", "Id": "x", "Statement": [{"Effect": "Deny", "NotAction": "iam:*", '
            '"NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}',
            PolicyKind.IDENTITY,
        ),
        # GRAMMAR (Condition): JSON booleans and numbers are accepted as values.
        (
            doc({**allow(), "Condition": {"Bool": {"aws:SecureTransport": True}, "NumericLessThan": {"n": 3}}}),
            PolicyKind.IDENTITY,
        ),
        # CHARS: Latin-1 letters are allowed.
        (doc(allow(resource="arn:aws:s3:::b/caf\u00e9")).replace("\\u00e9", "\u00e9"), PolicyKind.IDENTITY),
        (doc(TRUST_STATEMENT), PolicyKind.TRUST),
        (
            doc({**allow(), "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:root"]}}),
            PolicyKind.RESOURCE,
        ),
    ],
)
def test_valid_documents_parse(text: str, kind: PolicyKind) -> None:
    policy = parse_policy(text, kind)
    assert policy.kind is kind
    assert len(policy.statements) >= 1


def test_parsed_policy_is_immutable_and_cached_per_text_and_kind() -> None:
    text = doc({**allow("s3:GetObject", "arn:aws:s3:::b/*"), "Sid": "Read"})
    first = parse_policy(text)
    assert parse_policy(text) is first
    assert parse_policy(text, PolicyKind.BOUNDARY) is not first
    statement = first.statements[0]
    assert (statement.sid, statement.effect, statement.action, statement.resource) == (
        "Read",
        "Allow",
        ("s3:GetObject",),
        ("arn:aws:s3:::b/*",),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.version = "2008-10-17"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        statement.effect = "Deny"  # type: ignore[misc]


def test_statement_positions_are_one_based_line_and_column() -> None:
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "*", "Resource": "*"},\n'
        '    {"Effect": "Deny",\n     "Action": "s3:*", "Resource": "*"}\n  ]\n}'
    )
    first, second = parse_policy(text).statements
    assert (first.start, first.end) == (Position(4, 5), Position(4, 55))
    assert (second.start, second.end) == (Position(5, 5), Position(6, 39))
    lines = text.split("\n")
    assert lines[3][4] == "{" and lines[3][54] == "}"
    assert lines[4][4] == "{" and lines[5][38] == "}"


# QUOTAS: "IAM doesn't count white space when calculating the size of a policy."
def test_policy_size_ignores_whitespace() -> None:
    compact = doc(allow())
    spaced = json.dumps(json.loads(compact), indent=4)
    assert policy_size(spaced) == policy_size(compact) == len(compact.replace(" ", ""))


def _padded(size: int) -> str:
    """A valid identity policy of exactly `size` non-whitespace characters, padded with spaces too."""
    base = doc(allow(resource="arn:aws:s3:::b/"))
    filler = size - policy_size(base)
    text = base.replace("arn:aws:s3:::b/", "arn:aws:s3:::b/" + "x" * filler)
    return text.replace(",", ",    ")


@pytest.mark.parametrize(
    ("check", "limit", "message"),
    [
        # QUOTAS: managed policy 6,144 characters.
        (check_managed_policy_size, 6144, "Cannot exceed quota for PolicySize: 6144"),
        # QUOTAS: role trust policy 2,048 characters by default.
        (check_trust_policy_size, 2048, "Cannot exceed quota for ACLSizePerRole: 2048"),
    ],
)
def test_size_quotas(check: object, limit: int, message: str) -> None:
    assert callable(check)
    check(_padded(limit))
    with pytest.raises(PolicySizeError) as caught:
        check(_padded(limit + 1))
    assert caught.value.message == message
    assert caught.value.code == "LimitExceeded"
    assert isinstance(caught.value, PolicyError)


def test_trust_policy_quota_can_be_raised_to_4096() -> None:
    check_trust_policy_size(_padded(4096), limit=4096)
    with pytest.raises(PolicySizeError, match="ACLSizePerRole: 4096"):
        check_trust_policy_size(_padded(4097), limit=4096)


@pytest.mark.parametrize(("entity", "limit"), [("user", 2048), ("group", 5120), ("role", 10240)])
def test_inline_policy_totals_per_entity(entity: str, limit: int) -> None:
    # QUOTAS: the inline policies of one user / group / role together.
    half = _padded(limit // 2)
    check_inline_policies_size(entity, "Name", [half, half])
    with pytest.raises(PolicySizeError) as caught:
        check_inline_policies_size(entity, "Name", [half, _padded(limit // 2 + 1)])
    assert caught.value.message == f"Maximum policy size of {limit} bytes exceeded for {entity} Name"


def test_parse_policy_applies_a_given_quota() -> None:
    parse_policy(_padded(6144), max_size=6144)
    with pytest.raises(PolicySizeError):
        parse_policy(_padded(6145), max_size=6144)


TRUST_ACTIONS_REFUSED = "AssumeRole policy may only specify STS AssumeRole actions."


@pytest.mark.parametrize(
    "action",
    [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
        "STS:assumerole",
        "sts:AssumeRole*",
        "sts:AssumeRoleWith*",
        ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    ],
)
@pytest.mark.parametrize("element", ["Action", "NotAction"])
@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_trust_policies_take_the_sts_actions_trust_policies_grant(action: Any, element: str, effect: str) -> None:
    statement = {"Effect": effect, "Principal": {"Service": "ec2.amazonaws.com"}, element: action}
    assert parse_policy(doc(statement), PolicyKind.TRUST).statements[0].effect == effect


@pytest.mark.parametrize(
    "action",
    [
        "s3:GetObject",
        "sts:GetSessionToken",
        "sts:GetFederationToken",
        "sts:AssumeRoot",
        "sts:TagSessions",
        "iam:PassRole",
        "sts:*",
        "*",
        "sts:Assume*",
        "sts:Nothing*",
        ["sts:AssumeRole", "sts:GetCallerIdentity"],
    ],
)
@pytest.mark.parametrize("element", ["Action", "NotAction"])
@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_trust_policies_refuse_any_other_action(action: Any, element: str, effect: str) -> None:
    statement = {"Effect": effect, "Principal": {"Service": "ec2.amazonaws.com"}, element: action}
    with pytest.raises(PolicyError) as caught:
        parse_policy(doc(statement), PolicyKind.TRUST)
    assert (caught.value.code, caught.value.message) == ("MalformedPolicyDocument", TRUST_ACTIONS_REFUSED)
    # The rule is the trust grammar's: a resource-based policy may name any action.
    resource_statement = {**statement, "Principal": "*", "Resource": "*"}
    assert parse_policy(doc(resource_statement), PolicyKind.RESOURCE).statements[0].effect == effect


@pytest.mark.parametrize(
    ("value", "account"),
    [
        ("123456789012", "123456789012"),
        ("arn:aws:iam::123456789012:root", "123456789012"),
        ("123", None),
        ("arn:aws:iam::123:root", None),
        ("123456789012\n", None),
        ("arn:aws:iam::123456789012:root\n", None),
        ("\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662", None),
        ("arn:aws:iam::1234567890123:root", None),
    ],
)
def test_account_principals_are_twelve_ascii_digits(value: str, account: str | None) -> None:
    assert principal_is_account(value) == account


@pytest.mark.parametrize(
    ("statements", "denied"),
    [
        # The Allow statements of a policy that no longer parses grant nothing: nothing is left.
        ([{"Effect": "Allow", "Action": "*", "Resource": "*", "Bogus": 1}], None),
        # A readable Deny statement keeps denying what it denied, and only that.
        (
            [
                {"Effect": "Allow", "Action": "*", "Resource": "*", "Bogus": 1},
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            ],
            ("s3:GetObject",),
        ),
        # An unreadable Deny statement (or Effect) denies everything.
        ([{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Bogus": 1}], ("s3:GetObject", "iam:GetUser")),
        ([{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}], ("s3:GetObject", "iam:GetUser")),
    ],
)
def test_deny_statements_of_an_unreadable_policy(statements, denied):
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    with pytest.raises(PolicyError):
        parse_policy(text)
    policy = deny_statements(text)
    if denied is None:
        assert policy is None
        return
    assert policy is not None and all(not st.allow for st in policy.statements)
    for action in ("s3:GetObject", "iam:GetUser"):
        hit = any(st.matches_action(action.lower()) for st in policy.statements)
        assert hit is (action in denied), action


@pytest.mark.parametrize("text", ["{not json", '{"Statement": 3}', "[]"])
def test_deny_statements_of_an_unreadable_document_deny_everything(text):
    policy = deny_statements(text)
    assert policy is not None
    assert [(st.effect, st.action, st.resource) for st in policy.statements] == [("Deny", ("*",), ("*",))]
