"""The policies app's operations: customer managed policies, their versions and tags, ValidatePolicy, and the
custom-policy simulator (SimulateCustomPolicy, GetContextKeysForCustomPolicy).

GetPolicy, ListPolicies, DeletePolicy and ListEntitiesForPolicy need attachments and usage counts, which the
identities app keeps: they call its policy-usage selectors and service (the policies models, services and selectors
themselves stand on accounts only).
Writes naming an AWS managed policy are denied as AWS denies them (``customer_managed_only``): the policy belongs to
the ``aws`` account, and no resource-based policy lets another account change it.
"""

from __future__ import annotations

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


OPERATIONS = (
    Operation(
        "GetPolicy", usage_selectors.get_policy, resource=policy_resource, context=resource_tags_context, read_only=True
    ),
    Operation("ListPolicies", usage_selectors.list_policies, read_only=True),
    Operation(
        "DeletePolicy",
        usage_services.delete_policy,
        resource=policy_resource,
        context=resource_tags_context,
        customer_managed_only=True,
    ),
    Operation(
        "ListEntitiesForPolicy",
        usage_selectors.list_entities_for_policy,
        resource=policy_resource,
        context=resource_tags_context,
        read_only=True,
    ),
    Operation("CreatePolicy", services.create_policy, resource=new_policy_resource, context=request_tags_context),
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
        services.create_policy_version,
        resource=policy_resource,
        context=resource_tags_context,
        customer_managed_only=True,
    ),
    Operation(
        "SetDefaultPolicyVersion",
        services.set_default_policy_version,
        resource=policy_resource,
        context=resource_tags_context,
        customer_managed_only=True,
    ),
    Operation(
        "DeletePolicyVersion",
        services.delete_policy_version,
        resource=policy_resource,
        context=resource_tags_context,
        customer_managed_only=True,
    ),
    Operation(
        "TagPolicy",
        services.tag_policy,
        resource=policy_resource,
        context=tag_context(resource_tags_context),
        customer_managed_only=True,
    ),
    Operation(
        "UntagPolicy",
        services.untag_policy,
        resource=policy_resource,
        context=untag_context(resource_tags_context),
        customer_managed_only=True,
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
