"""Operations on access keys (of IAM users, and of the root user when no user is named)."""

from __future__ import annotations

from typing import Any

from accounts.models import Account
from iamconsole.actors import Actor
from iamconsole.arn import iam_arn, root_arn
from iamconsole.operations import Call, Operation, parameters_of
from identities import selectors, services
from identities.operations.common import implicit_user_name, user_resource


def _create(*, account: Account, actor: Actor, user_name: str | None = None) -> services.NewAccessKey:
    return services.create_access_key(account=account, user_name=implicit_user_name(actor, user_name))


def _list(*, account: Account, actor: Actor, user_name: str | None = None, **page: Any) -> Any:
    return selectors.list_access_keys(account=account, user_name=implicit_user_name(actor, user_name), **page)


def _update(*, account: Account, actor: Actor, access_key_id: str, status: str, user_name: str | None = None) -> Any:
    return services.update_access_key(
        account=account, access_key_id=access_key_id, status=status, user_name=implicit_user_name(actor, user_name)
    )


def _delete(*, account: Account, actor: Actor, access_key_id: str, user_name: str | None = None) -> None:
    services.delete_access_key(
        account=account, access_key_id=access_key_id, user_name=implicit_user_name(actor, user_name)
    )


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
    Operation("CreateAccessKey", _create, resource=user_resource, takes_actor=True),
    Operation(
        "ListAccessKeys",
        _list,
        resource=user_resource,
        takes_actor=True,
        read_only=True,
        parameters=parameters_of(selectors.list_access_keys),
    ),
    Operation("UpdateAccessKey", _update, resource=user_resource, takes_actor=True),
    Operation("DeleteAccessKey", _delete, resource=user_resource, takes_actor=True),
    Operation("GetAccessKeyLastUsed", selectors.get_access_key_last_used, resource=_key_owner_resource, read_only=True),
)
