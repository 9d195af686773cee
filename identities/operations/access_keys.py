"""Operations on access keys (of IAM users, and of the root user when no user is named)."""

from __future__ import annotations

from iamconsole.arn import iam_arn, root_arn
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import on_user


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
    on_user("CreateAccessKey", services.create_access_key, implicit_user=True),
    on_user("ListAccessKeys", selectors.list_access_keys, implicit_user=True, read_only=True),
    on_user("UpdateAccessKey", services.update_access_key, implicit_user=True),
    on_user("DeleteAccessKey", services.delete_access_key, implicit_user=True),
    Operation("GetAccessKeyLastUsed", selectors.get_access_key_last_used, resource=_key_owner_resource, read_only=True),
)
