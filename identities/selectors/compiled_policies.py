"""The policies that decide a principal's requests, compiled for the policy engine.

One place for it: the authorizer, AssumeRole's trust decision and the simulator all evaluate the same identity side
(an IAM user's own and its groups' policies with its permissions boundary; a role session's role policies, boundary
and session policies), gathered by :func:`gather_principal_policies` and parsed once per distinct text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from iamconsole.actors import Actor, ActorKind
from identities.selectors.principal_policies import PolicyText, gather_principal_policies
from policies.engine import DENY_ALL, Policy, PolicyError, PolicyKind, PolicySource, deny_statements, parse_policy

logger = logging.getLogger(__name__)

#: The root user's federated session (GetFederationToken) starts from everything root may do: its session policies
#: alone narrow it.
_ROOT_IDENTITY = PolicyText(
    "root", "none", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
)

__all__ = ["CompiledPolicies", "compile_policy_texts", "compiled_policies_for"]


@dataclass(frozen=True, slots=True)
class CompiledPolicies:
    """The identity side of one principal, ready for ``policies.engine.evaluate``.

    ``session`` is None when the principal has no session-policy layer (nothing to narrow), and a tuple, possibly
    empty, when it has one (a federated user session without a session policy is allowed nothing). ``tags`` are an
    IAM user's tags as they are now (None for other principals: their tags travel with the actor).
    """

    identity: tuple[PolicySource, ...] = ()
    boundary: PolicySource | None = None
    session: tuple[PolicySource, ...] | None = None
    #: GetScopedCredentials' scope-down policies, each a layer of its own.
    scopes: tuple[PolicySource, ...] = ()
    tags: Mapping[str, str] | None = field(default=None)


def compile_policy_texts(texts: Iterable[PolicyText], kind: PolicyKind) -> tuple[PolicySource, ...]:
    """Parse stored documents (cached by content). One that no longer parses (validated when written, it can only
    fall behind a stricter grammar) fails closed: an identity policy grants nothing while its Deny statements still
    deny, a permissions boundary or a session policy denies everything; each such policy is logged."""
    sources = []
    for text in texts:
        try:
            policy = parse_policy(text.document, kind)
        except PolicyError as exc:
            fallback = _fail_closed(text, kind, exc.message)
            if fallback is not None:
                sources.append(PolicySource(fallback, text.source_id, text.source_type))
            continue
        sources.append(PolicySource(policy, text.source_id, text.source_type))
    return tuple(sources)


@lru_cache(maxsize=1024)
def _fail_closed(text: PolicyText, kind: PolicyKind, reason: str) -> Policy | None:
    """What an unreadable stored policy stands for (see ``compile_policy_texts``), logged once per process."""
    if kind is PolicyKind.IDENTITY:
        logger.error(
            "Stored %s policy %s no longer parses (%s): it grants nothing, its Deny statements still deny",
            text.source_type,
            text.source_id,
            reason,
        )
        return deny_statements(text.document, kind)
    logger.error(
        "Stored %s policy %s no longer parses (%s): as a %s it denies everything",
        text.source_type,
        text.source_id,
        reason,
        kind.value,
    )
    return parse_policy(DENY_ALL, kind)


def _scopes(actor: Actor) -> tuple[PolicySource, ...]:
    """GetScopedCredentials' scope-down policies, one layer each."""
    texts = (
        PolicyText(f"scope-policy-{n}", "session", document)
        for n, document in enumerate(actor.scope_policy_documents, start=1)
    )
    return compile_policy_texts(texts, PolicyKind.SESSION)


def compiled_policies_for(actor: Actor) -> CompiledPolicies:
    """The identity-side policies AWS evaluates for ``actor``: none for root and the system actor.

    A constant number of queries whatever the number of policies.
    """
    if actor.kind in (ActorKind.ROOT, ActorKind.SYSTEM, ActorKind.FEDERATED, ActorKind.ANONYMOUS):
        # An identity provider's user has no identity-based policies: only the role's trust policy can allow it.
        return CompiledPolicies(scopes=_scopes(actor))
    if actor.kind is ActorKind.ROLE_SESSION:
        gathered = gather_principal_policies(
            account_id=actor.account_id, role_pk=actor.role_pk, session_policy_arns=actor.session_policy_arns
        )
    else:
        gathered = gather_principal_policies(
            account_id=actor.account_id, user_pk=actor.user_pk, session_policy_arns=actor.session_policy_arns
        )
    boundary = compile_policy_texts((gathered.boundary,), PolicyKind.BOUNDARY) if gathered.boundary else ()
    session = None
    if actor.kind is ActorKind.FEDERATED_USER or actor.has_session_policies:
        inline = tuple(
            PolicyText(f"session-policy-{n}", "session", document)
            for n, document in enumerate(actor.session_policy_documents, start=1)
        )
        session = compile_policy_texts(inline + gathered.session, PolicyKind.SESSION)
    root_federated = actor.kind is ActorKind.FEDERATED_USER and actor.user_pk is None
    return CompiledPolicies(
        scopes=_scopes(actor),
        identity=compile_policy_texts((_ROOT_IDENTITY,) if root_federated else gathered.identity, PolicyKind.IDENTITY),
        boundary=boundary[0] if boundary else None,
        session=session,
        tags=gathered.tags if actor.kind is ActorKind.USER else None,
    )
