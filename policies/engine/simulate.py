"""The policy simulator: IAM's SimulateCustomPolicy / SimulatePrincipalPolicy semantics and shapes.

Mirrors the IAM API reference for `SimulateCustomPolicy`, `SimulatePrincipalPolicy`,
`EvaluationResult`, `ResourceSpecificResult`, `Statement` and `ContextEntry`: one result per
action whose `EvalDecision` is the most restrictive over the simulated resources, the statements
that decided it, the context keys the applicable statements need but the request did not supply
(`MissingContextValues`, per resource when resources are listed), and the permissions boundary
detail. Without `ResourceArns` the resource is `*`. The Query API and the command line both call
`simulate_custom_policy`, so they cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .context import ContextValue, normalize_context
from .document import Policy, PolicyKind, parse_policy, principal_is_account
from .errors import PolicyError, SimulationInputError
from .evaluate import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, Decision, PolicySource, evaluate
from .principals import Principal

_RESTRICTIVENESS: Final = {ALLOWED: 0, IMPLICIT_DENY: 1, EXPLICIT_DENY: 2}
CONTEXT_KEY_TYPES: Final = frozenset(
    {
        "string", "stringList", "numeric", "numericList", "boolean", "booleanList",
        "ip", "ipList", "binary", "binaryList", "date", "dateList",
    }
)  # fmt: skip
_PARAMETERS: Final = frozenset(
    {
        "PolicyInputList", "PermissionsBoundaryPolicyInputList", "ActionNames", "ResourceArns",
        "ResourcePolicy", "ResourceOwner", "CallerArn", "ContextEntries", "ResourceHandlingOption",
        "MaxItems", "Marker", "OrderedOrganizationPolicyInputList",
    }
)  # fmt: skip


def _statement_shape(match: Any) -> dict[str, Any]:
    shape: dict[str, Any] = {"SourcePolicyId": match.source_id, "SourcePolicyType": match.source_type}
    if match.start is not None and match.end is not None:
        shape["StartPosition"] = {"Line": match.start.line, "Column": match.start.column}
        shape["EndPosition"] = {"Line": match.end.line, "Column": match.end.column}
    return shape


def _missing_keys(
    sources: Iterable[PolicySource], action: str, resource: str, provided: Mapping[str, Any]
) -> list[str]:
    """Condition keys of statements that apply to (action, resource) and are not in the context."""
    act = action.lower()
    service = act.partition(":")[0]
    seen: set[str] = set()
    keys: list[str] = []
    for src in sources:
        for st in src.policy.candidates(service):
            if not st.condition or not st.matches_action(act) or not st.matches_resource(resource, provided):
                continue
            for key in st.condition_keys:
                lowered = key.lower()
                if lowered not in provided and lowered not in seen:
                    seen.add(lowered)
                    keys.append(key)
    return keys


def _account_of_resource(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else None


def simulate(
    *,
    action_names: Sequence[str],
    principal: Principal,
    context: Mapping[str, ContextValue],
    identity_policies: Sequence[PolicySource] = (),
    resource_arns: Sequence[str] = (),
    permissions_boundary: PolicySource | None = None,
    session_policies: Sequence[PolicySource] | None = None,
    resource_policy: PolicySource | None = None,
    resource_owner: str | None = None,
) -> list[dict[str, Any]]:
    """`EvaluationResults` for each action over each resource, in AWS's shape.

    `resource_owner` is the account of resources whose ARN names none (an S3 bucket); it only
    matters with a `resource_policy`, since without one the simulation is within the caller's
    account.
    """
    ctx = normalize_context(context)
    resources = list(resource_arns) or ["*"]
    listed = bool(resource_arns)
    all_sources = [*identity_policies, *([permissions_boundary] if permissions_boundary else [])]
    all_sources += [*(session_policies or ()), *([resource_policy] if resource_policy else [])]
    results: list[dict[str, Any]] = []
    for action in action_names:
        per_resource: list[tuple[str, Decision, list[str]]] = []
        for resource in resources:
            account = None
            if resource_policy is not None:
                account = _account_of_resource(resource) or resource_owner or principal.account
            decision = evaluate(
                action=action,
                resource=resource,
                principal=principal,
                context=ctx,
                identity_policies=identity_policies,
                permissions_boundary=permissions_boundary,
                session_policies=session_policies,
                resource_policy=resource_policy,
                resource_account=account,
                simulation=True,
            )
            per_resource.append((resource, decision, _missing_keys(all_sources, action, resource, ctx)))
        worst = max((d.decision for _, d, _ in per_resource), key=_RESTRICTIVENESS.__getitem__)
        matched: list[dict[str, Any]] = []
        for _, d, _ in per_resource:
            if d.decision == worst:
                for m in d.matched_statements:
                    shape = _statement_shape(m)
                    if shape not in matched:
                        matched.append(shape)
        result: dict[str, Any] = {
            "EvalActionName": action,
            "EvalResourceName": resources[0] if len(resources) == 1 else "*",
            "EvalDecision": worst,
            "MatchedStatements": matched,
            "MissingContextValues": [] if listed else per_resource[0][2],
        }
        if permissions_boundary is not None:
            result["PermissionsBoundaryDecisionDetail"] = {
                "AllowedByPermissionsBoundary": all(d.allowed_by_boundary for _, d, _ in per_resource)
            }
        if listed:
            specific = []
            for resource, d, missing in per_resource:
                item: dict[str, Any] = {
                    "EvalResourceName": resource,
                    "EvalResourceDecision": d.decision,
                    "MatchedStatements": [_statement_shape(m) for m in d.matched_statements],
                    "MissingContextValues": missing,
                }
                if permissions_boundary is not None:
                    item["PermissionsBoundaryDecisionDetail"] = {
                        "AllowedByPermissionsBoundary": bool(d.allowed_by_boundary)
                    }
                specific.append(item)
            result["ResourceSpecificResults"] = specific
        results.append(result)
    return results


@dataclass(frozen=True, slots=True)
class ContextEntry:
    """One entry of a simulation's context: a condition key, its values and their type (``ContextKeyType``'s names,
    such as ``string`` or ``ipList``). Taken as given: ``context_from_entries`` checks it and says what is wrong."""

    key: object
    values: object
    type: object


def _string_list(name: str, value: object, *, required: bool = False) -> list[str]:
    if value is None:
        if required:
            raise SimulationInputError(f"{name} is required.")
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SimulationInputError(f"{name} must be a list of strings.")
    return list(value)


def _optional_string(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SimulationInputError(f"{name} must be a string.")
    return value


def entries_from_request(entries: object) -> list[ContextEntry]:
    """A request's ``ContextEntries`` (``ContextKeyName``, ``ContextKeyValues``, ``ContextKeyType``) as entries."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SimulationInputError("ContextEntries must be a list.")
    found = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise SimulationInputError(f"ContextEntries.member.{i} must be an object.")
        found.append(
            ContextEntry(entry.get("ContextKeyName"), entry.get("ContextKeyValues"), entry.get("ContextKeyType"))
        )
    return found


