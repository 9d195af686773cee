"""Instance profile results shaped as botocore's IAM output shapes (``InstanceProfile`` with its ``Roles``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.arn import iam_arn
from iamconsole.domain import tag_list
from iamconsole.pagination import page_shape
from identities.awsapi.roles import role_shape
from identities.awsapi.users import tags_shape
from identities.models import InstanceProfile


def instance_profile_shape(profile: InstanceProfile) -> dict[str, Any]:
    """``InstanceProfile``: path, name, ``AIPA…`` id, ARN, creation date, its role (zero or one) and tags."""
    account_id = profile.account.account_id
    shape: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.instance_profile_id,
        "Arn": iam_arn(account_id, "instance-profile", profile.name, profile.path),
        "CreateDate": profile.created_at,
        "Roles": [role_shape(profile.role, account_id=account_id)] if profile.role is not None else [],
    }
    if profile.tags:
        shape["Tags"] = tag_list(profile.tags)
    return shape


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreateInstanceProfile": lambda profile: {"InstanceProfile": instance_profile_shape(profile)},
    "GetInstanceProfile": lambda profile: {"InstanceProfile": instance_profile_shape(profile)},
    "ListInstanceProfiles": lambda page: page_shape("InstanceProfiles", page, instance_profile_shape),
    "ListInstanceProfilesForRole": lambda page: page_shape("InstanceProfiles", page, instance_profile_shape),
    "ListInstanceProfileTags": tags_shape,
}
