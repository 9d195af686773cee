"""Operations on IAM users' console passwords, and ChangePassword (always on the calling IAM user).

AWS lets every IAM user call ChangePassword on itself when the account password policy sets
``AllowUsersToChangePassword``; otherwise the user needs ``iam:ChangePassword`` on its own ARN from its policies. The
root user and role sessions get ``InvalidUserType``.
"""

from __future__ import annotations

from typing import Any

from accounts import selectors as account_selectors
from accounts.models import Account
from iamconsole.actors import Actor, ActorKind
from iamconsole.errors import InvalidUserType
from iamconsole.operations import Call, Operation, parameters_of
from identities import selectors, services
from identities.operations.common import implicit_user_name, user_resource


def _create(*, account: Account, actor: Actor, user_name: str | None = None, **params: Any) -> Any:
    return services.create_login_profile(account=account, user_name=implicit_user_name(actor, user_name), **params)


def _get(*, account: Account, actor: Actor, user_name: str | None = None) -> Any:
    name = implicit_user_name(actor, user_name)
    if name is None:  # the root user's password is not a login profile
        raise InvalidUserType("The root user does not have a login profile.", field="user_name")
    return selectors.get_login_profile(account=account, user_name=name)


def _delete(*, account: Account, actor: Actor, user_name: str | None = None) -> None:
    name = implicit_user_name(actor, user_name)
    if name is None:
        raise InvalidUserType("The root user does not have a login profile.", field="user_name")
    services.delete_login_profile(account=account, user_name=name)


def _users_may_change_their_password(call: Call) -> bool:
    """No permission is needed when the password policy lets IAM users change their own, nor asked of principals
    that are not IAM users (they get InvalidUserType)."""
    if call.actor.kind is not ActorKind.USER:
        return True
    policy = account_selectors.find_password_policy(account=call.account) if call.account is not None else None
    return policy is not None and policy.allow_users_to_change_password


def _change_password(*, account: Account, actor: Actor, old_password: str, new_password: str) -> Any:
    if actor.kind is not ActorKind.USER:
        raise InvalidUserType("Only IAM users can change their password with ChangePassword.")
    return services.change_password(
        account=account, user_name=actor.name, old_password=old_password, new_password=new_password
    )


OPERATIONS = (
    Operation(
        "CreateLoginProfile",
        _create,
        resource=user_resource,
        takes_actor=True,
        parameters=parameters_of(services.create_login_profile),
    ),
    Operation("GetLoginProfile", _get, resource=user_resource, takes_actor=True, read_only=True),
    Operation("UpdateLoginProfile", services.update_login_profile, resource=user_resource),
    Operation("DeleteLoginProfile", _delete, resource=user_resource, takes_actor=True),
    Operation(
        "ChangePassword",
        _change_password,
        resource=user_resource,
        waived=_users_may_change_their_password,
        takes_actor=True,
    ),
)
