"""Shapes shared by the identities outputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import Page


def page_shape(member: str, page: Page[Any], shape: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """A List output: the items under ``member``, ``IsTruncated``, and ``Marker`` when truncated."""
    result: dict[str, Any] = {member: [shape(item) for item in page.items], "IsTruncated": page.is_truncated}
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
