"""Condition operators, set qualifiers, IfExists, Null, several keys and values, variables.

Rules cited from the IAM User Guide: "IAM JSON policy elements: Condition operators" (OPS, with
the family's section: String, Numeric, Date, Boolean, Binary, IP address, ARN, ...IfExists,
Null), "Condition with multiple context keys or values" (MULTI: values OR, keys and operators
AND), "Single-valued vs. multivalued context keys" / "Set operators for multivalued context keys"
(SETS), "IAM policy elements: Variables and tags" (VARIABLES).
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.engine import evaluate

from .conftest import USER, allow, policy, source


def check(condition: dict[str, Any], context: dict[str, Any], version: str | None = "2012-10-17") -> bool:
    p = policy(allow("s3:GetObject", "*", Condition=condition), version=version)
    decision = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        principal=USER,
        context=context,
        identity_policies=[source(p)],
    )
    return decision.allowed


CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # OPS String: exact, case-sensitive values, case-insensitive key names, missing key false.
    ("StringEquals", {"StringEquals": {"aws:username": "alice"}}, {"aws:username": "alice"}, True),
    ("StringEquals case", {"StringEquals": {"aws:username": "alice"}}, {"aws:username": "Alice"}, False),
    ("key name case", {"StringEquals": {"AWS:UserName": "alice"}}, {"aws:username": "alice"}, True),
    ("StringEquals missing", {"StringEquals": {"aws:username": "alice"}}, {}, False),
    ("StringEquals no wildcard", {"StringEquals": {"aws:username": "ali*"}}, {"aws:username": "alice"}, False),
    ("StringEquals star literal", {"StringEquals": {"aws:username": "ali*"}}, {"aws:username": "ali*"}, True),
    ("StringNotEquals", {"StringNotEquals": {"aws:username": "bob"}}, {"aws:username": "alice"}, True),
    ("StringNotEquals hit", {"StringNotEquals": {"aws:username": "bob"}}, {"aws:username": "bob"}, False),
    ("StringNotEquals missing", {"StringNotEquals": {"aws:username": "bob"}}, {}, True),
    ("IgnoreCase", {"StringEqualsIgnoreCase": {"aws:username": "ALICE"}}, {"aws:username": "alice"}, True),
    (
        "NotEqualsIgnoreCase",
        {"StringNotEqualsIgnoreCase": {"aws:username": "ALICE"}},
        {"aws:username": "alice"},
        False,
    ),
    ("StringLike *", {"StringLike": {"aws:username": "ali*"}}, {"aws:username": "alice"}, True),
    ("StringLike ?", {"StringLike": {"aws:username": "a?ice"}}, {"aws:username": "alice"}, True),
    ("StringLike case", {"StringLike": {"aws:username": "A*"}}, {"aws:username": "alice"}, False),
    ("StringNotLike", {"StringNotLike": {"aws:username": "ali*"}}, {"aws:username": "alice"}, False),
    ("StringNotLike miss", {"StringNotLike": {"aws:username": "ali*"}}, {"aws:username": "bob"}, True),
    # MULTI: several values of one key are OR'ed.
    ("values OR", {"StringEquals": {"aws:username": ["bob", "alice"]}}, {"aws:username": "alice"}, True),
    (
        "NotEquals values NOR",
        {"StringNotEquals": {"aws:username": ["bob", "alice"]}},
        {"aws:username": "alice"},
        False,
    ),
    # OPS ...IfExists: a missing key satisfies the condition; a present one is compared.
    ("IfExists missing", {"StringEqualsIfExists": {"aws:username": "alice"}}, {}, True),
    ("IfExists present", {"StringEqualsIfExists": {"aws:username": "alice"}}, {"aws:username": "bob"}, False),
    ("NumericIfExists", {"NumericLessThanIfExists": {"s3:max-keys": "10"}}, {}, True),
    # OPS Numeric.
    ("NumericLessThan", {"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "5"}, True),
    ("NumericLessThan eq", {"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, False),
    ("NumericLessThanEquals", {"NumericLessThanEquals": {"s3:max-keys": 10}}, {"s3:max-keys": 10}, True),
    ("NumericGreaterThan", {"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"}, True),
    ("NumericGreaterThanEquals", {"NumericGreaterThanEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "9"}, False),
    ("NumericEquals decimal", {"NumericEquals": {"n": "1.5"}}, {"n": "1.50"}, True),
    ("NumericNotEquals", {"NumericNotEquals": {"n": "3"}}, {"n": "4"}, True),
    ("Numeric not a number", {"NumericLessThan": {"n": "10"}}, {"n": "abc"}, False),
    ("Numeric missing", {"NumericLessThan": {"n": "10"}}, {}, False),
    # OPS Date: ISO 8601 and epoch seconds, in the policy and in the request.
    (
        "DateLessThan",
        {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-12-31T23:59:59Z"},
        True,
    ),
    (
        "Date epoch ctx",
        {"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "1767225599"},
        True,
    ),
    (
        "Date epoch policy",
        {"DateGreaterThan": {"aws:CurrentTime": "1767225600"}},
        {"aws:CurrentTime": "2026-01-02T00:00:00Z"},
        True,
    ),
    (
        "DateEquals date only",
        {"DateEquals": {"aws:CurrentTime": "2026-01-01"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        "Date offset",
        {"DateEquals": {"aws:CurrentTime": "2026-01-01T01:00:00+01:00"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        "DateNotEquals",
        {"DateNotEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2026-01-01T00:00:01Z"},
        True,
    ),
    (
        "DateLessThanEquals",
        {"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        "DateGreaterThanEquals",
        {"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2025-01-01T00:00:00Z"},
        False,
    ),
    ("Date invalid ctx", {"DateLessThan": {"aws:CurrentTime": "2026-01-01"}}, {"aws:CurrentTime": "soon"}, False),
    # OPS Boolean.
    ("Bool", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": True}, True),
    ("Bool false", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "false"}, False),
    ("Bool json value", {"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "true"}, True),
    ("Bool missing", {"Bool": {"aws:MultiFactorAuthPresent": "false"}}, {}, False),
    ("BoolIfExists missing", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {}, True),
    # OPS Binary: base64 values compared byte for byte.
    ("BinaryEquals", {"BinaryEquals": {"k": "QmluYXJ5VmFsdWU="}}, {"k": "QmluYXJ5VmFsdWU="}, True),
    ("BinaryEquals miss", {"BinaryEquals": {"k": "QmluYXJ5VmFsdWU="}}, {"k": "T3RoZXI="}, False),
    # OPS IP address: CIDR or single address, IPv4 and IPv6, /0.
    ("IpAddress", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.113.5"}, True),
    ("IpAddress out", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"aws:SourceIp": "203.0.114.1"}, False),
    ("IpAddress single", {"IpAddress": {"aws:SourceIp": "203.0.113.5"}}, {"aws:SourceIp": "203.0.113.5"}, True),
    ("IPv6", {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, {"aws:SourceIp": "2001:db8::1"}, True),
    ("IPv4 /0", {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, {"aws:SourceIp": "198.51.100.7"}, True),
    ("IPv4 /0 vs IPv6", {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, {"aws:SourceIp": "2001:db8::1"}, False),
    ("IPv6 /0", {"IpAddress": {"aws:SourceIp": "::/0"}}, {"aws:SourceIp": "2001:db8::1"}, True),
    ("NotIpAddress in", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.1.1"}, False),
    ("NotIpAddress out", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "11.1.1.1"}, True),
    ("NotIpAddress missing", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {}, True),
    ("IpAddress missing", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {}, False),
    # OPS ARN: field by field, wildcards in both ArnEquals and ArnLike, case-sensitive.
    (
        "ArnEquals",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
        True,
    ),
    (
        "ArnLike",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:t"},
        True,
    ),
    (
        "ArnLike account",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:444455556666:t"},
        False,
    ),
    ("ArnLike not an ARN", {"ArnLike": {"aws:SourceArn": "*"}}, {"aws:SourceArn": "topic"}, False),
    # OPS ARN: a pattern with another number of components never matches; `*` never spans a colon before the
    # resource part (ArnLike and ArnEquals alike), but does inside it.
    (
        "ArnLike fewer components",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
        False,
    ),
    (
        "ArnEquals fewer components",
        {"ArnEquals": {"aws:SourceArn": "arn:aws:*"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
        False,
    ),
    (
        "ArnLike star over a colon",
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}},
        {"aws:PrincipalArn": "arn:aws:iam::1:2:role/app"},
        False,
    ),
    (
        "ArnLike resource part",
        {"ArnLike": {"aws:SourceArn": "arn:aws:logs:*:*:log-group:*"}},
        {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x"},
        True,
    ),
    (
        "ArnNotLike fewer components",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
        True,
    ),
    (
        "ArnLike case",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:Topic"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:1:topic"},
        False,
    ),
    ("ArnNotEquals missing", {"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:*:*:t"}}, {}, True),
    (
        "ArnNotLike hit",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}},
        {"aws:SourceArn": "arn:aws:sns:us-east-1:1:t"},
        False,
    ),
    # OPS Null: "true" means absent, "false" present.
    ("Null true absent", {"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    (
        "Null true present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"},
        False,
    ),
    ("Null false present", {"Null": {"aws:TokenIssueTime": False}}, {"aws:TokenIssueTime": "x"}, True),
    ("Null false absent", {"Null": {"aws:TokenIssueTime": "false"}}, {}, False),
    # SETS ForAnyValue: some request value matches some policy value; missing or empty is false.
    (
        "ForAnyValue",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["team", "x"]},
        True,
    ),
    ("ForAnyValue none", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}, {"aws:TagKeys": ["x"]}, False),
    ("ForAnyValue empty", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}, {"aws:TagKeys": []}, False),
    ("ForAnyValue missing", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}, {}, False),
    ("ForAnyValue IfExists", {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["env"]}}, {}, True),
    (
        "ForAnyValue negated",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}},
        {"aws:TagKeys": ["a", "b"]},
        True,
    ),
    (
        "ForAnyValue negated all",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}},
        {"aws:TagKeys": ["a"]},
        False,
    ),
    ("ForAnyValue single", {"ForAnyValue:StringLike": {"aws:username": "al*"}}, {"aws:username": "alice"}, True),
    # SETS ForAllValues: every request value matches; missing or empty is true.
    ("ForAllValues", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}, {"aws:TagKeys": ["env"]}, True),
    (
        "ForAllValues extra",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "x"]},
        False,
    ),
    ("ForAllValues empty", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}, {"aws:TagKeys": []}, True),
    ("ForAllValues missing", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}, {}, True),
    (
        "ForAllValues like",
        {"ForAllValues:StringLike": {"aws:TagKeys": ["env*", "team"]}},
        {"aws:TagKeys": ["env-x", "team"]},
        True,
    ),
    (
        "ForAllValues negated",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a"]}},
        {"aws:TagKeys": ["b", "c"]},
        True,
    ),
    (
        "ForAllValues negated hit",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a"]}},
        {"aws:TagKeys": ["a", "b"]},
        False,
    ),
    # SETS: a single-valued operator on a multivalued key matches when any value does.
    ("plain on list", {"StringEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b", "a"]}, True),
    ("negated on list", {"StringNotEquals": {"aws:TagKeys": "a"}}, {"aws:TagKeys": ["b", "a"]}, False),
    # MULTI: several keys, and several operators, are AND'ed.
    (
        "keys AND",
        {"StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": "red"}},
        {"aws:username": "alice", "aws:PrincipalTag/team": "red"},
        True,
    ),
    (
        "keys AND miss",
        {"StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": "red"}},
        {"aws:username": "alice", "aws:PrincipalTag/team": "blue"},
        False,
    ),
    (
        "operators AND",
        {"StringEquals": {"aws:username": "alice"}, "Bool": {"aws:SecureTransport": "true"}},
        {"aws:username": "alice", "aws:SecureTransport": False},
        False,
    ),
    (
        "operators AND ok",
        {"StringEquals": {"aws:username": "alice"}, "Bool": {"aws:SecureTransport": "true"}},
        {"aws:username": "alice", "aws:SecureTransport": True},
        True,
    ),
    # VARIABLES in condition values.
    (
        "variable",
        {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}},
        {"aws:username": "alice", "aws:PrincipalTag/owner": "alice"},
        True,
    ),
    (
        "variable differs",
        {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}},
        {"aws:username": "alice", "aws:PrincipalTag/owner": "bob"},
        False,
    ),
    (
        "variable like",
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"aws:username": "alice", "s3:prefix": "home/alice/docs"},
        True,
    ),
    ("variable missing", {"StringEquals": {"s3:prefix": "${aws:username}"}}, {"s3:prefix": "${aws:username}"}, False),
    ("variable default", {"StringEquals": {"s3:prefix": "${aws:username, 'none'}"}}, {"s3:prefix": "none"}, True),
    (
        "variable arn",
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:${aws:username}-*"}},
        {"aws:username": "alice", "aws:SourceArn": "arn:aws:sns:us-east-1:1:alice-t"},
        True,
    ),
    (
        "variable ignore case",
        {"StringEqualsIgnoreCase": {"k": "${aws:username}"}},
        {"aws:username": "Alice", "k": "ALICE"},
        True,
    ),
]


@pytest.mark.parametrize(("condition", "context", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_condition_operators(condition: dict[str, Any], context: dict[str, Any], expected: bool) -> None:
    assert check(condition, context) is expected


def test_variables_in_conditions_are_literal_before_2012_10_17() -> None:
    # VARIABLES: "policy variables ... only with Version 2012-10-17"; otherwise the text is literal.
    condition = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    assert check(condition, {"aws:username": "alice", "s3:prefix": "${aws:username}"}, version="2008-10-17")
    assert not check(condition, {"aws:username": "alice", "s3:prefix": "alice"}, version=None)


def test_context_values_are_normalised_from_python_types() -> None:
    # Booleans become "true"/"false" and integers their decimal text, as AWS sends them.
    assert check({"NumericEquals": {"n": "42"}, "Bool": {"b": "false"}}, {"n": 42, "b": False})
