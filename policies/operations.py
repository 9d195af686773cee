"""The policies app's operations: customer managed policies, their versions and tags, ValidatePolicy, and the
custom-policy simulator (SimulateCustomPolicy, GetContextKeysForCustomPolicy).

GetPolicy, ListPolicies, DeletePolicy and ListEntitiesForPolicy need attachments and usage counts, so they are
declared in ``identities.operations.policy_usage``; the resource and context builders here serve both.
Writes naming an AWS managed policy are denied as AWS denies them: the policy belongs to the ``aws`` account, and no
resource-based policy lets another account change it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accounts.models import Account
from iamconsole import authorization, quotas
from iamconsole.actors import Actor
from iamconsole.arn import iam_arn
from iamconsole.errors import (
    ERRORS_BY_CODE,
    AccessDenied,
    IamError,
    MalformedPolicyDocument,
    ValidationError,
    constraint_error,
)
from iamconsole.operations import Call, Operation
from iamconsole.pagination import check_max_items, decode_marker, encode_marker
from policies import aws_managed, engine, selectors, services
from policies.engine import PolicyError
from policies.engine.validation import Finding, validate_policy


def policy_resource(call: Call) -> str:
    """The policy the request names by ``PolicyArn``: the ARN itself is the resource IAM authorizes against."""
    return str(call.params.get("policy_arn") or "*")


def new_policy_resource(call: Call) -> str:
    """The ARN CreatePolicy would give the policy (its path included)."""
    path = call.params.get("path") or "/"
    return iam_arn(call.account_id, "policy", str(call.params.get("policy_name", "")), str(path))


def request_tags_context(tags: Any) -> dict[str, Any]:
    """``aws:RequestTag/KEY`` for each tag of the request, and ``aws:TagKeys`` listing their keys."""
    if not isinstance(tags, list | tuple):
        return {}
    pairs = [(t.get("key"), t.get("value")) for t in tags if isinstance(t, Mapping) and isinstance(t.get("key"), str)]
    if not pairs:
        return {}
    context: dict[str, Any] = {f"aws:RequestTag/{key}": value for key, value in pairs}
    context["aws:TagKeys"] = [key for key, _ in pairs]
    return context


def resource_tags_context(call: Call) -> dict[str, Any]:
    """``aws:ResourceTag/KEY`` for each tag of the policy the request names (none when it does not exist yet)."""
    arn = call.params.get("policy_arn")
    if call.account is None or not isinstance(arn, str) or aws_managed.is_aws_managed_arn(arn):
        return {}
    try:
        policy = selectors.get_policy_by_arn(account=call.account, policy_arn=arn)
    except IamError:
        return {}  # the operation itself answers NoSuchEntity or InvalidInput
    return {f"aws:ResourceTag/{key}": value for key, value in policy.tags.items()}


def _create_context(call: Call) -> dict[str, Any]:
    return request_tags_context(call.params.get("tags"))


def _tag_context(call: Call) -> dict[str, Any]:
    return {**resource_tags_context(call), **request_tags_context(call.params.get("tags"))}


def _untag_context(call: Call) -> dict[str, Any]:
    keys = call.params.get("tag_keys")
    extra = {"aws:TagKeys": list(keys)} if isinstance(keys, list | tuple) else {}
    return {**resource_tags_context(call), **extra}


def deny_aws_managed_write(actor: Actor, action: str, policy_arn: str) -> None:
    """Refuse a write to an AWS managed policy in AWS's cross-account form of AccessDenied."""
    if aws_managed.is_aws_managed_arn(policy_arn):
        raise AccessDenied(
            authorization.denial_message(
                actor, action, policy_arn, f"because no resource-based policy allows the {action} action"
            )
        )


def customer_policy_write(action: str, service: Callable[..., Any]) -> Callable[..., Any]:
    """The handler of a write to a customer managed policy: AWS managed ARNs are denied before the service runs."""

    def handler(*, account: Account, actor: Actor, policy_arn: str, **params: Any) -> Any:
        deny_aws_managed_write(actor, action, policy_arn)
        return service(account=account, policy_arn=policy_arn, **params)

    handler.__name__ = getattr(service, "__name__", action)
    handler.__doc__ = service.__doc__
    return handler


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


