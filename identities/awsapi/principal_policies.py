"""Results of the user and group policy operations shaped as botocore's IAM output shapes.

Policy documents are returned as their raw JSON text; the Query face URL-encodes them where AWS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import Page
from identities.awsapi.common import page_shape
from identities.models import InlinePolicy, PolicyAttachment


def attached_policy_shape(attachment: PolicyAttachment) -> dict[str, Any]:
    """``AttachedPolicy``: the managed policy's name and ARN."""
    return {"PolicyName": attachment.policy.name, "PolicyArn": attachment.policy.arn}


def policy_names_shape(page: Page[InlinePolicy]) -> dict[str, Any]:
    """A List…Policies output: the inline policies' names."""
    result: dict[str, Any] = {"PolicyNames": [policy.name for policy in page.items], "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result


def user_policy_shape(policy: InlinePolicy) -> dict[str, Any]:
    """GetUserPolicy's output."""
    assert policy.user is not None  # noqa: S101 (the selector only returns the user's own policies)
    return {"UserName": policy.user.name, "PolicyName": policy.name, "PolicyDocument": policy.document}


def group_policy_shape(policy: InlinePolicy) -> dict[str, Any]:
    """GetGroupPolicy's output."""
    assert policy.group is not None  # noqa: S101 (the selector only returns the group's own policies)
    return {"GroupName": policy.group.name, "PolicyName": policy.name, "PolicyDocument": policy.document}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ListAttachedUserPolicies": lambda page: page_shape("AttachedPolicies", page, attached_policy_shape),
    "ListAttachedGroupPolicies": lambda page: page_shape("AttachedPolicies", page, attached_policy_shape),
    "GetUserPolicy": user_policy_shape,
    "GetGroupPolicy": group_policy_shape,
    "ListUserPolicies": policy_names_shape,
    "ListGroupPolicies": policy_names_shape,
}
