"""Operations on instance profiles, each authorized against the profile's ARN with its real path
(``arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME``); ListInstanceProfilesForRole against the role's ARN.

Create and Tag carry ``aws:RequestTag/*`` and ``aws:TagKeys``; Untag ``aws:TagKeys``; operations on an existing
profile ``aws:ResourceTag/*`` from its tags.
"""

from __future__ import annotations

from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.condition_keys import request_tags_context, tag_context, untag_context
from iamconsole.errors import NoSuchEntity
from iamconsole.operations import Call, Operation
from identities import selectors, services
from identities.operations.roles import role_resource


def instance_profile_resource(call: Call) -> str:
    """The ARN of the instance profile the request names, with its real path when it exists."""
    name = str(call.params.get("instance_profile_name") or "")
    path = str(call.params.get("path") or "/")
    if call.account is not None and name and "path" not in call.params:
        path = selectors.instance_profile_path(account=call.account, instance_profile_name=name)
    return iam_arn(call.account_id, "instance-profile", name, path)


def _resource_tags(call: Call) -> dict[str, Any]:
    name = call.params.get("instance_profile_name")
    if not name or call.account is None:
        return {}
    try:
        profile = selectors.get_instance_profile(account=call.account, instance_profile_name=str(name))
    except NoSuchEntity:
        return {}
    return {f"aws:ResourceTag/{key}": value for key, value in profile.tags.items()}


def _profiles_resource(call: Call) -> str:
    return iam_arn(call.account_id, "instance-profile", "", "/")


OPERATIONS = (
    Operation(
        "CreateInstanceProfile",
        services.create_instance_profile,
        resource=instance_profile_resource,
        context=request_tags_context,
    ),
    Operation(
        "GetInstanceProfile",
        selectors.get_instance_profile,
        read_only=True,
        resource=instance_profile_resource,
        context=_resource_tags,
    ),
    Operation("ListInstanceProfiles", selectors.list_instance_profiles, resource=_profiles_resource, read_only=True),
    Operation(
        "ListInstanceProfilesForRole", selectors.list_instance_profiles_for_role, resource=role_resource, read_only=True
    ),
    Operation(
        "DeleteInstanceProfile",
        services.delete_instance_profile,
        resource=instance_profile_resource,
        context=_resource_tags,
    ),
    Operation(
        "AddRoleToInstanceProfile",
        services.add_role_to_instance_profile,
        resource=instance_profile_resource,
        context=_resource_tags,
        # AWS: "The caller of this operation must be granted the PassRole permission on the IAM role."
        also_requires=(("iam:PassRole", role_resource),),
    ),
    Operation(
        "RemoveRoleFromInstanceProfile",
        services.remove_role_from_instance_profile,
        resource=instance_profile_resource,
        context=_resource_tags,
    ),
    Operation(
        "TagInstanceProfile",
        services.tag_instance_profile,
        resource=instance_profile_resource,
        context=tag_context(_resource_tags),
    ),
    Operation(
        "UntagInstanceProfile",
        services.untag_instance_profile,
        resource=instance_profile_resource,
        context=untag_context(_resource_tags),
    ),
    Operation(
        "ListInstanceProfileTags",
        selectors.list_instance_profile_tags,
        read_only=True,
        resource=instance_profile_resource,
        context=_resource_tags,
    ),
)
