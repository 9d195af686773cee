"""Operations on IAM users' console passwords, and ChangePassword (always on the calling IAM user).

AWS lets every IAM user call ChangePassword on itself when the account password policy sets
``AllowUsersToChangePassword``; otherwise the user needs ``iam:ChangePassword`` on its own ARN from its policies. The
root user and role sessions get ``InvalidUserType``.
"""

from __future__ import annotations

from typing import Any

from accounts import selectors as account_selectors
from accounts.models import Account
from iamconsole import authorization
from iamconsole.actors import Actor, ActorKind, RequestContext
from iamconsole.errors import InvalidUserType
from iamconsole.operations import Operation, parameters_of
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


def _change_password(
    *, account: Account, actor: Actor, request: RequestContext, old_password: str, new_password: str
) -> Any:
    if actor.kind is not ActorKind.USER:
        raise InvalidUserType("Only IAM users can change their password with ChangePassword.")
    policy = account_selectors.find_password_policy(account=account)
    if policy is None or not policy.allow_users_to_change_password:
        authorization.authorize(actor, "iam:ChangePassword", actor.arn, request=request)
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
    # Authorized by the handler: the password policy may allow it without any permission.
    Operation(
        "ChangePassword", _change_password, action=None, resource=user_resource, takes_actor=True, takes_request=True
    ),
)
