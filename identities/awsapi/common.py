"""Shapes shared by the identities outputs."""

from __future__ import annotations

from typing import Any

from iamconsole.domain import tag_list
from iamconsole.pagination import Page
from identities.models import InlinePolicy, PolicyAttachment, Role, User


def attached_policy_shape(attachment: PolicyAttachment) -> dict[str, Any]:
    """``AttachedPolicy``: the managed policy's name and ARN."""
    return {"PolicyName": attachment.policy.name, "PolicyArn": attachment.policy.arn}


def policy_names_shape(page: Page[InlinePolicy]) -> dict[str, Any]:
    """A List…Policies output (users, groups, roles): the inline policies' names."""
    result: dict[str, Any] = {"PolicyNames": [policy.name for policy in page.items], "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result


#: ``PermissionsBoundaryType`` as real IAM answers it in GetUser, GetRole and GetAccountAuthorizationDetails (the
#: IAM User Guide's and the AWS CLI reference's examples show ``Policy``), although botocore's enum lists
#: ``PermissionsBoundaryPolicy``.
PERMISSIONS_BOUNDARY_TYPE = "Policy"


def boundary_shape(policy_arn: str) -> dict[str, Any]:
    """``AttachedPermissionsBoundary``: the managed policy that bounds a user or role."""
    return {"PermissionsBoundaryType": PERMISSIONS_BOUNDARY_TYPE, "PermissionsBoundaryArn": policy_arn}


def boundary_and_tags(entity: User | Role) -> dict[str, Any]:
    """The optional ``PermissionsBoundary`` and ``Tags`` of a user or role, each only when set (GetUser, GetRole and
    their ``…Detail`` in GetAccountAuthorizationDetails)."""
    shape: dict[str, Any] = {}
    if entity.permissions_boundary is not None:
        shape["PermissionsBoundary"] = boundary_shape(entity.permissions_boundary.arn)
    if entity.tags:
        shape["Tags"] = tag_list(entity.tags)
    return shape
