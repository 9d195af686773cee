"""Policy validation with located findings, as IAM Access Analyzer's ``ValidatePolicy`` gives.

``validate_policy(text, policy_type)`` checks a policy document as written (not a parsed
value, so every finding points at the exact characters) against the IAM policy grammar, the
catalogue of AWS actions, resource types and condition keys (:mod:`policies.engine.catalog`),
and the best-practice checks of Access Analyzer's policy check reference. Findings carry the
reference's issue codes and types: ``ERROR`` (the policy will not work as written),
``SECURITY_WARNING`` (overly permissive), ``WARNING`` (a general warning) and ``SUGGESTION``.

Policy types: ``identity`` (also ``session``: a session policy follows identity-policy
grammar), ``resource``, ``trust`` (a role trust policy) and ``boundary`` (a permissions
boundary, validated as an identity policy). Pure Python; no Django.
"""

from __future__ import annotations

from policies.engine.catalog import get_catalog
from policies.engine.validation.cli import cli_main
from policies.engine.validation.findings import CHECKS, Finding, FindingType
from policies.engine.validation.policy import POLICY_TYPES, ROLE_TRUST_POLICY_QUOTA, Validator

__all__ = ["CHECKS", "POLICY_TYPES", "Finding", "FindingType", "cli_main", "has_errors", "validate_policy"]

_ALIASES = {"session": "identity"}


def validate_policy(
    text: str, policy_type: str = "identity", *, trust_policy_quota: int = ROLE_TRUST_POLICY_QUOTA
) -> list[Finding]:
    """Validate a policy document; return its findings in text order (empty when clean).

    Mirrors ``accessanalyzer:ValidatePolicy``: the same issue codes, finding types and
    messages, each located by JSON path and 1-based line/column span. ``policy_type`` is one
    of ``identity``, ``resource``, ``trust``, ``boundary`` (``session`` aliases identity);
    ``trust_policy_quota`` is the account's role trust policy size quota (AWS default 2048).
    Raises ``ValueError`` for an unknown policy type.
    """
    kind = _ALIASES.get(policy_type, policy_type)
    if kind not in POLICY_TYPES:
        raise ValueError(f"Unknown policy type {policy_type!r}; expected one of {', '.join(POLICY_TYPES)}")
    return Validator(text, kind, get_catalog(), trust_policy_quota=trust_policy_quota).run()


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an ``ERROR``: the console blocks saving, CreatePolicy would refuse it."""
    return any(f.type == "ERROR" for f in findings)
