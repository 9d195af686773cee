"""Managed policy results shaped as botocore's IAM output shapes (PascalCase members).

``policy_shape`` is the ``Policy`` structure of CreatePolicy and GetPolicy; ListPolicies lists the subset AWS lists
(no ``Description`` and no ``Tags``: "IAM resource-listing operations return a subset of the available attributes").
Usage counts come from ``identities.selectors.policy_usage`` as annotations; a policy just created has none.
Documents are the text as stored: the Query face URL-encodes them, as AWS does on the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iamconsole.pagination import page_shape
from policies.models import ManagedPolicy, PolicyVersion
from policies.selectors import TagPage


def tags_shape(tags: dict[str, str]) -> list[dict[str, str]]:
    """Tags as AWS lists them, in the order they were set."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _listed_policy_shape(policy: ManagedPolicy) -> dict[str, Any]:
    return {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": getattr(policy, "attachment_count", 0),
        "PermissionsBoundaryUsageCount": getattr(policy, "permissions_boundary_usage_count", 0),
        "IsAttachable": policy.is_attachable,
        "CreateDate": policy.created_at,
        "UpdateDate": policy.updated_at,
    }


def policy_shape(policy: ManagedPolicy) -> dict[str, Any]:
    """``Policy`` as CreatePolicy and GetPolicy return it: ``Description`` and ``Tags`` only when set."""
    shape = _listed_policy_shape(policy)
    if policy.description:
        shape["Description"] = policy.description
    if policy.tags:
        shape["Tags"] = tags_shape(policy.tags)
    return shape


def policy_version_shape(version: PolicyVersion, *, with_document: bool = True) -> dict[str, Any]:
    """``PolicyVersion``: the document (as stored), the version id, whether it is the default, its creation date."""
    shape: dict[str, Any] = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.created_at,
    }
    if with_document:
        shape["Document"] = version.document
    return shape


def _tags_page(page: TagPage) -> dict[str, Any]:
    result: dict[str, Any] = {
        "Tags": [{"Key": key, "Value": value} for key, value in page.tags],
        "IsTruncated": page.is_truncated,
    }
    if page.marker:
        result["Marker"] = page.marker
    return result


def _entities(result: Any) -> dict[str, Any]:
    """ListEntitiesForPolicy: groups, users and roles by name and id (``identities.selectors.PolicyEntities``)."""
    shape: dict[str, Any] = {
        "PolicyGroups": [{"GroupName": g.name, "GroupId": g.group_id} for g in result.groups],
        "PolicyUsers": [{"UserName": u.name, "UserId": u.user_id} for u in result.users],
        "PolicyRoles": [{"RoleName": r.name, "RoleId": r.role_id} for r in result.roles],
        "IsTruncated": result.is_truncated,
    }
    if result.marker:
        shape["Marker"] = result.marker
    return shape


def _simulation(page: Any) -> dict[str, Any]:
    """SimulateCustomPolicy and SimulatePrincipalPolicy: the engine's ``EvaluationResults``, already AWS-shaped."""
    shape: dict[str, Any] = {"EvaluationResults": list(page.results), "IsTruncated": page.is_truncated}
    if page.marker:
        shape["Marker"] = page.marker
    return shape


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "CreatePolicy": lambda policy: {"Policy": policy_shape(policy)},
    "GetPolicy": lambda policy: {"Policy": policy_shape(policy)},
    "ListPolicies": lambda page: page_shape("Policies", page, _listed_policy_shape),
    "CreatePolicyVersion": lambda version: {"PolicyVersion": policy_version_shape(version, with_document=False)},
    "GetPolicyVersion": lambda version: {"PolicyVersion": policy_version_shape(version)},
    # As AWS answers it: the versions without their documents (GetPolicyVersion returns a document).
    "ListPolicyVersions": lambda page: page_shape(
        "Versions", page, lambda v: policy_version_shape(v, with_document=False)
    ),
    "ListPolicyTags": _tags_page,
    "ListEntitiesForPolicy": _entities,
    "SimulateCustomPolicy": _simulation,
    "SimulatePrincipalPolicy": _simulation,
    "GetContextKeysForCustomPolicy": lambda keys: {"ContextKeyNames": list(keys)},
    "GetContextKeysForPrincipalPolicy": lambda keys: {"ContextKeyNames": list(keys)},
}
