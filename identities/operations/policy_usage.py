"""Operations on managed policies that need their uses: GetPolicy, ListPolicies, DeletePolicy,
ListEntitiesForPolicy (declared here because ``policies`` may not read attachments)."""

from __future__ import annotations

from iamconsole.operations import Operation
from identities.selectors import policy_usage as selectors
from identities.services import policy_usage as services
from policies.operations import policy_resource, resource_tags_context

OPERATIONS = (
    Operation(
        "GetPolicy", selectors.get_policy, resource=policy_resource, context=resource_tags_context, read_only=True
    ),
    Operation("ListPolicies", selectors.list_policies, read_only=True),
    Operation(
        "DeletePolicy",
        services.delete_policy,
        resource=policy_resource,
        context=resource_tags_context,
        customer_managed_only=True,
    ),
    Operation(
        "ListEntitiesForPolicy",
        selectors.list_entities_for_policy,
        resource=policy_resource,
        context=resource_tags_context,
        read_only=True,
    ),
)
