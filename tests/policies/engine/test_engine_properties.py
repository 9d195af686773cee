"""Property-based checks of the evaluation invariants AWS documents.

- "An explicit deny in any of these policies overrides the allow" (Policy evaluation logic);
- adding an Allow statement can only grant more (allows are OR'ed);
- "A permissions boundary ... does not grant permissions on its own" / the effective permissions
  are the intersection (Permissions boundaries): a boundary never widens access;
- wildcard matching ("IAM JSON policy elements: Action / Resource"): the compiled matchers agree
  with a direct reading of the rule, and a pattern without wildcards matches only itself.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine import PolicyKind, PolicySource, evaluate, parse_policy
from policies.engine.matching import PatternSet

from .conftest import ACCOUNT, ROLE_ARN, SESSION, USER

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "iam:GetUser", "iam:CreateUser", "ec2:RunInstances"]
RESOURCES = ["arn:aws:s3:::b1/x", "arn:aws:s3:::b2/y/z", f"arn:aws:iam::{ACCOUNT}:user/u1", "*"]

action_patterns = st.sampled_from(
    [*ACTIONS, "s3:*", "s3:Get*", "*", "iam:*User", "s3:?utObject", "ec2:*", "*:Get*", "s3:List?ucket"]
)
resource_patterns = st.sampled_from(
    [*RESOURCES, "arn:aws:s3:::b1/*", "arn:aws:s3:::*/y/*", "arn:aws:iam::*:user/*", "arn:aws:s3:::b?/x"]
)
conditions = st.sampled_from(
    [
        None,
        {"StringEquals": {"k": "a"}},
        {"StringNotEquals": {"k": "a"}},
        {"StringLike": {"k": "*"}},
        {"NumericLessThan": {"n": "5"}},
        {"Bool": {"flag": "true"}},
        {"ForAllValues:StringEquals": {"tags": ["a", "b"]}},
        {"ForAnyValue:StringEquals": {"tags": ["b"]}},
        {"Null": {"k": "true"}},
    ]
)


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Action": draw(st.lists(action_patterns, min_size=1, max_size=3)),
        "Resource": draw(st.lists(resource_patterns, min_size=1, max_size=2)),
    }
    if draw(st.integers(0, 4)) == 0:
        statement["NotAction"] = statement.pop("Action")
    condition = draw(conditions)
    if condition is not None:
        statement["Condition"] = condition
    return statement


policies = st.lists(st.lists(statements(), min_size=1, max_size=4), min_size=0, max_size=3)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "k": st.sampled_from(["a", "b"]),
        "n": st.sampled_from(["1", "9"]),
        "flag": st.booleans(),
        "tags": st.lists(st.sampled_from(["a", "b", "c"]), max_size=2),
    },
)
requests = st.tuples(st.sampled_from(ACTIONS), st.sampled_from(RESOURCES), contexts)


@cache
def _parsed(text: str, kind: PolicyKind) -> PolicySource:
    return PolicySource(parse_policy(text, kind), "p", "user")


def sources(groups: list[list[dict[str, Any]]], kind: PolicyKind = PolicyKind.IDENTITY) -> list[PolicySource]:
    return [_parsed(json.dumps({"Version": "2012-10-17", "Statement": g}), kind) for g in groups]


def decide(
    request: tuple[str, str, dict[str, Any]],
    identity: list[list[dict[str, Any]]],
    boundary: list[dict[str, Any]] | None = None,
    resource: list[dict[str, Any]] | None = None,
    principal: Any = USER,
) -> str:
    action, target, context = request
    return evaluate(
        action=action,
        resource=target,
        principal=principal,
        context=context,
        identity_policies=sources(identity),
        permissions_boundary=sources([boundary], PolicyKind.BOUNDARY)[0] if boundary else None,
        resource_policy=sources([resource], PolicyKind.RESOURCE)[0] if resource else None,
    ).decision


@settings(max_examples=300, deadline=None)
@given(requests, policies, st.sampled_from(["identity", "boundary", "resource"]))
def test_explicit_deny_always_wins(request: Any, identity: Any, where: str) -> None:
    action, target, _ = request
    blocker = {"Effect": "Deny", "Action": action, "Resource": target}
    everything = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if where == "identity":
        outcome = decide(request, [*identity, [blocker]])
    elif where == "boundary":
        outcome = decide(request, identity, boundary=[everything, blocker])
    else:
        named = {**blocker, "Principal": {"AWS": USER.arn}}
        outcome = decide(request, identity, resource=[{**everything, "Principal": "*"}, named])
    assert outcome == "explicitDeny"


@settings(max_examples=300, deadline=None)
@given(requests, policies, statements(effect="Allow"), st.booleans())
def test_adding_an_allow_never_denies_an_allowed_request(
    request: Any, identity: Any, extra: Any, into_new_policy: bool
) -> None:
    before = decide(request, identity)
    widened = [*identity, [extra]] if into_new_policy or not identity else [[*identity[0], extra], *identity[1:]]
    after = decide(request, widened)
    if before == "allowed":
        assert after == "allowed"
    if before == "explicitDeny":
        assert after == "explicitDeny"


@settings(max_examples=300, deadline=None)
@given(requests, policies, st.lists(statements(), min_size=1, max_size=4), st.booleans())
def test_a_boundary_never_widens_access(request: Any, identity: Any, boundary: Any, as_session: bool) -> None:
    principal = SESSION if as_session else USER
    with_boundary = decide(request, identity, boundary=boundary, principal=principal)
    without = decide(request, identity, principal=principal)
    if with_boundary == "allowed":
        assert without == "allowed"
    # The same holds when a resource-based policy names the role (limited by the boundary).
    if as_session:
        grant = [{"Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "*", "Resource": "*"}]
        if decide(request, identity, boundary=boundary, resource=grant, principal=principal) == "allowed":
            assert decide(request, identity, resource=grant, principal=principal) == "allowed"


def reference_match(pattern: str, subject: str, arn: bool) -> bool:
    """A direct reading of AWS's rule: `*` any run and `?` one character; ARNs component by component (the same
    number of components, each matched alone, the sixth being everything after the fifth colon)."""

    def glob(p: str, s: str) -> bool:
        if not p:
            return not s
        if p[0] == "*":
            return any(glob(p[1:], s[i:]) for i in range(len(s) + 1))
        return bool(s) and (p[0] == "?" or p[0] == s[0]) and glob(p[1:], s[1:])

    if arn and pattern != "*":
        p_fields, s_fields = pattern.split(":", 5), subject.split(":", 5)
        return len(p_fields) == len(s_fields) and all(glob(p, s) for p, s in zip(p_fields, s_fields, strict=True))
    return glob(pattern, subject)


text_alphabet = st.sampled_from(list("ab:/*?"))
subject_alphabet = st.sampled_from(list("ab:/"))


@settings(max_examples=500, deadline=None)
@given(st.text(text_alphabet, max_size=12), st.text(subject_alphabet, max_size=12), st.booleans())
def test_compiled_wildcards_agree_with_the_rule(pattern: str, subject: str, arn: bool) -> None:
    compiled = PatternSet.build([pattern], variables=False, arn=arn)
    assert compiled.match(subject, {}) is reference_match(pattern, subject, arn)


@settings(max_examples=300, deadline=None)
@given(st.text(subject_alphabet, max_size=12), st.text(subject_alphabet, max_size=12), st.booleans())
def test_a_literal_pattern_matches_only_itself(literal: str, other: str, arn: bool) -> None:
    compiled = PatternSet.build([literal], variables=False, arn=arn)
    assert compiled.match(literal, {})
    assert compiled.match(other, {}) is (other == literal)
