"""Request evaluation: explicit deny > allow > implicit deny, with the reasons AWS reports.

Mirrors "Policy evaluation logic", "Permissions boundaries for IAM entities", "Session policies"
and "Cross-account policy evaluation logic" in the IAM User Guide:

- an explicit `Deny` in any applicable policy (identity-based, resource-based, permissions
  boundary, session policy) wins;
- within one account the request is allowed when identity-based policies allow it and every
  permissions boundary and session policy present also allows it, or when the resource-based
  policy allows the principal; how far the resource-based policy reaches depends on how it names
  the caller:
  * an IAM user ARN (or the exact role session / federated user session ARN): allowed, not limited
    by an implicit deny in identity-based policies, the boundary or session policies (`"*"` counts
    as naming an IAM user, and as naming the role for a session);
  * the role ARN (or the IAM user behind a federated user session): limited by an implicit deny
    in the permissions boundary and in session policies;
  * the account (`123456789012` / `arn:aws:iam::123456789012:root`): delegates to the account, so
    the identity-based side must allow it;
- a service principal or an identity provider (web identity, SAML) has no identity-based side:
  the resource-based (trust) policy alone grants;
- across accounts both the identity side (with boundary and session policies) and the
  resource-based policy must allow;
- otherwise the request is implicitly denied. The account root user is allowed everything in its
  own account unless a policy explicitly denies it.

The access denied message names one policy type; `Decision.denial_suffix` writes AWS's wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .context import ContextValue, normalize_context
from .document import Policy, Position, PrincipalSpec, Statement
from .matching import Context
from .principals import Grant, Principal, everyone, excluded_by, grant_level

ALLOWED: Final = "allowed"
EXPLICIT_DENY: Final = "explicitDeny"
IMPLICIT_DENY: Final = "implicitDeny"

IDENTITY_BASED: Final = "identity-based"
RESOURCE_BASED: Final = "resource-based"
PERMISSIONS_BOUNDARY: Final = "permissions boundary"
SESSION: Final = "session"

# "with an explicit deny in <...>" / "because no <...> allows the ACTION action"
_EXPLICIT_PHRASE: Final = {
    IDENTITY_BASED: "an identity-based policy",
    RESOURCE_BASED: "a resource-based policy",
    PERMISSIONS_BOUNDARY: "a permissions boundary",
    SESSION: "a session policy",
}
_IMPLICIT_PHRASE: Final = {
    IDENTITY_BASED: "identity-based policy",
    RESOURCE_BASED: "resource-based policy",
    PERMISSIONS_BOUNDARY: "permissions boundary",
    SESSION: "session policy",
}


@dataclass(frozen=True, slots=True)
class PolicySource:
    """A compiled policy with the caller's labels, as the simulator reports them.

    `source_type` is one of the simulator's names: "IAM Policy", "aws-managed", "user-managed",
    "user", "group", "role", "resource", "PermissionsBoundaryPolicy", "none".
    """

    policy: Policy
    source_id: str
    source_type: str


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement that decided (or took part in) a decision; positions are 1-based."""

    source_id: str
    source_type: str
    sid: str | None
    effect: str
    start: Position | None
    end: Position | None


Match = tuple[PolicySource, Statement]


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one request, with the statements and the policy type that decided it.

    `reason` is the policy type named in AWS's access denied message ("identity-based",
    "resource-based", "permissions boundary", "session"), None when allowed.
    `allowed_by_boundary` is None when no permissions boundary applies.
    """

    decision: str
    reason: str | None
    allowed_by_boundary: bool | None
    _matches: tuple[Match, ...] = field(repr=False)

    @property
    def allowed(self) -> bool:
        """True for "allowed"."""
        return self.decision == ALLOWED

    @property
    def matched_statements(self) -> tuple[MatchedStatement, ...]:
        """Deny statements for an explicit deny; otherwise the Allow statements that matched."""
        return tuple(
            MatchedStatement(src.source_id, src.source_type, st.sid, st.effect, st.start, st.end)
            for src, st in self._matches
        )

    def denial_suffix(self, action: str) -> str:
        """AWS's wording after "on resource: ARN", e.g. "because no identity-based policy allows
        the iam:CreateUser action" or "with an explicit deny in an identity-based policy"."""
        if self.reason is None:
            raise ValueError("an allowed decision has no denial message")
        if self.decision == EXPLICIT_DENY:
            return f"with an explicit deny in {_EXPLICIT_PHRASE[self.reason]}"
        return f"because no {_IMPLICIT_PHRASE[self.reason]} allows the {action} action"


