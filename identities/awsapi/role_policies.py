"""Results of a role's policy operations shaped as botocore's IAM output shapes.

``ListAttachedRolePolicies`` gives ``AttachedPolicies`` (name and ARN), ``ListRolePolicies`` the inline policy names,
``GetRolePolicy`` the role name, policy name and the document as written (the Query face URL-encodes it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import page_shape
from identities.awsapi.common import attached_policy_shape, policy_names_shape
from identities.models import InlinePolicy


def _role_policy(policy: InlinePolicy) -> dict[str, Any]:
    role = policy.role
    return {
        "RoleName": role.name if role is not None else "",
        "PolicyName": policy.name,
        "PolicyDocument": policy.document,
    }


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ListAttachedRolePolicies": lambda page: page_shape("AttachedPolicies", page, attached_policy_shape),
    "ListRolePolicies": policy_names_shape,
    "GetRolePolicy": _role_policy,
}
