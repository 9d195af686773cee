"""Who may assume a role: the trust policy and the caller's own policies, decided by the policy engine.

Mirrors "How to use trust policies with IAM roles" and "Cross-account policy evaluation logic" in the IAM User Guide:

- the root user cannot assume roles ("Roles may not be assumed by root accounts.");
- the trust policy must always allow the caller; in the role's account a statement naming the caller itself (its
  user ARN, or a role session's ARN) is enough, while one naming the account (``:root``) delegates to the account,
  so an identity policy of the caller must allow ``sts:AssumeRole`` on the role too; across accounts both sides are
  always needed;
- session tags need ``sts:TagSession`` and a source identity needs ``sts:SetSourceIdentity``, both decided the same
  way;
- trust policy conditions see the caller's context: ``sts:ExternalId``, ``sts:RoleSessionName``,
  ``sts:SourceIdentity``, ``sts:TransitiveTagKeys``, ``aws:MultiFactorAuthPresent``/``Age``, ``aws:SourceIp``,
  ``aws:PrincipalTag/*``, ``aws:RequestTag/*`` and ``aws:TagKeys``.

A role that does not exist is refused exactly like a role that does not trust the caller, as AWS does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from iamconsole.actors import Actor, ActorKind, RequestContext
from iamconsole.arn import iam_arn
from iamconsole.errors import AccessDenied, access_denied_message
from identities import selectors as identity_selectors
from identities.models import Role
from identities.selectors.compiled_policies import CompiledPolicies
from policies.engine import (
    ContextValue,
    Decision,
    PolicyError,
    PolicyKind,
    PolicySource,
    Principal,
    RequestFacts,
    build_context,
    evaluate,
    parse_policy,
)
from sts.domain import AssumeRoleInput

ASSUME_ROLE = "sts:AssumeRole"
TAG_SESSION = "sts:TagSession"
SET_SOURCE_IDENTITY = "sts:SetSourceIdentity"
ROOT_REFUSAL = "Roles may not be assumed by root accounts."
TRUST_SOURCE_ID = "TrustPolicy"


def role_arn_of(role: Role) -> str:
    """The role's IAM ARN with its path, the resource AWS authorizes ``sts:AssumeRole`` against."""
    return iam_arn(role.account.account_id, "role", role.name, role.path)


def principal_of(actor: Actor) -> Principal:
    """The engine's view of the caller (a role session is also matched through its role's ARN)."""
    return Principal(arn=actor.arn, account=actor.account_id, role_arn=actor.role_arn)


def trust_context(
    actor: Actor,
    data: AssumeRoleInput,
    request: RequestContext,
    *,
    mfa_authenticated_at: datetime | None,
    source_identity: str | None,
    session_tags: Mapping[str, str],
) -> Mapping[str, ContextValue]:
    """The request context a trust policy's conditions are evaluated against."""
    extra: dict[str, ContextValue] = {"sts:RoleSessionName": data.role_session_name}
    if data.external_id is not None:
        extra["sts:ExternalId"] = data.external_id
    if source_identity is not None:
        extra["sts:SourceIdentity"] = source_identity
    if data.transitive_tag_keys:
        extra["sts:TransitiveTagKeys"] = list(data.transitive_tag_keys)
    facts = RequestFacts(
        time=request.time,
        source_ip=request.source_ip,
        secure_transport=request.secure_transport,
        user_agent=request.user_agent,
        requested_region=request.region,
        mfa_authenticated_at=mfa_authenticated_at,
        temporary_credentials=actor.temporary_credentials,
        token_issue_time=actor.token_issued_at,
        user_id=actor.principal_id,
        principal_tags=actor.tags,
        request_tags=session_tags or None,
    )
    return build_context(principal_of(actor), facts, extra)


def _decide(
    actor: Actor,
    action: str,
    role: Role,
    trust: PolicySource,
    policies: CompiledPolicies,
    context: Mapping[str, ContextValue],
) -> Decision | str:
    """The engine's decision, or the denial reason when the trust policy itself did not name the caller.

    The engine lets an identity policy alone allow a same-account request (true of most resource policies); a trust
    policy is different: it must always be among the policies that allowed.
    """
    decision = evaluate(
        action=action,
        resource=role_arn_of(role),
        principal=principal_of(actor),
        context=context,
        identity_policies=policies.identity,
        permissions_boundary=policies.boundary,
        session_policies=policies.session,
        resource_policy=trust,
        resource_account=role.account.account_id,
    )
    if not decision.allowed:
        return decision.denial_suffix(action)
    if not any(match.source_id == TRUST_SOURCE_ID for match in decision.matched_statements):
        return f"because no resource-based policy allows the {action} action"
    return decision


@dataclass(frozen=True, slots=True)
class TrustRequest:
    """What the trust policy is asked about, beyond the request's own parameters."""

    mfa_authenticated_at: datetime | None
    source_identity: str | None
    session_tags: Mapping[str, str]


def authorize_assume_role(
    actor: Actor, role: Role | None, data: AssumeRoleInput, request: RequestContext, trust_request: TrustRequest
) -> Role:
    """The role, once ``actor`` may assume it with these tags and source identity; ``AccessDenied`` otherwise."""
    if actor.kind is ActorKind.ROOT:
        raise AccessDenied(ROOT_REFUSAL)
    resource = role_arn_of(role) if role is not None else data.role_arn
    if role is None:
        raise AccessDenied(access_denied_message(actor.arn, ASSUME_ROLE, resource, _no_trust(ASSUME_ROLE)))
    try:
        trust = PolicySource(
            parse_policy(role.assume_role_policy_document, PolicyKind.TRUST), TRUST_SOURCE_ID, "resource"
        )
    except PolicyError:
        # A stored trust policy that no longer parses trusts nobody.
        raise AccessDenied(access_denied_message(actor.arn, ASSUME_ROLE, resource, _no_trust(ASSUME_ROLE))) from None
    context = trust_context(
        actor,
        data,
        request,
        mfa_authenticated_at=trust_request.mfa_authenticated_at,
        source_identity=trust_request.source_identity,
        session_tags=trust_request.session_tags,
    )
    policies = identity_selectors.compiled_policies_for(actor)
    actions = [ASSUME_ROLE]
    if trust_request.session_tags:
        actions.append(TAG_SESSION)
    if trust_request.source_identity is not None:
        actions.append(SET_SOURCE_IDENTITY)
    for action in actions:
        outcome = _decide(actor, action, role, trust, policies, context)
        if isinstance(outcome, str):
            raise AccessDenied(access_denied_message(actor.arn, action, resource, outcome))
    return role


def _no_trust(action: str) -> str:
    return f"because no resource-based policy allows the {action} action"
