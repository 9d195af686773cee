"""Action, resource and policy-variable matching.

Rules cited: "IAM JSON policy elements: Action" (ACTION: case-insensitive, `*` and `?`),
"...: NotAction" (NOTACTION), "...: Resource" (RESOURCE: ARN fields matched one by one, the
resource part as one field, case-sensitive, `*` and `?` within a field), "...: NotResource"
(NOTRESOURCE), "IAM policy elements: Variables and tags" (VARIABLES).
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.engine import evaluate

from .conftest import USER, allow, policy, source


def allowed(
    statement: dict[str, Any],
    action: str,
    resource: str,
    context: dict[str, Any] | None = None,
    version: str | None = "2012-10-17",
) -> bool:
    p = policy(statement, version=version)
    decision = evaluate(
        action=action, resource=resource, principal=USER, context=context or {}, identity_policies=[source(p)]
    )
    return decision.allowed


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("s3:GetObject", "s3:GetObject", True),  # ACTION
        ("s3:GetObject", "S3:getobject", True),  # ACTION: case-insensitive
        ("S3:GETOBJECT", "s3:GetObject", True),  # ACTION: case-insensitive
        ("s3:GetObject", "s3:GetObjectAcl", False),  # ACTION: whole name
        ("s3:Get*", "s3:GetObjectAcl", True),  # ACTION: `*` any run
        ("s3:Get*", "s3:PutObject", False),
        ("s3:*Object", "s3:DeleteObject", True),
        ("s3:*Object", "s3:DeleteObjects", False),
        ("s3:Get?bject", "s3:GetObject", True),  # ACTION: `?` one character
        ("s3:Get?bject", "s3:GetOObject", False),
        ("*", "iam:CreateUser", True),
        ("iam:*", "s3:GetObject", False),
        ("s*:Get*", "sqs:GetQueueUrl", True),  # wildcard in the service prefix
        ("s*:Get*", "iam:GetUser", False),
        (["iam:GetUser", "iam:List*"], "iam:ListRoles", True),
    ],
)
def test_action_matching(pattern: Any, action: str, expected: bool) -> None:
    assert allowed(allow(pattern), action, "*") is expected


@pytest.mark.parametrize(
    ("not_action", "action", "expected"),
    [
        ("iam:*", "s3:GetObject", True),  # NOTACTION: everything except the listed actions
        ("iam:*", "iam:CreateUser", False),
        (["iam:*", "s3:Put*"], "s3:PutObject", False),
        (["iam:*", "s3:Put*"], "s3:GetObject", True),
    ],
)
def test_not_action(not_action: Any, action: str, expected: bool) -> None:
    statement = {"Effect": "Allow", "NotAction": not_action, "Resource": "*"}
    assert allowed(statement, action, "*") is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", "arn:aws:s3:::bucket/key", True),  # RESOURCE: `*` alone matches every resource
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", True),  # RESOURCE: `/` inside the resource part
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/key", False),  # RESOURCE: case-sensitive
        ("arn:aws:s3:::bucket/k?y", "arn:aws:s3:::bucket/key", True),
        ("arn:aws:s3:::bucket/k?y", "arn:aws:s3:::bucket/kkey", False),
        # RESOURCE: a field's `*` stays within the field...
        ("arn:aws:iam::*:user/alice", "arn:aws:iam::111122223333:user/alice", True),
        ("arn:aws:iam::*:user/alice", "arn:aws:iam::1:2:user/alice", False),
        ("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", True),
        ("arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:444455556666:instance/i-1", False),
        # ...an empty field matches only an empty field...
        ("arn:aws:s3:::b", "arn:aws:s3:us-east-1::b", False),
        # ...and the resource part is one field that may contain colons.
        (
            "arn:aws:logs:us-east-1:111122223333:log-group:app:*",
            "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x",
            True,
        ),
        ("arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:111122223333:topic:with:colons", True),
        # RESOURCE: component by component: a pattern with another number of colon-separated
        # components than the ARN never matches, and `*` never runs over a missing component...
        ("arn:aws:*", "arn:aws:s3:::bucket", False),
        ("arn:aws:s3:*", "arn:aws:s3:::bucket", False),
        ("arn:aws:s3:*", "arn:aws:sqs:us-east-1:111122223333:q", False),
        ("arn:aws:iam::111122223333*", "arn:aws:iam::111122223333:user/alice", False),
        ("arn:aws:iam::*", "arn:aws:iam::111122223333:user/alice", False),
        ("arn:*:user/alice", "arn:aws:iam::111122223333:user/alice", False),
        ("arn:aws:iam:*:user/alice", "arn:aws:iam::111122223333:user/alice", False),
        ("arn:aws:s3:::bucket:*", "arn:aws:s3:::bucket", False),
        ("arn:*:*:*:*:*", "arn:aws:iam::111122223333:user/alice", True),
        ("arn:aws:*:*:*:*", "arn:aws:s3:::bucket", True),
        # ...not even a `?`, which stands for one character other than a colon before the resource part...
        ("arn:aws:iam:?111122223333:user/alice", "arn:aws:iam::111122223333:user/alice", False),
        ("arn:aws:iam::111122223333?user/alice", "arn:aws:iam::111122223333:user/alice", False),
        # ...while in the resource part (after the fifth colon) `*` and `?` match colons too.
        ("arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:user/alice", True),
        ("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:111122223333:log-group:a:log-stream:b", True),
        ("arn:aws:logs:*:*:log-group?a?log-stream:b", "arn:aws:logs:us-east-1:1:log-group:a:log-stream:b", True),
        ("arn:aws:s3:::bucket", "*", False),  # a literal `*` resource (the simulator's default) is text
        (["arn:aws:s3:::a", "arn:aws:s3:::b/*"], "arn:aws:s3:::b/x", True),
    ],
)
def test_resource_matching(pattern: Any, resource: str, expected: bool) -> None:
    assert allowed(allow("s3:*", pattern), "s3:GetObject", resource) is expected


@pytest.mark.parametrize(
    ("not_resource", "resource", "expected"),
    [
        ("arn:aws:s3:::secret/*", "arn:aws:s3:::public/x", True),  # NOTRESOURCE: all except listed
        ("arn:aws:s3:::secret/*", "arn:aws:s3:::secret/x", False),
    ],
)
def test_not_resource(not_resource: str, resource: str, expected: bool) -> None:
    statement = {"Effect": "Allow", "Action": "s3:*", "NotResource": not_resource}
    assert allowed(statement, "s3:GetObject", resource) is expected


@pytest.mark.parametrize(
    ("pattern", "context", "resource", "expected", "version"),
    [
        # VARIABLES: replaced by the request's value...
        ("arn:aws:s3:::b/${aws:username}/*", {"aws:username": "alice"}, "arn:aws:s3:::b/alice/x", True, "2012-10-17"),
        ("arn:aws:s3:::b/${aws:username}/*", {"aws:username": "alice"}, "arn:aws:s3:::b/bob/x", False, "2012-10-17"),
        # ...key names case-insensitive...
        ("arn:aws:s3:::b/${AWS:UserName}/*", {"aws:username": "alice"}, "arn:aws:s3:::b/alice/x", True, "2012-10-17"),
        (
            "arn:aws:s3:::b/${aws:PrincipalTag/team}/*",
            {"aws:PrincipalTag/team": "red"},
            "arn:aws:s3:::b/red/1",
            True,
            "2012-10-17",
        ),
        ("arn:aws:iam::*:user/${aws:userid}", {"aws:userid": "AIDA1"}, "arn:aws:iam::1:user/AIDA1", True, "2012-10-17"),
        # ...an absent key makes the element not match, unless a default is given...
        ("arn:aws:s3:::b/${aws:username}/*", {}, "arn:aws:s3:::b/alice/x", False, "2012-10-17"),
        ("arn:aws:s3:::b/${aws:username, 'anonymous'}/*", {}, "arn:aws:s3:::b/anonymous/x", True, "2012-10-17"),
        (
            "arn:aws:s3:::b/${aws:username,'anonymous'}/*",
            {"aws:username": "al"},
            "arn:aws:s3:::b/al/x",
            True,
            "2012-10-17",
        ),
        # ...a multivalued key cannot be a variable...
        ("arn:aws:s3:::b/${aws:TagKeys}", {"aws:TagKeys": ["a"]}, "arn:aws:s3:::b/a", False, "2012-10-17"),
        # ...the substituted value is literal text, not a wildcard...
        ("arn:aws:s3:::b/${aws:username}", {"aws:username": "*"}, "arn:aws:s3:::b/anything", False, "2012-10-17"),
        ("arn:aws:s3:::b/${aws:username}", {"aws:username": "*"}, "arn:aws:s3:::b/*", True, "2012-10-17"),
        # ...${*}, ${?} and ${$} are the literal characters...
        ("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/*", True, "2012-10-17"),
        ("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/x", False, "2012-10-17"),
        ("arn:aws:s3:::b/${?}", {}, "arn:aws:s3:::b/?", True, "2012-10-17"),
        ("arn:aws:s3:::b/${?}", {}, "arn:aws:s3:::b/x", False, "2012-10-17"),
        ("arn:aws:s3:::b/${$}x", {}, "arn:aws:s3:::b/$x", True, "2012-10-17"),
        # ...and only in Version 2012-10-17: otherwise the text is literal.
        ("arn:aws:s3:::b/${aws:username}", {"aws:username": "alice"}, "arn:aws:s3:::b/alice", False, None),
        ("arn:aws:s3:::b/${aws:username}", {"aws:username": "alice"}, "arn:aws:s3:::b/${aws:username}", True, None),
        ("arn:aws:s3:::b/${aws:username}", {}, "arn:aws:s3:::b/${aws:username}", True, "2008-10-17"),
    ],
)
def test_policy_variables_in_resource(
    pattern: str, context: dict[str, Any], resource: str, expected: bool, version: str | None
) -> None:
    assert allowed(allow("s3:*", pattern), "s3:GetObject", resource, context, version) is expected
