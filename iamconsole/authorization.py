"""Authorization: may this actor perform this action on this resource?

Mirrors "Policy evaluation logic" in the IAM User Guide for requests inside one account. ``authorize`` is called once
per operation by ``iamconsole.operations.run``; it gathers the actor's identity-based policies (for an IAM user its
attached managed policies, its inline policies and those of its groups; for a role session the role's), its
permissions boundary and, for sessions, the session policies the actor carries; builds the request context
(``aws:SourceIp``, ``aws:UserAgent``, ``aws:SecureTransport``, ``aws:CurrentTime``, ``aws:EpochTime``,
``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalType``, ``aws:userid``, ``aws:username``,
``aws:PrincipalTag/*``, the MFA keys, plus the operation's own keys); and asks the policy engine. The root user may
do everything in its own account. A resource in another account is never allowed by identity-based policies alone
(the services scope every lookup by account anyway). ``is_allowed`` answers the same question without raising, for
the console's enabled and disabled buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack, cast

from iamconsole.actors import Actor, ActorKind, RequestContext
from iamconsole.arn import AWS_ACCOUNT, parse_arn
from iamconsole.errors import AccessDenied, IamError, InvalidClientTokenId, access_denied_message
from identities.selectors.compiled_policies import compiled_policies_for
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

#: AWS's answer to the root user calling AssumeRole, whatever the trust policy says.
ROOT_ASSUME_ROLE_REFUSAL = "Roles may not be assumed by root accounts."
RESOURCE_POLICY_SOURCE_ID = "ResourcePolicy"


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    """The policy attached to the resource of a request (a role's trust policy for ``sts:AssumeRole``).

    ``document`` None, or a document that no longer parses, grants nothing. When ``required`` (a trust policy), the
    request is allowed only if this policy is among those that allow it, even inside the resource's own account.
    """

    document: str | None
    kind: PolicyKind = PolicyKind.RESOURCE
    required: bool = False

    def source(self) -> PolicySource | None:
        if self.document is None:
            return None
        try:
            return PolicySource(parse_policy(self.document, self.kind), RESOURCE_POLICY_SOURCE_ID, "resource")
        except PolicyError:
            return None


def _resource_account(resource: str) -> str | None:
    """The account that owns the resource; None for ``*``, AWS managed policies and account-less ARNs."""
    arn = parse_arn(resource)
    if arn is None or arn.account in ("", AWS_ACCOUNT):
        return None
    return arn.account


def denial_message(actor: Actor, action: str, resource: str, reason: str) -> str:
    """AWS's AccessDenied wording: "User: ARN is not authorized to perform: ACTION on resource: ARN because …"."""
    return access_denied_message(actor.arn, action, resource, reason)


def _principal(actor: Actor) -> Principal:
    return Principal(
        arn=actor.arn,
        account=actor.account_id,
        role_arn=actor.role_arn,
        federated=actor.arn if actor.kind is ActorKind.FEDERATED else None,
        principal_type=actor.principal_type,
    )


def decide(
    actor: Actor,
    action: str,
    resource: str,
    *,
    context: Mapping[str, Any] | None = None,
    request: RequestContext | None = None,
    resource_policy: PolicySource | None = None,
) -> Decision:
    """The engine's decision for a request of ``actor`` (not the system actor), with every policy that applies.

    A constant number of queries whatever the number of policies (see ``gather_principal_policies``).
    """
    request = request or RequestContext()
    principal = _principal(actor)
    compiled = compiled_policies_for(actor)
    tags = compiled.tags if compiled.tags is not None else actor.tags
    facts = RequestFacts(
        time=request.time,
        source_ip=request.source_ip,
        secure_transport=request.secure_transport,
        user_agent=request.user_agent,
        requested_region=request.region,
        mfa_authenticated_at=actor.mfa_authenticated_at if actor.mfa_authenticated else None,
        temporary_credentials=actor.temporary_credentials,
        token_issue_time=actor.token_issued_at,
        user_id=actor.principal_id,
        principal_tags=tags,
    )
    request_context = build_context(principal, facts, cast(Mapping[str, ContextValue], context or {}))
    return evaluate(
        action=action,
        resource=resource,
        principal=principal,
        context=request_context,
        identity_policies=compiled.identity,
        permissions_boundary=compiled.boundary,
        session_policies=compiled.session,
        scope_policies=compiled.scopes,
        resource_policy=resource_policy,
        resource_account=_resource_account(resource),
    )


class RequestOptions(TypedDict, total=False):
    """What ``check``, ``authorize`` and ``is_allowed`` take besides the actor, action and resource: the operation's
    own condition keys, the request's facts (source IP, time…) and the policy of the resource itself."""

    context: Mapping[str, Any] | None
    request: RequestContext | None
    resource_policy: ResourcePolicy | None


def check(actor: Actor, action: str, resource: str, **options: Unpack[RequestOptions]) -> str | None:
    """None when allowed, otherwise the end of AWS's denial message (``because no identity-based policy allows…``)."""
    if actor.is_system:
        return None
    context, request, resource_policy = options.get("context"), options.get("request"), options.get("resource_policy")
    source = resource_policy.source() if resource_policy is not None else None
    no_resource_policy = f"because no resource-based policy allows the {action} action"
    if resource_policy is not None and resource_policy.required and source is None:
        return no_resource_policy
    decision = decide(actor, action, resource, context=context, request=request, resource_policy=source)
    if not decision.allowed:
        return decision.denial_suffix(action)
    # The engine lets an identity policy alone allow a same-account request; a required policy must allow too.
    required = resource_policy is not None and resource_policy.required
    if required and not any(match.source_id == RESOURCE_POLICY_SOURCE_ID for match in decision.matched_statements):
        return no_resource_policy
    return None


#: The only STS actions credentials from GetSessionToken may call.
SESSION_TOKEN_STS_ACTIONS = frozenset({"sts:assumerole", "sts:getcalleridentity"})


#: The STS actions only an IAM user's or the root user's long-term credentials may call, with AWS's refusal.
LONG_TERM_ONLY = {
    "sts:getsessiontoken": "Cannot call GetSessionToken with session credentials",
    "sts:getfederationtoken": "Cannot call GetFederationToken with session credentials",
}


#: What a web identity token or a SAML assertion may be used for: a role's session, with its tags and source identity.
FEDERATED_PRINCIPAL_ACTIONS = frozenset(
    {"sts:assumerolewithwebidentity", "sts:assumerolewithsaml", "sts:tagsession", "sts:setsourceidentity"}
)


#: The only STS action credentials from GetFederationToken may call.
FEDERATED_USER_STS_ACTIONS = frozenset({"sts:getcalleridentity"})


def refuse_session_token_use(actor: Actor, action: str) -> None:
    """AWS's limits on the root user and on credentials from GetSessionToken and GetFederationToken, whatever the
    policies say.

    The root user cannot assume roles (``AccessDenied`` "Roles may not be assumed by root accounts.").
    GetSessionToken's without MFA cannot call any IAM API (AWS answers ``InvalidClientTokenId``); with or without MFA
    they cannot call an STS API other than AssumeRole and GetCallerIdentity (``AccessDenied``). A federated user
    session cannot call any IAM API (``InvalidClientTokenId``, as IAM refuses its token) nor any STS API but
    GetCallerIdentity (``AccessDenied``). No session credentials may call GetSessionToken or GetFederationToken.
    """
    if actor.kind is ActorKind.ANONYMOUS:
        raise AccessDenied(denial_message(actor, action, "*", "because the request is not signed"))
    if actor.kind is ActorKind.FEDERATED:
        if action.lower() not in FEDERATED_PRINCIPAL_ACTIONS:
            raise AccessDenied(
                denial_message(actor, action, "*", "because an identity provider's user may only assume a role")
            )
        return
    if action.lower() == "sts:assumerole" and actor.is_root:
        raise AccessDenied(ROOT_ASSUME_ROLE_REFUSAL)
    refusal = LONG_TERM_ONLY.get(action.lower())
    if refusal is not None and (actor.session_pk is not None or actor.kind not in (ActorKind.USER, ActorKind.ROOT)):
        raise AccessDenied(refusal)
    if actor.kind is ActorKind.FEDERATED_USER:
        service = action.partition(":")[0].lower()
        if service == "iam":
            raise InvalidClientTokenId("The security token included in the request is invalid.")
        if service == "sts" and action.lower() not in FEDERATED_USER_STS_ACTIONS:
            raise AccessDenied(denial_message(actor, action, "*", "because federated user credentials cannot call it"))
        return
    if not actor.from_session_token:
        return
    service = action.partition(":")[0].lower()
    if service == "iam" and not actor.mfa_authenticated:
        raise InvalidClientTokenId("The security token included in the request is invalid.")
    if service == "sts" and action.lower() not in SESSION_TOKEN_STS_ACTIONS:
        raise AccessDenied(
            denial_message(actor, action, "*", "because session credentials from GetSessionToken cannot call it")
        )


def authorize(actor: Actor, action: str, resource: str, **options: Unpack[RequestOptions]) -> None:
    """Raise ``AccessDenied`` in AWS's wording unless ``actor`` may perform ``action`` on ``resource``.

    ``resource_policy`` is the policy of the resource itself, evaluated with the caller's own policies (a role's
    trust policy for ``sts:AssumeRole``, which must always allow the caller).
    """
    refuse_session_token_use(actor, action)
    reason = check(actor, action, resource, **options)
    if reason is not None:
        raise AccessDenied(denial_message(actor, action, resource, reason), action=action)


def is_allowed(actor: Actor, action: str, resource: str = "*", **options: Unpack[RequestOptions]) -> bool:
    """True when ``authorize`` would let the request through."""
    try:
        refuse_session_token_use(actor, action)
    except IamError:
        return False
    return check(actor, action, resource, **options) is None
