"""Operations on a role's managed and inline policies.

AttachRolePolicy and DetachRolePolicy carry ``iam:PolicyARN``, as AWS documents for them; every operation also
carries ``aws:ResourceTag/*`` from the role's tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.roles import role_resource, role_tags_context, target_role


def _policy_arn_context(call: Call) -> Mapping[str, Any]:
    return {**role_tags_context(call), "iam:PolicyARN": str(call.params.get("policy_arn"))}


OPERATIONS = (
    Operation(
        "AttachRolePolicy",
        services.attach_role_policy,
        resource=role_resource,
        target=target_role,
        context=_policy_arn_context,
    ),
    Operation(
        "DetachRolePolicy",
        services.detach_role_policy,
        resource=role_resource,
        target=target_role,
        context=_policy_arn_context,
    ),
    Operation(
        "ListAttachedRolePolicies",
        selectors.list_attached_role_policies,
        resource=role_resource,
        target=target_role,
        context=role_tags_context,
        read_only=True,
    ),
    Operation(
        "PutRolePolicy", services.put_role_policy, resource=role_resource, target=target_role, context=role_tags_context
    ),
    Operation(
        "GetRolePolicy",
        selectors.get_role_policy,
        resource=role_resource,
        target=target_role,
        context=role_tags_context,
        read_only=True,
    ),
    Operation(
        "ListRolePolicies",
        selectors.list_role_policies,
        resource=role_resource,
        target=target_role,
        context=role_tags_context,
        read_only=True,
    ),
    Operation(
        "DeleteRolePolicy",
        services.delete_role_policy,
        resource=role_resource,
        target=target_role,
        context=role_tags_context,
    ),
)
