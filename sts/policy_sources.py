"""The caller's identity side (identity policies, boundary, session policies), compiled for the trust decision.

Mirrors what AWS evaluates for the principal calling AssumeRole: an IAM user's policies with its groups' and its
permissions boundary, or a role session's role policies, boundary and session policies (``None`` when the session
has none, so they narrow nothing). The documents come from ``identities.selectors.gather_principal_policies``, the
same gathering the authorizer uses; a stored document that no longer parses grants nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from iamconsole.actors import Actor, ActorKind
from identities import selectors as identity_selectors
from policies.engine import PolicyError, PolicyKind, PolicySource, parse_policy


@dataclass(frozen=True, slots=True)
class CallerPolicies:
    """The identity side of one caller, ready for ``policies.engine.evaluate``."""

    identity: tuple[PolicySource, ...] = ()
    boundary: PolicySource | None = None
    session: tuple[PolicySource, ...] | None = None


def _compile(texts: Iterable[tuple[str, str, str]], kind: PolicyKind) -> tuple[PolicySource, ...]:
    sources = []
    for source_id, source_type, document in texts:
        try:
            sources.append(PolicySource(parse_policy(document, kind), source_id, source_type))
        except PolicyError:
            continue
    return tuple(sources)


def caller_policies(actor: Actor) -> CallerPolicies:
    """The identity-side policies AWS evaluates for ``actor`` (none for root and system actors)."""
    if actor.kind is ActorKind.USER:
        gathered = identity_selectors.gather_principal_policies(account_id=actor.account_id, user_pk=actor.user_pk)
    elif actor.kind is ActorKind.ROLE_SESSION:
        gathered = identity_selectors.gather_principal_policies(
            account_id=actor.account_id, role_pk=actor.role_pk, session_policy_arns=actor.session_policy_arns
        )
    else:
        return CallerPolicies()
    identity = _compile(((t.source_id, t.source_type, t.document) for t in gathered.identity), PolicyKind.IDENTITY)
    boundary = None
    if gathered.boundary is not None:
        b = gathered.boundary
        boundary = next(iter(_compile([(b.source_id, b.source_type, b.document)], PolicyKind.BOUNDARY)), None)
    session = None
    if actor.has_session_policies:
        inline = [(f"session-policy-{n}", "session", doc) for n, doc in enumerate(actor.session_policy_documents, 1)]
        managed = [(t.source_id, t.source_type, t.document) for t in gathered.session]
        session = _compile([*inline, *managed], PolicyKind.SESSION)
    return CallerPolicies(identity=identity, boundary=boundary, session=session)
