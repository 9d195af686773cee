"""Evaluation logic: explicit deny, identity, boundary, session and resource-based policies, accounts.

Rules cited from the IAM User Guide: "Policy evaluation logic" and "Policy evaluation for requests
within a single account" (EVAL), "Permissions boundaries for IAM entities", section "Evaluating
effective permissions with boundaries" (BOUNDARY), "Session policies" (SESSION),
"Cross-account policy evaluation logic" (CROSS), "AWS JSON policy elements: Principal" and
"...: NotPrincipal" (PRINCIPAL, NOTPRINCIPAL), "How IAM roles differ from resource-based policies"
and "Troubleshoot access denied error messages" (MESSAGES).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from policies.engine import (
    Decision,
    PolicyKind,
    Principal,
    RequestFacts,
    build_context,
    evaluate,
    normalize_context,
)

from .conftest import (
    ACCOUNT,
    FEDERATED_USER,
    OTHER,
    OUTSIDER,
    ROLE_ARN,
    ROOT,
    SESSION,
    SESSION_ARN,
    USER,
    allow,
    deny,
    policy,
    source,
)

ACTION = "s3:GetObject"
RESOURCE = "arn:aws:s3:::bucket/key"
GET = allow(ACTION, "arn:aws:s3:::bucket/*")
NO_GET = allow("s3:PutObject", "*")
NOT_THIS = deny(ACTION, RESOURCE)


def named(principal: Any, *, effect: str = "Allow", **extra: Any) -> dict[str, Any]:
    """A resource-policy statement for GetObject on the bucket naming `principal`."""
    return {"Effect": effect, "Principal": principal, "Action": ACTION, "Resource": "arn:aws:s3:::bucket/*", **extra}


def run(
    principal: Principal,
    identity: list[dict[str, Any]] | None = None,
    boundary: list[dict[str, Any]] | None = None,
    session: list[dict[str, Any]] | None = None,
    resource: list[dict[str, Any]] | None = None,
    resource_account: str | None = None,
    action: str = ACTION,
    target: str = RESOURCE,
    context: dict[str, Any] | None = None,
    resource_kind: PolicyKind = PolicyKind.RESOURCE,
) -> Decision:
    return evaluate(
        action=action,
        resource=target,
        principal=principal,
        context=context or {},
        identity_policies=[source(policy(*identity), "id")] if identity else [],
        permissions_boundary=source(policy(*boundary, kind=PolicyKind.BOUNDARY), "pb") if boundary else None,
        session_policies=None if session is None else [source(policy(*session), "sp")] if session else [],
        resource_policy=source(policy(*resource, kind=resource_kind), "rp", "resource") if resource else None,
        resource_account=resource_account,
    )


USER_ARN = USER.arn
CASES: list[tuple[str, dict[str, Any], str, str | None]] = [
    # EVAL: "By default, all requests are implicitly denied".
    ("nothing applies", {"principal": USER}, "implicitDeny", "identity-based"),
    ("identity allows", {"principal": USER, "identity": [GET]}, "allowed", None),
    ("identity allows another action", {"principal": USER, "identity": [NO_GET]}, "implicitDeny", "identity-based"),
    # EVAL: "An explicit deny in any of these policies overrides the allow."
    ("explicit deny wins", {"principal": USER, "identity": [GET, NOT_THIS]}, "explicitDeny", "identity-based"),
    # BOUNDARY: effective permissions are the intersection of identity policies and the boundary.
    ("boundary allows", {"principal": USER, "identity": [GET], "boundary": [GET]}, "allowed", None),
    (
        "boundary silent",
        {"principal": USER, "identity": [GET], "boundary": [NO_GET]},
        "implicitDeny",
        "permissions boundary",
    ),
    (
        "boundary denies",
        {"principal": USER, "identity": [GET], "boundary": [GET, NOT_THIS]},
        "explicitDeny",
        "permissions boundary",
    ),
    ("boundary grants nothing", {"principal": USER, "boundary": [GET]}, "implicitDeny", "identity-based"),
    # SESSION: the session's permissions are the intersection of identity and session policies.
    ("session allows", {"principal": SESSION, "identity": [GET], "session": [GET]}, "allowed", None),
    ("session silent", {"principal": SESSION, "identity": [GET], "session": [NO_GET]}, "implicitDeny", "session"),
    ("session grants nothing", {"principal": SESSION, "session": [GET]}, "implicitDeny", "identity-based"),
    (
        "session layer without policy",
        {"principal": FEDERATED_USER, "identity": [GET], "session": []},
        "implicitDeny",
        "session",
    ),
    (
        "session denies",
        {"principal": SESSION, "identity": [GET], "session": [GET, NOT_THIS]},
        "explicitDeny",
        "session",
    ),
    # EVAL: within an account a resource-based policy that names the principal is enough.
    ("resource names user", {"principal": USER, "resource": [named({"AWS": USER_ARN})]}, "allowed", None),
    (
        "resource names someone else",
        {"principal": USER, "resource": [named({"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"})]},
        "implicitDeny",
        "identity-based",
    ),
    (
        "resource denies",
        {"principal": USER, "identity": [GET], "resource": [named({"AWS": USER_ARN}, effect="Deny")]},
        "explicitDeny",
        "resource-based",
    ),
    ("resource allows everyone", {"principal": USER, "resource": [named("*")]}, "allowed", None),
    # "*" names no session: for a role session it is read as naming the role (limited by the boundary).
    (
        "everyone, user with boundary",
        {"principal": USER, "boundary": [NO_GET], "resource": [named("*")]},
        "allowed",
        None,
    ),
    (
        "everyone, session with boundary",
        {"principal": SESSION, "boundary": [NO_GET], "resource": [named("*")]},
        "implicitDeny",
        "permissions boundary",
    ),
    ("everyone, session", {"principal": SESSION, "resource": [named({"AWS": "*"})]}, "allowed", None),
    # BOUNDARY: a resource-based policy naming an IAM user ARN is not limited by an implicit deny in
    # the boundary (nor by the missing identity allow)...
    (
        "user ARN beats boundary",
        {"principal": USER, "boundary": [NO_GET], "resource": [named({"AWS": USER_ARN})]},
        "allowed",
        None,
    ),
    # ...but an explicit deny in the boundary still wins.
    (
        "boundary deny beats user ARN",
        {"principal": USER, "boundary": [NOT_THIS], "resource": [named({"AWS": USER_ARN})]},
        "explicitDeny",
        "permissions boundary",
    ),
    # BOUNDARY / SESSION: naming the role ARN is limited by the boundary and session policies...
    ("role ARN", {"principal": SESSION, "resource": [named({"AWS": ROLE_ARN})]}, "allowed", None),
    (
        "role ARN, boundary silent",
        {"principal": SESSION, "boundary": [NO_GET], "resource": [named({"AWS": ROLE_ARN})]},
        "implicitDeny",
        "permissions boundary",
    ),
    (
        "role ARN, boundary allows",
        {"principal": SESSION, "boundary": [GET], "resource": [named({"AWS": ROLE_ARN})]},
        "allowed",
        None,
    ),
    (
        "role ARN, session silent",
        {"principal": SESSION, "session": [NO_GET], "resource": [named({"AWS": ROLE_ARN})]},
        "implicitDeny",
        "session",
    ),
    (
        "role ARN, session allows",
        {"principal": SESSION, "session": [GET], "resource": [named({"AWS": ROLE_ARN})]},
        "allowed",
        None,
    ),
    # ...naming the session ARN is not.
    (
        "session ARN",
        {"principal": SESSION, "boundary": [NO_GET], "session": [NO_GET], "resource": [named({"AWS": SESSION_ARN})]},
        "allowed",
        None,
    ),
    # SESSION: federated user sessions: the session ARN is a direct grant; the IAM user's ARN is
    # limited by the session policy.
    (
        "federated session ARN",
        {"principal": FEDERATED_USER, "session": [], "resource": [named({"AWS": FEDERATED_USER.arn})]},
        "allowed",
        None,
    ),
    (
        "federated user's IAM user",
        {
            "principal": FEDERATED_USER,
            "session": [NO_GET],
            "resource": [named({"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"})],
        },
        "implicitDeny",
        "session",
    ),
    (
        "federated user's IAM user, session allows",
        {
            "principal": FEDERATED_USER,
            "session": [GET],
            "resource": [named({"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"})],
        },
        "allowed",
        None,
    ),
    # PRINCIPAL: naming the account delegates to the account's identity-based policies.
    (
        "account root ARN, no identity",
        {"principal": USER, "resource": [named({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})]},
        "implicitDeny",
        "identity-based",
    ),
    (
        "account id, identity allows",
        {"principal": USER, "identity": [GET], "resource": [named({"AWS": ACCOUNT})]},
        "allowed",
        None,
    ),
    (
        "account id, boundary silent",
        {"principal": SESSION, "identity": [GET], "boundary": [NO_GET], "resource": [named({"AWS": ACCOUNT})]},
        "implicitDeny",
        "permissions boundary",
    ),
    # CROSS: both the identity side and the resource-based policy must allow.
    (
        "cross, identity only",
        {"principal": OUTSIDER, "identity": [GET], "resource_account": ACCOUNT},
        "implicitDeny",
        "resource-based",
    ),
    (
        "cross, both",
        {"principal": OUTSIDER, "identity": [GET], "resource": [named({"AWS": OTHER})], "resource_account": ACCOUNT},
        "allowed",
        None,
    ),
    (
        "cross, user named",
        {
            "principal": OUTSIDER,
            "identity": [GET],
            "resource": [named({"AWS": OUTSIDER.arn})],
            "resource_account": ACCOUNT,
        },
        "allowed",
        None,
    ),
    (
        "cross, resource only",
        {"principal": OUTSIDER, "resource": [named({"AWS": OUTSIDER.arn})], "resource_account": ACCOUNT},
        "implicitDeny",
        "identity-based",
    ),
    (
        "cross, boundary silent",
        {
            "principal": OUTSIDER,
            "identity": [GET],
            "boundary": [NO_GET],
            "resource": [named({"AWS": OTHER})],
            "resource_account": ACCOUNT,
        },
        "implicitDeny",
        "permissions boundary",
    ),
    (
        "cross, wrong account named",
        {"principal": OUTSIDER, "identity": [GET], "resource": [named({"AWS": ACCOUNT})], "resource_account": ACCOUNT},
        "implicitDeny",
        "resource-based",
    ),
    # EVAL: the root user has full access to its own account unless explicitly denied.
    ("root", {"principal": ROOT}, "allowed", None),
    (
        "root, resource deny",
        {"principal": ROOT, "resource": [named({"AWS": ACCOUNT}, effect="Deny")]},
        "explicitDeny",
        "resource-based",
    ),
    ("root, other account", {"principal": ROOT, "resource_account": OTHER}, "implicitDeny", "resource-based"),
    (
        "root, other account allows it",
        {"principal": ROOT, "resource_account": OTHER, "resource": [named({"AWS": ACCOUNT})]},
        "allowed",
        None,
    ),
    # NOTPRINCIPAL: a Deny applies unless every ARN evaluated for the caller is listed: the
    # user and its account; the session, its role and the account.
    (
        "Deny naming someone else",
        {
            "principal": USER,
            "identity": [GET],
            "resource": [named({"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"}, effect="Deny")],
        },
        "allowed",
        None,
    ),
    (
        "NotPrincipal without the account",
        {
            "principal": USER,
            "identity": [GET],
            "resource": [{"Effect": "Deny", "NotPrincipal": {"AWS": USER_ARN}, "Action": "s3:*", "Resource": "*"}],
        },
        "explicitDeny",
        "resource-based",
    ),
    (
        "NotPrincipal user and account",
        {
            "principal": USER,
            "identity": [GET],
            "resource": [
                {"Effect": "Deny", "NotPrincipal": {"AWS": [USER_ARN, ACCOUNT]}, "Action": "s3:*", "Resource": "*"}
            ],
        },
        "allowed",
        None,
    ),
    (
        "NotPrincipal session without role",
        {
            "principal": SESSION,
            "identity": [GET],
            "resource": [
                {"Effect": "Deny", "NotPrincipal": {"AWS": [SESSION_ARN, ACCOUNT]}, "Action": "s3:*", "Resource": "*"}
            ],
        },
        "explicitDeny",
        "resource-based",
    ),
    (
        "NotPrincipal session, role and account",
        {
            "principal": SESSION,
            "identity": [GET],
            "resource": [
                {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": [SESSION_ARN, ROLE_ARN, ACCOUNT]},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            ],
        },
        "allowed",
        None,
    ),
    # BOUNDARY (Important): a Deny with NotPrincipal always denies a principal with a boundary.
    (
        "NotPrincipal deny and a boundary",
        {
            "principal": USER,
            "identity": [GET],
            "boundary": [GET],
            "resource": [
                {"Effect": "Deny", "NotPrincipal": {"AWS": [USER_ARN, ACCOUNT]}, "Action": "s3:*", "Resource": "*"}
            ],
        },
        "explicitDeny",
        "resource-based",
    ),
    (
        "Allow with NotPrincipal",
        {
            "principal": USER,
            "resource": [
                {
                    "Effect": "Allow",
                    "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"},
                    "Action": "s3:*",
                    "Resource": "*",
                }
            ],
        },
        "allowed",
        None,
    ),
]


@pytest.mark.parametrize(("arguments", "decision", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evaluation_logic(arguments: dict[str, Any], decision: str, reason: str | None) -> None:
    result = run(**arguments)
    assert (result.decision, result.reason) == (decision, reason)
    assert result.allowed is (decision == "allowed")


TRUST = PolicyKind.TRUST


def assume(principal: Principal, trust: dict[str, Any], **kw: Any) -> Decision:
    return run(
        principal,
        action="sts:AssumeRole",
        target=f"arn:aws:iam::{ACCOUNT}:role/Target",
        resource=[trust],
        resource_kind=TRUST,
        resource_account=ACCOUNT,
        **kw,
    )


def trust(principal: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


ASSUME = allow("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/*")


@pytest.mark.parametrize(
    ("principal", "statement", "identity", "boundary", "decision"),
    [
        # "How IAM roles differ from resource-based policies": a trust policy naming the user is enough
        # in the same account...
        (USER, trust({"AWS": USER_ARN}), None, None, "allowed"),
        # ...naming the account needs an identity-based allow too...
        (USER, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), None, None, "implicitDeny"),
        (USER, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), [ASSUME], None, "allowed"),
        # ...role chaining: the trust names the calling role; its boundary still limits it...
        (SESSION, trust({"AWS": ROLE_ARN}), None, None, "allowed"),
        (SESSION, trust({"AWS": ROLE_ARN}), None, [NO_GET], "implicitDeny"),
        # ...across accounts the caller's identity policy must allow sts:AssumeRole as well.
        (OUTSIDER, trust({"AWS": OTHER}), [ASSUME], None, "allowed"),
        (OUTSIDER, trust({"AWS": OUTSIDER.arn}), None, None, "implicitDeny"),
        # Service principals.
        (
            Principal(arn="ec2.amazonaws.com", account="", service="ec2.amazonaws.com"),
            trust({"Service": "ec2.amazonaws.com"}),
            None,
            None,
            "allowed",
        ),
        # Identity providers (AssumeRoleWithWebIdentity / SAML): the trust policy names the provider.
        (
            Principal(arn="cognito-identity.amazonaws.com", federated="cognito-identity.amazonaws.com"),
            trust({"Federated": "cognito-identity.amazonaws.com"}),
            None,
            None,
            "allowed",
        ),
        (
            Principal(arn="accounts.google.com", federated="accounts.google.com"),
            trust({"Federated": "cognito-identity.amazonaws.com"}),
            None,
            None,
            "implicitDeny",
        ),
        (
            Principal(arn="lambda.amazonaws.com", account="", service="lambda.amazonaws.com"),
            trust({"Service": "ec2.amazonaws.com"}),
            None,
            None,
            "implicitDeny",
        ),
    ],
)
def test_trust_policies(
    principal: Principal, statement: dict[str, Any], identity: Any, boundary: Any, decision: str
) -> None:
    assert assume(principal, statement, identity=identity, boundary=boundary).decision == decision


def test_trust_policy_conditions_read_sts_keys() -> None:
    statement = trust({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": "xyz"}})
    assert assume(OUTSIDER, statement, identity=[ASSUME], context={"sts:ExternalId": "xyz"}).allowed
    assert not assume(OUTSIDER, statement, identity=[ASSUME], context={"sts:ExternalId": "abc"}).allowed
    assert not assume(OUTSIDER, statement, identity=[ASSUME]).allowed


# MESSAGES: "with an explicit deny in a <type> policy" / "because no <type> policy allows the <action> action".
@pytest.mark.parametrize(
    ("arguments", "suffix"),
    [
        ({"principal": USER}, "because no identity-based policy allows the iam:CreateUser action"),
        (
            {"principal": USER, "identity": [allow("iam:*")], "boundary": [NO_GET]},
            "because no permissions boundary allows the iam:CreateUser action",
        ),
        (
            {"principal": SESSION, "identity": [allow("iam:*")], "session": [NO_GET]},
            "because no session policy allows the iam:CreateUser action",
        ),
        (
            {"principal": OUTSIDER, "identity": [allow("iam:*")], "resource_account": ACCOUNT},
            "because no resource-based policy allows the iam:CreateUser action",
        ),
        ({"principal": USER, "identity": [deny("iam:*")]}, "with an explicit deny in an identity-based policy"),
        (
            {"principal": USER, "identity": [allow("iam:*")], "boundary": [deny("iam:CreateUser")]},
            "with an explicit deny in a permissions boundary",
        ),
        (
            {"principal": SESSION, "identity": [allow("iam:*")], "session": [deny("iam:*")]},
            "with an explicit deny in a session policy",
        ),
        (
            {"principal": USER, "resource": [{"Effect": "Deny", "Principal": "*", "Action": "iam:*", "Resource": "*"}]},
            "with an explicit deny in a resource-based policy",
        ),
    ],
)
def test_denial_suffix_uses_aws_wording(arguments: dict[str, Any], suffix: str) -> None:
    result = run(action="iam:CreateUser", target=f"arn:aws:iam::{ACCOUNT}:user/new", **arguments)
    assert result.denial_suffix("iam:CreateUser") == suffix


def test_allowed_by_boundary_reports_the_boundary_alone() -> None:
    # API reference, PermissionsBoundaryDecisionDetail: true when the boundary has a matching Allow
    # and no Deny, whatever the identity-based policies say.
    assert run(USER, boundary=[GET]).allowed_by_boundary is True
    assert run(USER, identity=[GET], boundary=[GET, NOT_THIS]).allowed_by_boundary is False
    assert run(USER, identity=[GET], boundary=[NO_GET]).allowed_by_boundary is False
    assert run(USER, identity=[GET]).allowed_by_boundary is None


def test_allowed_decision_has_no_denial_suffix() -> None:
    with pytest.raises(ValueError, match="no denial message"):
        run(USER, identity=[GET]).denial_suffix(ACTION)


def test_matched_statements_name_their_sources() -> None:
    identity = policy({**GET, "Sid": "Read"}, {**allow("s3:*"), "Sid": "All"}, {**NOT_THIS, "Sid": "NotThis"})
    other = policy({**GET, "Sid": "AlsoRead"})
    decision = evaluate(
        action=ACTION,
        resource="arn:aws:s3:::bucket/other",
        principal=USER,
        context={},
        identity_policies=[source(identity, "p1", "user"), source(other, "p2", "group")],
    )
    assert decision.allowed
    assert [(m.source_id, m.source_type, m.sid, m.effect) for m in decision.matched_statements] == [
        ("p1", "user", "Read", "Allow"),
        ("p1", "user", "All", "Allow"),
        ("p2", "group", "AlsoRead", "Allow"),
    ]
    denied = evaluate(
        action=ACTION,
        resource=RESOURCE,
        principal=USER,
        context={},
        identity_policies=[source(identity, "p1", "user"), source(other, "p2", "group")],
    )
    assert denied.decision == "explicitDeny"
    assert [(m.source_id, m.sid, m.effect) for m in denied.matched_statements] == [("p1", "NotThis", "Deny")]
    assert denied.matched_statements[0].start is not None


def test_a_prebuilt_request_context_is_reused_as_is() -> None:
    ctx = normalize_context({"AWS:UserName": "alice", "aws:TagKeys": ["a"], "n": 3, "b": True})
    assert dict(ctx) == {"aws:username": "alice", "aws:tagkeys": ("a",), "n": "3", "b": "true"}
    assert normalize_context(ctx) is ctx


def test_build_context_fills_aws_global_keys() -> None:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    facts = RequestFacts(
        time=now,
        source_ip="203.0.113.9",
        secure_transport=True,
        user_agent="aws-cli/2",
        requested_region="us-east-1",
        mfa_authenticated_at=now - timedelta(seconds=90),
        token_issue_time=now - timedelta(hours=1),
        user_id="AROAEXAMPLE:alice-session",
        principal_tags={"team": "red"},
        request_tags={"env": "prod"},
        resource_tags={"owner": "bob"},
    )
    ctx = build_context(SESSION, facts, extra={"sts:RoleSessionName": "alice-session"})
    assert ctx["aws:principalarn"] == ROLE_ARN  # a session's aws:PrincipalArn is its role's ARN
    assert ctx["aws:principaltype"] == "AssumedRole"
    assert ctx["aws:principalaccount"] == ACCOUNT
    assert "aws:username" not in ctx  # only IAM users have aws:username
    assert ctx["aws:currenttime"] == "2026-11-22T12:00:00Z"
    assert ctx["aws:epochtime"] == str(int(now.timestamp()))
    assert ctx["aws:multifactorauthpresent"] == "true"
    assert ctx["aws:multifactorauthage"] == "90"
    assert ctx["aws:tokenissuetime"] == "2026-11-22T11:00:00.000000Z"
    assert ctx["aws:principaltag/team"] == "red"
    assert ctx["aws:requesttag/env"] == "prod"
    assert ctx["aws:tagkeys"] == ("env",)
    assert ctx["aws:resourcetag/owner"] == "bob"
    assert ctx["sts:rolesessionname"] == "alice-session"
    user_ctx = build_context(USER, RequestFacts(time=now))
    assert user_ctx["aws:username"] == "alice"
    assert user_ctx["aws:principalarn"] == USER_ARN
    assert user_ctx["aws:principaltype"] == "User"
    assert "aws:multifactorauthpresent" not in user_ctx
    assert build_context(ROOT, RequestFacts(time=now))["aws:principaltype"] == "Account"


def test_mfa_present_is_false_on_temporary_credentials_without_mfa() -> None:
    # "aws:MultiFactorAuthPresent": present (false) for temporary credentials obtained without MFA, such as
    # GetSessionToken's for an IAM user or the root user; absent for long-term access keys.
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    for principal in (USER, ROOT):
        ctx = build_context(principal, RequestFacts(time=now, temporary_credentials=True))
        assert ctx["aws:multifactorauthpresent"] == "false"
        assert "aws:multifactorauthage" not in ctx
        assert "aws:multifactorauthpresent" not in build_context(principal, RequestFacts(time=now))
    with_mfa = build_context(
        USER, RequestFacts(time=now, temporary_credentials=True, mfa_authenticated_at=now - timedelta(seconds=5))
    )
    assert (with_mfa["aws:multifactorauthpresent"], with_mfa["aws:multifactorauthage"]) == ("true", "5")


def test_token_issue_time_keeps_sub_second_precision() -> None:
    # AWSRevokeOlderSessions denies on DateLessThan aws:TokenIssueTime: a token issued 400 ms after the revocation
    # must compare as later than it, one issued 400 ms before as earlier.
    revoked_at = datetime(2026, 11, 22, 12, 0, 0, 300_000, tzinfo=UTC)
    revoke = [
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-11-22T12:00:00.300000Z"}},
        }
    ]
    for issued, denied in (
        (revoked_at + timedelta(milliseconds=400), False),
        (revoked_at - timedelta(milliseconds=400), True),
    ):
        ctx = build_context(SESSION, RequestFacts(time=revoked_at + timedelta(seconds=1), token_issue_time=issued))
        decision = run(SESSION, identity=[allow("*", "*"), *revoke], context=ctx)
        assert (decision.decision == "explicitDeny") is denied, issued


def _scoped(principal: Principal, identity: list[dict[str, Any]], *scopes: list[dict[str, Any]]) -> Decision:
    return evaluate(
        action=ACTION,
        resource=RESOURCE,
        principal=principal,
        context={},
        identity_policies=[source(policy(*identity), "id")],
        scope_policies=[source(policy(*scope, kind=PolicyKind.SESSION), f"scope{n}") for n, scope in enumerate(scopes)],
    )


def test_scope_down_policies_intersect_layer_by_layer():
    """GetScopedCredentials: each scope-down policy must allow, where several session policies would unite."""
    assert _scoped(SESSION, [GET], [GET]).decision == "allowed"
    assert _scoped(SESSION, [GET], [GET], [allow("s3:*")]).decision == "allowed"
    narrowed = _scoped(SESSION, [GET], [GET], [NO_GET])
    assert (narrowed.decision, narrowed.reason) == ("implicitDeny", "session")
    assert _scoped(SESSION, [GET], [GET, NOT_THIS]).decision == "explicitDeny"
    # Layers never grant: identity policies still must.
    assert _scoped(SESSION, [NO_GET], [GET]).decision == "implicitDeny"
    # The root user's scoped session keeps only what every layer allows.
    assert _scoped(ROOT, [NO_GET], [GET]).decision == "allowed"
    assert _scoped(ROOT, [NO_GET], [NO_GET]).decision == "implicitDeny"
