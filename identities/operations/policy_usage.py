"""Operations on managed policies that need their uses: GetPolicy, ListPolicies, DeletePolicy,
ListEntitiesForPolicy (declared here because ``policies`` may not read attachments)."""

from __future__ import annotations

from iamconsole.operations import Operation
from identities.selectors import policy_usage as selectors
from identities.services import policy_usage as services
from policies.operations import customer_policy_write, policy_resource, resource_tags_context

OPERATIONS = (
    Operation(
        "GetPolicy", selectors.get_policy, resource=policy_resource, context=resource_tags_context, read_only=True
    ),
    Operation("ListPolicies", selectors.list_policies, read_only=True),
    Operation(
        "DeletePolicy",
        customer_policy_write("iam:DeletePolicy", services.delete_policy),
        resource=policy_resource,
        context=resource_tags_context,
        takes_actor=True,
    ),
    Operation(
        "ListEntitiesForPolicy",
        selectors.list_entities_for_policy,
        resource=policy_resource,
        context=resource_tags_context,
        read_only=True,
    ),
)
