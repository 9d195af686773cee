"""Operations on the managed and inline policies of users and groups.

Attach and Detach carry ``iam:PolicyARN``, as AWS documents for them; every user operation also carries
``aws:ResourceTag/*`` from the user's tags.
"""

from __future__ import annotations

from iamconsole.condition_keys import policy_arn_context
from iamconsole.operations import Operation
from identities import selectors, services
from identities.operations.common import on_user, user_tags_context
from identities.operations.groups import group_resource

OPERATIONS = (
    on_user("AttachUserPolicy", services.attach_user_policy, context=policy_arn_context(user_tags_context)),
    on_user("DetachUserPolicy", services.detach_user_policy, context=policy_arn_context(user_tags_context)),
    on_user(
        "ListAttachedUserPolicies", selectors.list_attached_user_policies, context=user_tags_context, read_only=True
    ),
    on_user("PutUserPolicy", services.put_user_policy, context=user_tags_context),
    on_user("GetUserPolicy", selectors.get_user_policy, context=user_tags_context, read_only=True),
    on_user("ListUserPolicies", selectors.list_user_policies, context=user_tags_context, read_only=True),
    on_user("DeleteUserPolicy", services.delete_user_policy, context=user_tags_context),
    Operation("AttachGroupPolicy", services.attach_group_policy, resource=group_resource, context=policy_arn_context()),
    Operation("DetachGroupPolicy", services.detach_group_policy, resource=group_resource, context=policy_arn_context()),
    Operation(
        "ListAttachedGroupPolicies", selectors.list_attached_group_policies, resource=group_resource, read_only=True
    ),
    Operation("PutGroupPolicy", services.put_group_policy, resource=group_resource),
    Operation("GetGroupPolicy", selectors.get_group_policy, resource=group_resource, read_only=True),
    Operation("ListGroupPolicies", selectors.list_group_policies, resource=group_resource, read_only=True),
    Operation("DeleteGroupPolicy", services.delete_group_policy, resource=group_resource),
)