def context_from_entries(entries: Sequence[ContextEntry]) -> dict[str, ContextValue]:
    """The context the entries give. Single-valued types take the first value; ``...List`` types keep them all."""
    context: dict[str, ContextValue] = {}
    for i, entry in enumerate(entries, 1):
        where = f"ContextEntries.member.{i}"
        name, values, kind = entry.key, entry.values, entry.type
        if not isinstance(name, str) or not name:
            raise SimulationInputError(f"{where}.ContextKeyName is required.")
        if not isinstance(kind, str) or kind not in CONTEXT_KEY_TYPES:
            raise SimulationInputError(
                f"{where}.ContextKeyType must be one of: {', '.join(sorted(CONTEXT_KEY_TYPES))}."
            )
        if not isinstance(values, list | tuple) or not all(isinstance(v, str | bool | int | float) for v in values):
            raise SimulationInputError(f"{where}.ContextKeyValues must be a list of strings.")
        texts = [v if isinstance(v, str) else json.dumps(v) for v in values]
        if kind.endswith("List"):
            context[name] = texts
        elif texts:
            context[name] = texts[0]
    return context


def _parse(text: str, kind: PolicyKind, where: str) -> Policy:
    try:
        return parse_policy(text, kind)
    except PolicyError as exc:
        raise type(exc)(f"{where}: {exc.message}") from exc


