"""The principal simulator's operations: SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy."""

from __future__ import annotations

from iamconsole.operations import Call, Operation
from identities import selectors


def _source_resource(call: Call) -> str:
    return str(call.params.get("policy_source_arn") or "*")


OPERATIONS = (
    Operation(
        "SimulatePrincipalPolicy", selectors.simulate_principal_policy, resource=_source_resource, read_only=True
    ),
    Operation(
        "GetContextKeysForPrincipalPolicy",
        selectors.get_context_keys_for_principal_policy,
        resource=_source_resource,
        read_only=True,
    ),
)
