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
from iamconsole.operations import Call
from identities import selectors, services
from identities.operations.common import on_user


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
    on_user("CreateLoginProfile", services.create_login_profile, implicit_user=True),
    on_user("GetLoginProfile", selectors.get_login_profile, implicit_user=True, read_only=True),
    on_user("UpdateLoginProfile", services.update_login_profile),
    on_user("DeleteLoginProfile", services.delete_login_profile, implicit_user=True),
    on_user("ChangePassword", _change_password, waived=_users_may_change_their_password, takes_actor=True),
)