def simulation_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's simulation request (AWS's member names) from an operation's snake_case parameters."""
    names = {
        "policy_input_list": "PolicyInputList",
        "permissions_boundary_policy_input_list": "PermissionsBoundaryPolicyInputList",
        "action_names": "ActionNames",
        "resource_arns": "ResourceArns",
        "resource_policy": "ResourcePolicy",
        "resource_owner": "ResourceOwner",
        "caller_arn": "CallerArn",
    }
    request = {aws: params[snake] for snake, aws in names.items() if params.get(snake) is not None}
    entries = params.get("context_entries")
    if entries is not None:
        request["ContextEntries"] = [
            {
                "ContextKeyName": entry.get("context_key_name"),
                "ContextKeyValues": entry.get("context_key_values", []),
                "ContextKeyType": entry.get("context_key_type"),
            }
            for entry in entries
        ]
    return request


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
    max_items: int | None = None,
    marker: str | None = None,
    **params: Any,
) -> SimulationPage:
    """SimulateCustomPolicy: evaluate the given policies for each action, as the engine's simulator does.

    Only the documents of the request count, not any policy stored in the account; ``MalformedPolicyDocument``
    names the policy at fault (``PolicyInputList.2: ...``), ``InvalidInput`` a missing or mistyped parameter.
    """
    request = simulation_request({**params, "policy_input_list": policy_input_list, "action_names": action_names})
    try:
        results = engine.simulate_custom_policy(request)["EvaluationResults"]
    except PolicyError as exc:
        raise engine_error(exc, "policy_input_list") from None
    return simulation_page(results, marker, max_items)


def get_context_keys_for_custom_policy(*, policy_input_list: Sequence[str]) -> list[str]:
    """GetContextKeysForCustomPolicy: the condition keys the documents use, once each, as written."""
    try:
        return engine.context_keys_for_policies(policy_input_list)
    except PolicyError as exc:
        raise engine_error(exc, "policy_input_list") from None


OPERATIONS = (
    Operation("CreatePolicy", services.create_policy, resource=new_policy_resource, context=_create_context),
    Operation(
        "GetPolicyVersion",
        selectors.get_policy_version,
        resource=policy_resource,
        context=resource_tags_context,
        read_only=True,
    ),
    Operation(
        "ListPolicyVersions",
        selectors.list_policy_versions,
        resource=policy_resource,
        context=resource_tags_context,
        read_only=True,
    ),
    Operation(
        "CreatePolicyVersion",
        customer_policy_write("iam:CreatePolicyVersion", services.create_policy_version),
        resource=policy_resource,
        context=resource_tags_context,
        takes_actor=True,
    ),
    Operation(
        "SetDefaultPolicyVersion",
        customer_policy_write("iam:SetDefaultPolicyVersion", services.set_default_policy_version),
        resource=policy_resource,
        context=resource_tags_context,
        takes_actor=True,
    ),
    Operation(
        "DeletePolicyVersion",
        customer_policy_write("iam:DeletePolicyVersion", services.delete_policy_version),
        resource=policy_resource,
        context=resource_tags_context,
        takes_actor=True,
    ),
    Operation(
        "TagPolicy",
        customer_policy_write("iam:TagPolicy", services.tag_policy),
        resource=policy_resource,
        context=_tag_context,
        takes_actor=True,
    ),
    Operation(
        "UntagPolicy",
        customer_policy_write("iam:UntagPolicy", services.untag_policy),
        resource=policy_resource,
        context=_untag_context,
        takes_actor=True,
    ),
    Operation(
        "ListPolicyTags",
        selectors.list_policy_tags,
        resource=policy_resource,
        context=resource_tags_context,
        read_only=True,
    ),
    # iamconsole's own: loads or refreshes the AWS catalogue (manage.py syncawspolicies).
    Operation(
        "SyncAwsManagedPolicies",
        services.sync_aws_managed_policies,
        action=None,
        account_scoped=False,
        system_only=True,
    ),
    Operation("SimulateCustomPolicy", simulate_custom_policy, read_only=True, account_scoped=False),
    Operation(
        "GetContextKeysForCustomPolicy", get_context_keys_for_custom_policy, read_only=True, account_scoped=False
    ),
    Operation(
        "ValidatePolicy",
        validate_policy_document,
        service="access-analyzer",
        read_only=True,
        account_scoped=False,
    ),
)
