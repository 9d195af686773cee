"""Operations on access keys (of IAM users, and of the root user when no user is named)."""

from __future__ import annotations

from iamconsole.arn import iam_arn, root_arn
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import target_user, user_resource


def _key_owner_resource(call: Call) -> str:
    """The ARN of the key's owner (the root user for root keys and for keys this account does not have)."""
    if call.account is None:
        return root_arn(call.account_id)
    owner = selectors.access_key_owner_path(account=call.account, access_key_id=str(call.params.get("access_key_id")))
    if owner is None:
        return root_arn(call.account_id)
    name, path = owner
    return iam_arn(call.account_id, "user", name, path)


OPERATIONS = (
    Operation(
        "CreateAccessKey", services.create_access_key, resource=user_resource, target=target_user, implicit_user=True
    ),
    Operation(
        "ListAccessKeys",
        selectors.list_access_keys,
        resource=user_resource,
        target=target_user,
        implicit_user=True,
        read_only=True,
    ),
    Operation(
        "UpdateAccessKey", services.update_access_key, resource=user_resource, target=target_user, implicit_user=True
    ),
    Operation(
        "DeleteAccessKey", services.delete_access_key, resource=user_resource, target=target_user, implicit_user=True
    ),
    Operation("GetAccessKeyLastUsed", selectors.get_access_key_last_used, resource=_key_owner_resource, read_only=True),
)
