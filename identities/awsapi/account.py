"""Account-wide results shaped as botocore's IAM output shapes: GetAccountSummary's ``SummaryMap`` and
GetAccountAuthorizationDetails' ``UserDetailList``, ``GroupDetailList``, ``RoleDetailList`` and ``Policies``.

Every entity comes with its inline policies (documents as written; the Query face URL-encodes them), its attached
managed policies, and for policies every version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from identities.awsapi.common import attached_policy_shape, boundary_and_tags
from identities.awsapi.groups import group_shape
from identities.awsapi.instance_profiles import instance_profile_shape
from identities.awsapi.roles import role_last_used_shape, role_shape
from identities.awsapi.users import user_identity_shape
from identities.models import Group, InlinePolicy, Role, User
from identities.selectors.account import AccountSummary, AuthorizationDetails
from policies.awsapi import policy_shape, policy_version_shape
from policies.models import ManagedPolicy


def _inline(policies: Iterable[InlinePolicy]) -> list[dict[str, Any]]:
    return [{"PolicyName": policy.name, "PolicyDocument": policy.document} for policy in policies]


def user_detail_shape(user: User) -> dict[str, Any]:
    """``UserDetail``: the user with its inline policies, groups, attached policies, boundary and tags."""
    shape: dict[str, Any] = {
        **user_identity_shape(user),
        "UserPolicyList": _inline(user.inline_policies.all()),
        "GroupList": [group.name for group in user.groups.all()],
        "AttachedManagedPolicies": [attached_policy_shape(a) for a in user.attachments.all()],
    }
    shape.update(boundary_and_tags(user))
    return shape


def group_detail_shape(group: Group) -> dict[str, Any]:
    """``GroupDetail``: the group with its inline and attached policies."""
    return {
        **group_shape(group),
        "GroupPolicyList": _inline(group.inline_policies.all()),
        "AttachedManagedPolicies": [attached_policy_shape(a) for a in group.attachments.all()],
    }


def role_detail_shape(role: Role) -> dict[str, Any]:
    """``RoleDetail``: the role with its trust policy, instance profiles, policies, boundary, tags and last use."""
    base = role_shape(role)
    shape: dict[str, Any] = {
        "Path": base["Path"],
        "RoleName": base["RoleName"],
        "RoleId": base["RoleId"],
        "Arn": base["Arn"],
        "CreateDate": base["CreateDate"],
        "AssumeRolePolicyDocument": base["AssumeRolePolicyDocument"],
        "InstanceProfileList": [instance_profile_shape(profile) for profile in role.instance_profiles.all()],
        "RolePolicyList": _inline(role.inline_policies.all()),
        "AttachedManagedPolicies": [attached_policy_shape(a) for a in role.attachments.all()],
    }
    shape.update(boundary_and_tags(role))
    shape["RoleLastUsed"] = role_last_used_shape(role)
    return shape


def managed_policy_detail_shape(policy: ManagedPolicy) -> dict[str, Any]:
    """``ManagedPolicyDetail``: the policy with its usage counts and every version with its document."""
    shape = policy_shape(policy)
    shape.pop("Tags", None)  # ManagedPolicyDetail has no Tags member
    shape["PolicyVersionList"] = [policy_version_shape(version) for version in policy.versions.all()]
    return shape


def authorization_details_shape(details: AuthorizationDetails) -> dict[str, Any]:
    """GetAccountAuthorizationDetails' output: the four lists, ``IsTruncated`` and ``Marker`` when truncated."""
    result: dict[str, Any] = {
        "UserDetailList": [user_detail_shape(user) for user in details.users],
        "GroupDetailList": [group_detail_shape(group) for group in details.groups],
        "RoleDetailList": [role_detail_shape(role) for role in details.roles],
        "Policies": [managed_policy_detail_shape(policy) for policy in details.policies],
        "IsTruncated": details.is_truncated,
    }
    if details.marker:
        result["Marker"] = details.marker
    return result


#: ``SummaryMap``'s keys, in the order AWS lists them, each with the ``AccountSummary`` field it reports.
SUMMARY_KEYS = (
    ("Users", "users"),
    ("UsersQuota", "users_quota"),
    ("Groups", "groups"),
    ("GroupsQuota", "groups_quota"),
    ("ServerCertificates", "server_certificates"),
    ("ServerCertificatesQuota", "server_certificates_quota"),
    ("UserPolicySizeQuota", "user_policy_size_quota"),
    ("GroupPolicySizeQuota", "group_policy_size_quota"),
    ("GroupsPerUserQuota", "groups_per_user_quota"),
    ("SigningCertificatesPerUserQuota", "signing_certificates_per_user_quota"),
    ("AccessKeysPerUserQuota", "access_keys_per_user_quota"),
    ("MFADevices", "mfa_devices"),
    ("MFADevicesInUse", "mfa_devices_in_use"),
    ("AccountMFAEnabled", "account_mfa_enabled"),
    ("AccountAccessKeysPresent", "account_access_keys_present"),
    ("AccountPasswordPresent", "account_password_present"),
    ("AccountSigningCertificatesPresent", "account_signing_certificates_present"),
    ("AttachedPoliciesPerGroupQuota", "attached_policies_per_group_quota"),
    ("AttachedPoliciesPerRoleQuota", "attached_policies_per_role_quota"),
    ("AttachedPoliciesPerUserQuota", "attached_policies_per_user_quota"),
    ("Policies", "policies"),
    ("PoliciesQuota", "policies_quota"),
    ("PolicySizeQuota", "policy_size_quota"),
    ("PolicyVersionsInUse", "policy_versions_in_use"),
    ("PolicyVersionsInUseQuota", "policy_versions_in_use_quota"),
    ("VersionsPerPolicyQuota", "versions_per_policy_quota"),
    ("GlobalEndpointTokenVersion", "global_endpoint_token_version"),
    ("AssumeRolePolicySizeQuota", "assume_role_policy_size_quota"),
    ("InstanceProfiles", "instance_profiles"),
    ("InstanceProfilesQuota", "instance_profiles_quota"),
    ("Providers", "providers"),
    ("RolePolicySizeQuota", "role_policy_size_quota"),
    ("Roles", "roles"),
    ("RolesQuota", "roles_quota"),
)


def account_summary_shape(summary: AccountSummary) -> dict[str, Any]:
    """GetAccountSummary's output: ``SummaryMap``, every value an integer (a yes/no is 1 or 0, as AWS answers)."""
    return {"SummaryMap": {key: int(getattr(summary, name)) for key, name in SUMMARY_KEYS}}


OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "GetAccountSummary": account_summary_shape,
    "GetAccountAuthorizationDetails": authorization_details_shape,
}
