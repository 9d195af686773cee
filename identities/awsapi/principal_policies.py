"""Results of the user and group policy operations shaped as botocore's IAM output shapes.

Policy documents are returned as their raw JSON text; the Query face URL-encodes them where AWS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import page_shape
from identities.awsapi.common import attached_policy_shape, policy_names_shape
from identities.models import InlinePolicy


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
