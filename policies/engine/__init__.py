"""The policy engine: parse, compile and evaluate IAM policies exactly as AWS does, without Django.

Public API (see docs/policy-engine.md): `parse_policy`, `evaluate`, `simulate`,
`simulate_custom_policy` (AWS's JSON request) and `simulate_custom` (its typed form, with `ContextEntry`),
`context_keys_for_policies`, `deny_statements` (what a stored policy that no
longer parses still denies), the `Principal`, `PolicySource` and
`Decision` types, and the engine's exceptions (`PolicyError` and its subclasses, each with the
AWS error `code` it stands for).
"""

from .context import ConditionContext, ContextValue, RequestFacts, build_context, iso_precise, normalize_context
from .document import (
    DENY_ALL,
    INLINE_POLICY_TOTAL_MAX_SIZE,
    MANAGED_POLICY_MAX_SIZE,
    TRUST_POLICY_MAX_SIZE,
    Policy,
    PolicyKind,
    Position,
    Statement,
    check_inline_policies_size,
    check_managed_policy_size,
    check_trust_policy_size,
    deny_statements,
    parse_policy,
    policy_size,
)
from .errors import PolicyError, PolicySizeError, SimulationInputError
from .evaluate import (
    ALLOWED,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    Decision,
    MatchedStatement,
    PolicySource,
    evaluate,
)
from .principals import Principal
from .simulate import (
    ContextEntry,
    context_from_entries,
    context_keys_for_policies,
    simulate,
    simulate_custom,
    simulate_custom_policy,
)

__all__ = [
    "ALLOWED",
    "DENY_ALL",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "INLINE_POLICY_TOTAL_MAX_SIZE",
    "MANAGED_POLICY_MAX_SIZE",
    "TRUST_POLICY_MAX_SIZE",
    "ConditionContext",
    "ContextEntry",
    "ContextValue",
    "Decision",
    "MatchedStatement",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "PolicySizeError",
    "PolicySource",
    "Position",
    "Principal",
    "RequestFacts",
    "SimulationInputError",
    "Statement",
    "build_context",
    "check_inline_policies_size",
    "check_managed_policy_size",
    "check_trust_policy_size",
    "context_from_entries",
    "context_keys_for_policies",
    "deny_statements",
    "evaluate",
    "iso_precise",
    "normalize_context",
    "parse_policy",
    "policy_size",
    "simulate",
    "simulate_custom",
    "simulate_custom_policy",
]
