"""Results of a role's policy operations shaped as botocore's IAM output shapes.

``ListAttachedRolePolicies`` gives ``AttachedPolicies`` (name and ARN), ``ListRolePolicies`` the inline policy names,
``GetRolePolicy`` the role name, policy name and the document as written (the Query face URL-encodes it).
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


def _names(page: Page[InlinePolicy]) -> dict[str, Any]:
    result: dict[str, Any] = {"PolicyNames": [policy.name for policy in page.items], "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result


def _role_policy(policy: InlinePolicy) -> dict[str, Any]:
    role = policy.role
    return {
        "RoleName": role.name if role is not None else "",
        "PolicyName": policy.name,
        "PolicyDocument": policy.document,
    }


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ListAttachedRolePolicies": lambda page: page_shape("AttachedPolicies", page, attached_policy_shape),
    "ListRolePolicies": _names,
    "GetRolePolicy": _role_policy,
}
