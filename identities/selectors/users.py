"""Reads on IAM users."""

from __future__ import annotations

from accounts.models import Account
from iamconsole.errors import NoSuchEntity
from identities.models import User


def get_user_by_name(*, account: Account, user_name: str) -> User:
    """The user of that name (names compare ignoring case, as IAM's do); ``NoSuchEntity`` otherwise."""
    user = User.objects.filter(account=account, name__iexact=user_name).first()
    if user is None:
        raise NoSuchEntity(f"The user with name {user_name} cannot be found.", field="user_name")
    return user


def find_user_by_unique_id(*, account: Account, user_id: str) -> User | None:
    """The user with that ``AIDA…`` id in the account, or None (console sessions keep the id, not the name)."""
    return User.objects.select_related("account").filter(account=account, user_id=user_id).first()


def user_path(*, account: Account, user_name: str) -> str:
    """The path of the named user, or ``/`` when it does not exist (to name the resource of a request)."""
    path = User.objects.filter(account=account, name__iexact=user_name).values_list("path", flat=True).first()
    return path or "/"
