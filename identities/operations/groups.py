"""Operations on IAM groups: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, memberships.

Group operations are authorized against the group's ARN with its real path (AddUserToGroup and RemoveUserFromGroup
too, as AWS does); ListGroups against ``arn:aws:iam::ACCOUNT:group/``; ListGroupsForUser against the user's ARN.
Groups carry no tags, so no tag condition keys apply.
"""

from __future__ import annotations

from iamconsole.arn import iam_arn
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.common import on_user, user_tags_context


def group_resource(call: Call) -> str:
    """The ARN of the group the request names, with its real path when it exists."""
    name = str(call.params.get("group_name") or "")
    path = selectors.group_path(account=call.account, group_name=name) if call.account is not None else "/"
    return iam_arn(call.account_id, "group", name, path)


def _create_resource(call: Call) -> str:
    return iam_arn(call.account_id, "group", str(call.params.get("group_name")), str(call.params.get("path") or "/"))


def _groups_resource(call: Call) -> str:
    return iam_arn(call.account_id, "group", "", "/")


OPERATIONS = (
    Operation("CreateGroup", services.create_group, resource=_create_resource),
    Operation("GetGroup", selectors.get_group, resource=group_resource, read_only=True),
    Operation("ListGroups", selectors.list_groups, resource=_groups_resource, read_only=True),
    Operation("UpdateGroup", services.update_group, resource=group_resource),
    Operation("DeleteGroup", services.delete_group, resource=group_resource),
    Operation("AddUserToGroup", services.add_user_to_group, resource=group_resource),
    Operation("RemoveUserFromGroup", services.remove_user_from_group, resource=group_resource),
    on_user("ListGroupsForUser", selectors.list_groups_for_user, context=user_tags_context, read_only=True),
)