def _scan(
    sources: Sequence[PolicySource],
    service: str,
    action: str,
    resource: str,
    ctx: Context,
    allows: list[Match],
    denies: list[Match],
) -> None:
    """Append the statements of `sources` that apply to the request (no principal check)."""
    for src in sources:
        policy = src.policy
        # Policy.candidates, inlined: this loop is the request path.
        for st in policy._by_service.get(service, policy._generic):
            if st.not_action is None:
                if not st.action_matcher(action):
                    continue
            elif st.action_matcher(action):
                continue
            patterns = st.resource_patterns
            if patterns is not None:
                static = patterns.static
                hit = (static is not None and bool(static(resource))) or (
                    bool(patterns.dynamic) and patterns.match(resource, ctx)
                )
                if hit is (st.not_resource is not None):
                    continue
            ok = True
            for test in st.tests:
                if not test(ctx):
                    ok = False
                    break
            if ok:
                (allows if st.allow else denies).append((src, st))


def evaluate(
    *,
    action: str,
    resource: str,
    principal: Principal,
    context: Mapping[str, ContextValue],
    identity_policies: Sequence[PolicySource] = (),
    permissions_boundary: PolicySource | None = None,
    session_policies: Sequence[PolicySource] | None = None,
    resource_policy: PolicySource | None = None,
    resource_account: str | None = None,
    simulation: bool = False,
    scope_policies: Sequence[PolicySource] = (),
) -> Decision:
    """Decide one request as AWS does (see the module docstring for the rules).

    `simulation` is the policy simulator's reading of a resource-based policy: the caller is the
    one ARN it was given (`CallerArn`), and `NotPrincipal` is matched against it the same way
    `Principal` is, so a `NotPrincipal` naming the caller (or its account) excludes it.

    `session_policies=None` means the caller has no session-policy layer (an IAM user, or a
    role session created without session policies); an empty sequence means a layer that allows
    nothing (a federated user session created without a session policy). `scope_policies` are
    GetScopedCredentials' scope-down policies: each is a layer of its own that must allow the
    request as a session policy must (they intersect, where session policies unite). `resource_account`
    defaults to the caller's account. `context` may be a `ConditionContext` built once.
    """
    ctx = normalize_context(context)
    act = action.lower()
    service = act.partition(":")[0]

    id_allows: list[Match] = []
    denies: list[Match] = []
    _scan(identity_policies, service, act, resource, ctx, id_allows, denies)
    id_denied = bool(denies)

    res_allows: list[Match] = []
    res_denies: list[Match] = []
    grant = Grant.NONE
    if resource_policy is not None:
        excluded = _named_by if simulation else excluded_by
        raw_allows: list[Match] = []
        raw_denies: list[Match] = []
        _scan((resource_policy,), service, act, resource, ctx, raw_allows, raw_denies)
        for src, st in raw_denies:
            if st.not_principal is not None:
                # AWS: a Deny with NotPrincipal always denies a principal that has a
                # permissions boundary, whatever NotPrincipal lists.
                if permissions_boundary is not None or not excluded(st.not_principal, principal):
                    res_denies.append((src, st))
            elif st.principal is None or grant_level(st.principal, principal) is not Grant.NONE:
                res_denies.append((src, st))
        for src, st in raw_allows:
            if st.not_principal is not None:
                level = Grant.NONE if excluded(st.not_principal, principal) else everyone(principal)
            elif st.principal is None:
                level = Grant.DIRECT
            else:
                level = grant_level(st.principal, principal)
            if level is not Grant.NONE:
                res_allows.append((src, st))
                grant = max(grant, level)

    b_allows: list[Match] = []
    b_denies: list[Match] = []
    if permissions_boundary is not None:
        _scan((permissions_boundary,), service, act, resource, ctx, b_allows, b_denies)
    s_allows: list[Match] = []
    s_denies: list[Match] = []
    if session_policies is not None:
        _scan(session_policies, service, act, resource, ctx, s_allows, s_denies)
    session_allows = bool(s_allows)
    scopes_ok = True
    for scope in scope_policies:
        scope_allows: list[Match] = []
        _scan((scope,), service, act, resource, ctx, scope_allows, s_denies)
        scopes_ok = scopes_ok and bool(scope_allows)
        s_allows.extend(scope_allows)

    boundary_ok = permissions_boundary is None or bool(b_allows)
    allowed_by_boundary = None if permissions_boundary is None else bool(b_allows) and not b_denies

    if res_denies or id_denied or b_denies or s_denies:
        reason = (
            RESOURCE_BASED
            if res_denies
            else IDENTITY_BASED
            if id_denied
            else PERMISSIONS_BOUNDARY
            if b_denies
            else SESSION
        )
        return Decision(EXPLICIT_DENY, reason, allowed_by_boundary, (*res_denies, *denies, *b_denies, *s_denies))

    if principal.service is not None or principal.federated is not None:
        # A service or identity-provider principal has no identity-based policies in any
        # account: the resource-based (trust) policy alone decides.
        if grant is not Grant.NONE:
            return Decision(ALLOWED, None, allowed_by_boundary, tuple(res_allows))
        return Decision(IMPLICIT_DENY, RESOURCE_BASED, allowed_by_boundary, ())

    session_ok = (session_policies is None or session_allows) and scopes_ok
    identity_ok = bool(id_allows) or principal.is_root
    cross_account = resource_account is not None and resource_account != principal.account

    if cross_account:
        identity_path = identity_ok and boundary_ok and session_ok
        if identity_path and grant is not Grant.NONE:
            return Decision(ALLOWED, None, allowed_by_boundary, (*id_allows, *res_allows, *b_allows, *s_allows))
        reason = _first_missing(identity_ok, boundary_ok, session_ok) or RESOURCE_BASED
        return Decision(IMPLICIT_DENY, reason, allowed_by_boundary, (*id_allows, *res_allows))

    if principal.is_root:
        if not scopes_ok:  # the root user's scoped-down session credentials keep only what the scope allows
            return Decision(IMPLICIT_DENY, SESSION, allowed_by_boundary, ())
        return Decision(ALLOWED, None, allowed_by_boundary, (*id_allows, *res_allows))
    if identity_ok and boundary_ok and session_ok:
        return Decision(ALLOWED, None, allowed_by_boundary, (*id_allows, *b_allows, *s_allows, *res_allows))
    if grant is Grant.DIRECT:
        return Decision(ALLOWED, None, allowed_by_boundary, tuple(res_allows))
    if grant is Grant.ROLE and boundary_ok and session_ok:
        return Decision(ALLOWED, None, allowed_by_boundary, (*res_allows, *b_allows, *s_allows))
    identity_or_role = identity_ok or grant is Grant.ROLE
    reason = _first_missing(identity_or_role, boundary_ok, session_ok) or IDENTITY_BASED
    return Decision(IMPLICIT_DENY, reason, allowed_by_boundary, (*id_allows, *res_allows))


def _named_by(spec: PrincipalSpec, caller: Principal) -> bool:
    """The simulator's `NotPrincipal` test: the element names the caller as a `Principal` would."""
    return grant_level(spec, caller) is not Grant.NONE


def _first_missing(identity_ok: bool, boundary_ok: bool, session_ok: bool) -> str | None:
    if not identity_ok:
        return IDENTITY_BASED
    if not boundary_ok:
        return PERMISSIONS_BOUNDARY
    if not session_ok:
        return SESSION
    return None
