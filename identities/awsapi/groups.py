"""Group results shaped as botocore's IAM output shapes (``Group``, ``GetGroup``, ``ListGroups``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.pagination import page_shape
from identities.awsapi.users import user_shape
from identities.models import Group
from identities.selectors.groups import GroupWithUsers


def group_shape(group: Group) -> dict[str, Any]:
    """``Group``: path, name, ``AGPA…`` id, ARN and creation date."""
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.group_id,
        "Arn": iam_arn(group.account.account_id, "group", group.name, group.path),
        "CreateDate": group.created_at,
    }


def get_group_shape(result: GroupWithUsers) -> dict[str, Any]:
    """GetGroup's output: the group and one page of its members."""
    return {"Group": group_shape(result.group), **page_shape("Users", result.users, user_shape)}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateGroup": lambda group: {"Group": group_shape(group)},
    "GetGroup": get_group_shape,
    "ListGroups": lambda page: page_shape("Groups", page, group_shape),
    "ListGroupsForUser": lambda page: page_shape("Groups", page, group_shape),
}