def simulate_custom_policy(request: Mapping[str, Any]) -> dict[str, Any]:
    """SimulateCustomPolicy: the request's parameters in AWS's names, AWS's response shape (the command line's form).

    Raises `SimulationInputError` (InvalidInput) for missing or mistyped parameters and
    `PolicyError` (MalformedPolicyDocument) for a policy that does not parse; messages name the
    offending parameter (`PolicyInputList.1: Syntax errors in policy.`).
    """
    if not isinstance(request, Mapping):
        raise SimulationInputError("A SimulateCustomPolicy request must be a JSON object.")
    unknown = sorted(set(request) - _PARAMETERS)
    if unknown:
        raise SimulationInputError(f"Unknown parameter(s): {', '.join(unknown)}.")
    if request.get("OrderedOrganizationPolicyInputList"):
        raise SimulationInputError("OrderedOrganizationPolicyInputList is not supported: there are no organizations.")
    results = simulate_custom(
        policy_input_list=request.get("PolicyInputList"),
        action_names=request.get("ActionNames"),
        permissions_boundary_policy_input_list=request.get("PermissionsBoundaryPolicyInputList"),
        resource_arns=request.get("ResourceArns"),
        resource_policy=request.get("ResourcePolicy"),
        resource_owner=request.get("ResourceOwner"),
        caller_arn=request.get("CallerArn"),
        context_entries=entries_from_request(request.get("ContextEntries")),
    )
    return {"EvaluationResults": results, "IsTruncated": False}


def simulate_custom(
    *,
    policy_input_list: object,
    action_names: object,
    permissions_boundary_policy_input_list: object = None,
    resource_arns: object = None,
    resource_policy: object = None,
    resource_owner: object = None,
    caller_arn: object = None,
    context_entries: Sequence[ContextEntry] = (),
) -> list[dict[str, Any]]:
    """SimulateCustomPolicy over the given documents: its ``EvaluationResults``. Arguments are taken as given and
    checked here; an error names the AWS member at fault, as the Query API and the command line both report it."""
    policy_texts = _string_list("PolicyInputList", policy_input_list, required=True)
    boundary_texts = _string_list("PermissionsBoundaryPolicyInputList", permissions_boundary_policy_input_list)
    actions = _string_list("ActionNames", action_names, required=True)
    if not actions:
        raise SimulationInputError("ActionNames must name at least one action.")
    resources = _string_list("ResourceArns", resource_arns)
    resource_policy_text = _optional_string("ResourcePolicy", resource_policy)
    owner = _optional_string("ResourceOwner", resource_owner)
    caller = _optional_string("CallerArn", caller_arn)
    context = context_from_entries(context_entries)
    if resource_policy_text is not None and caller is None:
        raise SimulationInputError("CallerArn is required when ResourcePolicy is specified.")
    if len(boundary_texts) > 1:
        raise SimulationInputError("PermissionsBoundaryPolicyInputList accepts at most one policy.")

    identity = [
        PolicySource(_parse(t, PolicyKind.IDENTITY, f"PolicyInputList.{i}"), f"PolicyInputList.{i}", "IAM Policy")
        for i, t in enumerate(policy_texts, 1)
    ]
    boundary = None
    if boundary_texts:
        boundary = PolicySource(
            _parse(boundary_texts[0], PolicyKind.BOUNDARY, "PermissionsBoundaryPolicyInputList.1"),
            "PermissionsBoundaryPolicyInputList.1",
            "PermissionsBoundaryPolicy",
        )
    resource_policy = None
    if resource_policy_text is not None:
        resource_policy = PolicySource(
            _parse(resource_policy_text, PolicyKind.RESOURCE, "ResourcePolicy"), "ResourcePolicy", "resource"
        )
    owner_account = None
    if owner is not None:
        owner_account = principal_is_account(owner) or _account_of_resource(owner)
        if owner_account is None:
            raise SimulationInputError("ResourceOwner must be an account ARN such as arn:aws:iam::123456789012:root.")
    principal = Principal(arn=caller or "arn:aws:iam::000000000000:user/SimulatedCaller")
    results = simulate(
        action_names=actions,
        principal=principal,
        context=context,
        identity_policies=identity,
        resource_arns=resources,
        permissions_boundary=boundary,
        resource_policy=resource_policy,
        resource_owner=owner_account,
    )
    return results


def context_keys_for_policies(texts: Sequence[str]) -> list[str]:
    """GetContextKeysForCustomPolicy: the condition keys the policies use, as written, once each.

    Each text may be an identity-based, resource-based or trust policy.
    """
    keys: list[str] = []
    seen: set[str] = set()
    for text in texts:
        policy = _parse_any(text)
        for st in policy.statements:
            for key in st.condition_keys:
                if key.lower() not in seen:
                    seen.add(key.lower())
                    keys.append(key)
    return keys


def _parse_any(text: str) -> Policy:
    try:
        return parse_policy(text, PolicyKind.IDENTITY)
    except PolicyError as first:
        for kind in (PolicyKind.RESOURCE, PolicyKind.TRUST):
            try:
                return parse_policy(text, kind)
            except PolicyError:
                continue
        raise first from None
