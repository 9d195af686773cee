"""The policies app's operations: customer managed policies, their versions and tags, ValidatePolicy, and the
custom-policy simulator (SimulateCustomPolicy, GetContextKeysForCustomPolicy).

GetPolicy, ListPolicies, DeletePolicy and ListEntitiesForPolicy need attachments and usage counts, which the
identities app keeps: they call its policy-usage selectors and service (the policies models, services and selectors
themselves stand on accounts only).
Writes naming an AWS managed policy are denied as AWS denies them (``customer_managed_only``): the policy belongs to
the ``aws`` account, and no resource-based policy lets another account change it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn, is_aws_managed_policy_arn
from iamconsole.condition_keys import request_tags_context, tag_context, untag_context
from iamconsole.errors import IamError
from iamconsole.operations import Call, Operation
from identities.selectors import policy_usage as usage_selectors
from identities.services import policy_usage as usage_services
from policies import selectors, services, simulation


def policy_resource(call: Call) -> str:
    """The policy the request names by ``PolicyArn``: the ARN itself is the resource IAM authorizes against."""
    return str(call.params.get("policy_arn") or "*")


def new_policy_resource(call: Call) -> str:
    """The ARN CreatePolicy would give the policy (its path included)."""
    path = call.params.get("path") or "/"
    return iam_arn(call.account_id, "policy", str(call.params.get("policy_name", "")), str(path))


def resource_tags_context(call: Call) -> dict[str, Any]:
    """``aws:ResourceTag/KEY`` for each tag of the policy the request names (none when it does not exist yet)."""
    arn = call.params.get("policy_arn")
    if call.account is None or not isinstance(arn, str) or is_aws_managed_policy_arn(arn):
        return {}
    try:
        policy = selectors.get_policy_by_arn(account=call.account, policy_arn=arn)
    except IamError:
        return {}  # the operation itself answers NoSuchEntity or InvalidInput
    return {f"aws:ResourceTag/{key}": value for key, value in policy.tags.items()}


def policy_by_id(call: Call) -> Any:
    """The policy ``PolicyId`` names, or None (the handler then answers NoSuchEntity, after authorization)."""
    policy_id = call.params.get("policy_id")
    if call.account is None or not isinstance(policy_id, str):
        return None
    return selectors.find_policy_by_id(account=call.account, policy_id=policy_id)


def policy_by_id_resource(call: Call) -> str:
    """The ARN of the policy ``PolicyId`` names; any policy of the account while it names none."""
    return str(call.target.arn) if call.target is not None else iam_arn(call.account_id, "policy", "*")


def policy_by_id_context(call: Call) -> dict[str, Any]:
    if call.target is None or call.target.is_aws_managed:
        return {}
    return {f"aws:ResourceTag/{key}": value for key, value in call.target.tags.items()}


def on_policy(name: str, handler: Callable[..., Any], **options: Any) -> Operation:
    """An operation on the policy the request names by ``PolicyArn``: authorized on that ARN, with the policy's tags
    as ``aws:ResourceTag/*`` unless ``options`` name another ``context``."""
    options.setdefault("context", resource_tags_context)
    return Operation(name, handler, resource=policy_resource, **options)


OPERATIONS = (
    on_policy("GetPolicy", usage_selectors.get_policy, read_only=True),
    # iamconsole's own: GetPolicy by the policy's id, for the console's policy pages (/policies/<policy id>).
    Operation(
        "GetPolicyById",
        usage_selectors.get_policy_by_id,
        action="iam:GetPolicy",
        target=policy_by_id,
        resource=policy_by_id_resource,
        context=policy_by_id_context,
        read_only=True,
    ),
    Operation("ListPolicies", usage_selectors.list_policies, read_only=True),
    on_policy("DeletePolicy", usage_services.delete_policy, customer_managed_only=True),
    on_policy("ListEntitiesForPolicy", usage_selectors.list_entities_for_policy, read_only=True),
    Operation("CreatePolicy", services.create_policy, resource=new_policy_resource, context=request_tags_context),
    on_policy("GetPolicyVersion", selectors.get_policy_version, read_only=True),
    on_policy("ListPolicyVersions", selectors.list_policy_versions, read_only=True),
    on_policy("CreatePolicyVersion", services.create_policy_version, customer_managed_only=True),
    on_policy("SetDefaultPolicyVersion", services.set_default_policy_version, customer_managed_only=True),
    on_policy("DeletePolicyVersion", services.delete_policy_version, customer_managed_only=True),
    on_policy("TagPolicy", services.tag_policy, context=tag_context(resource_tags_context), customer_managed_only=True),
    on_policy(
        "UntagPolicy", services.untag_policy, context=untag_context(resource_tags_context), customer_managed_only=True
    ),
    on_policy("ListPolicyTags", selectors.list_policy_tags, read_only=True),
    # iamconsole's own: loads or refreshes the AWS catalogue (manage.py syncawspolicies).
    Operation(
        "SyncAwsManagedPolicies",
        services.sync_aws_managed_policies,
        action=None,
        account_scoped=False,
        system_only=True,
    ),
    Operation("SimulateCustomPolicy", simulation.simulate_custom_policy, read_only=True, account_scoped=False),
    Operation(
        "GetContextKeysForCustomPolicy",
        simulation.get_context_keys_for_custom_policy,
        read_only=True,
        account_scoped=False,
    ),
    Operation(
        "ValidatePolicy",
        simulation.validate_policy_document,
        service="access-analyzer",
        read_only=True,
        account_scoped=False,
    ),
)
