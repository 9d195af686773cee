"""User results shaped as botocore's IAM output shapes (``User``, ``ListUsers``, ``ListUserTags``).

AWS returns ``PermissionsBoundary`` and ``Tags`` in GetUser (and CreateUser) but not in ListUsers; optional members
that are unset are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.pagination import page_shape
from identities.awsapi.common import boundary_and_tags
from identities.models import User
from identities.selectors.users import RootUser, TagPage


def user_arn(user: User) -> str:
    """The user's ARN, with its path."""
    return iam_arn(user.account.account_id, "user", user.name, user.path)


def user_identity_shape(user: User) -> dict[str, Any]:
    """What ``User`` and ``UserDetail`` both start with: path, name, ``AIDA…`` id, ARN and creation date."""
    return {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.user_id,
        "Arn": user_arn(user),
        "CreateDate": user.created_at,
    }


def user_shape(user: User | RootUser, *, detailed: bool = False) -> dict[str, Any]:
    """``User``; ``detailed`` adds the boundary and the tags, as GetUser and CreateUser return them."""
    if isinstance(user, RootUser):
        # The root user has no name or path: AWS answers with the account id and the root ARN.
        return {"UserId": user.account_id, "Arn": user.arn, "CreateDate": user.created_at}
    shape = user_identity_shape(user)
    if user.password_last_used is not None:
        shape["PasswordLastUsed"] = user.password_last_used
    if detailed:
        shape.update(boundary_and_tags(user))
    return shape


def tags_shape(page: TagPage) -> dict[str, Any]:
    """A List…Tags output: ``Tags``, ``IsTruncated`` and ``Marker`` when truncated."""
    result: dict[str, Any] = {"Tags": page.tags, "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateUser": lambda user: {"User": user_shape(user, detailed=True)},
    "GetUser": lambda user: {"User": user_shape(user, detailed=True)},
    "ListUsers": lambda page: page_shape("Users", page, user_shape),
    "ListUserTags": tags_shape,
}
