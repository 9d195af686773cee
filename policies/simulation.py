"""The custom-policy simulator (SimulateCustomPolicy, GetContextKeysForCustomPolicy) and ValidatePolicy's findings.

Reads over the pure engine: ``policies.engine.simulate_custom_policy`` is the same function the offline command
line runs, so the Query API and ``python -m policies.engine simulate`` can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from iamconsole import quotas
from iamconsole.errors import (
    ERRORS_BY_CODE,
    IamError,
    MalformedPolicyDocument,
    ValidationError,
    constraint_error,
)
from iamconsole.pagination import check_max_items, decode_marker, encode_marker
from policies import engine
from policies.engine import PolicyError
from policies.engine.validation import Finding, validate_policy

#: ValidatePolicy's ``policyType`` (Access Analyzer's names, plus iamconsole's own for trust policies and
#: boundaries) → the validator's policy type.
VALIDATION_POLICY_TYPES: Mapping[str, str] = {
    "IDENTITY_POLICY": "identity",
    "RESOURCE_POLICY": "resource",
    # SCPs and resource control policies follow the identity-policy grammar closely enough for editor advice.
    "SERVICE_CONTROL_POLICY": "identity",
    "RESOURCE_CONTROL_POLICY": "resource",
    "TRUST_POLICY": "trust",
    "PERMISSIONS_BOUNDARY_POLICY": "boundary",
}
#: Access Analyzer's ``validatePolicyResourceType`` for a role trust policy.
TRUST_POLICY_RESOURCE_TYPE = "AWS::IAM::AssumeRolePolicyDocument"


def validate_policy_document(
    *, policy_document: str, policy_type: str = "IDENTITY_POLICY", validate_policy_resource_type: str | None = None
) -> list[Finding]:
    """The findings of Access Analyzer's policy checks for a document (iamconsole's ValidatePolicy, for editors).

    Read-only advice: CreatePolicy and the other writes check the grammar only, as IAM does.
    """
    kind = VALIDATION_POLICY_TYPES.get(policy_type)
    if kind is None:
        raise constraint_error(
            "PolicyType",
            policy_type,
            f"Member must satisfy enum value set: [{', '.join(VALIDATION_POLICY_TYPES)}]",
            field="policy_type",
        )
    if validate_policy_resource_type == TRUST_POLICY_RESOURCE_TYPE:
        kind = "trust"
    if not isinstance(policy_document, str):
        raise constraint_error("PolicyDocument", None, "Member must not be null", field="policy_document")
    return validate_policy(policy_document, kind, trust_policy_quota=quotas.limit("role_trust_policy_size"))


@dataclass(frozen=True, slots=True)
class SimulationPage:
    """One page of a simulation's ``EvaluationResults`` (AWS's shapes, from the engine)."""

    results: Sequence[Mapping[str, Any]]
    is_truncated: bool = False
    marker: str | None = None


def context_entries_of(entries: Sequence[Mapping[str, Any]] | None) -> list[engine.ContextEntry]:
    """The operation's ``context_entries`` (``context_key_name``, ``context_key_values``, ``context_key_type``) as the
    engine's entries, checked by the engine when it reads them."""
    return [
        engine.ContextEntry(
            entry.get("context_key_name"), entry.get("context_key_values", []), entry.get("context_key_type")
        )
        for entry in entries or ()
    ]


def engine_error(exc: PolicyError, field: str) -> IamError:
    """The engine's refusal as the IamError of its code (``MalformedPolicyDocument``, ``InvalidInput``)."""
    return ERRORS_BY_CODE.get(exc.code, MalformedPolicyDocument)(exc.message, field=field)


def simulation_page(results: Sequence[Mapping[str, Any]], marker: str | None, max_items: int | None) -> SimulationPage:
    """``MaxItems``/``Marker`` over the evaluation results: the marker holds the offset of the next result."""
    size = check_max_items(max_items)
    start = decode_marker(marker) if marker else 0
    if not isinstance(start, int) or not 0 <= start <= len(results):
        raise ValidationError("Invalid Marker.", field="marker")
    end = start + size
    truncated = end < len(results)
    return SimulationPage(results[start:end], truncated, encode_marker(end) if truncated else None)


def simulate_custom_policy(
    *,
    policy_input_list: Sequence[str],
    action_names: Sequence[str],
    permissions_boundary_policy_input_list: Sequence[str] | None = None,
    resource_arns: Sequence[str] | None = None,
    resource_policy: str | None = None,
    resource_owner: str | None = None,
    caller_arn: str | None = None,
    context_entries: Sequence[Mapping[str, Any]] | None = None,
    resource_handling_option: str | None = None,
    max_items: int | None = None,
    marker: str | None = None,
) -> SimulationPage:
    """SimulateCustomPolicy: evaluate the given policies for each action, as the engine's simulator does.

    Only the documents of the request count, not any policy stored in the account; ``MalformedPolicyDocument``
    names the policy at fault (``PolicyInputList.2: ...``), ``InvalidInput`` a missing or mistyped parameter.
    ``ResourceHandlingOption`` names EC2 scenarios, whose extra resources change no decision here.
    """
    del resource_handling_option
    try:
        results = engine.simulate_custom(
            policy_input_list=policy_input_list,
            action_names=action_names,
            permissions_boundary_policy_input_list=permissions_boundary_policy_input_list,
            resource_arns=resource_arns,
            resource_policy=resource_policy,
            resource_owner=resource_owner,
            caller_arn=caller_arn,
            context_entries=context_entries_of(context_entries),
        )
    except PolicyError as exc:
        raise engine_error(exc, "policy_input_list") from None
    return simulation_page(results, marker, max_items)


def get_context_keys_for_custom_policy(*, policy_input_list: Sequence[str]) -> list[str]:
    """GetContextKeysForCustomPolicy: the condition keys the documents use, once each, as written."""
    try:
        return engine.context_keys_for_policies(policy_input_list)
    except PolicyError as exc:
        raise engine_error(exc, "policy_input_list") from None
