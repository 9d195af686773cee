"""Operations on a role's managed and inline policies.

AttachRolePolicy and DetachRolePolicy carry ``iam:PolicyARN``, as AWS documents for them; every operation also
carries ``aws:ResourceTag/*`` from the role's tags.
"""

from __future__ import annotations

from iamconsole.condition_keys import policy_arn_context
from identities import selectors, services
from identities.operations.roles import on_role, role_tags_context

OPERATIONS = (
    on_role("AttachRolePolicy", services.attach_role_policy, context=policy_arn_context(role_tags_context)),
    on_role("DetachRolePolicy", services.detach_role_policy, context=policy_arn_context(role_tags_context)),
    on_role(
        "ListAttachedRolePolicies", selectors.list_attached_role_policies, context=role_tags_context, read_only=True
    ),
    on_role("PutRolePolicy", services.put_role_policy, context=role_tags_context),
    on_role("GetRolePolicy", selectors.get_role_policy, context=role_tags_context, read_only=True),
    on_role("ListRolePolicies", selectors.list_role_policies, context=role_tags_context, read_only=True),
    on_role("DeleteRolePolicy", services.delete_role_policy, context=role_tags_context),
)
