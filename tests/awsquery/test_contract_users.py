"""boto3 contract tests for the account, users, groups, their policies, access keys, login profiles and MFA.

Each test drives ``/aws`` with a real boto3 client on the live server and checks what the SDK hands back: parsed
datetimes, booleans and integers, policy documents URL-decoded into dicts, ``ClientError`` codes and AWS's messages,
and boto3's own paginators.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import pyotp
import pytest

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.factories import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "CreateAccountAlias", "ListAccountAliases", "DeleteAccountAlias",
        "UpdateAccountPasswordPolicy", "GetAccountPasswordPolicy", "DeleteAccountPasswordPolicy",
        "GetAccountSummary", "GetAccountAuthorizationDetails",
        "CreateUser", "GetUser", "ListUsers", "UpdateUser", "DeleteUser", "TagUser", "UntagUser", "ListUserTags",
        "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary",
        "CreateGroup", "GetGroup", "ListGroups", "UpdateGroup", "DeleteGroup",
        "AddUserToGroup", "RemoveUserFromGroup", "ListGroupsForUser",
        "PutUserPolicy", "GetUserPolicy", "ListUserPolicies", "DeleteUserPolicy",
        "PutGroupPolicy", "GetGroupPolicy", "ListGroupPolicies", "DeleteGroupPolicy",
        "AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies",
        "AttachGroupPolicy", "DetachGroupPolicy", "ListAttachedGroupPolicies",
        "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey", "GetAccessKeyLastUsed",
        "CreateLoginProfile", "GetLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile", "ChangePassword",
        "CreateVirtualMFADevice", "EnableMFADevice", "ResyncMFADevice", "DeactivateMFADevice",
        "DeleteVirtualMFADevice", "ListMFADevices", "ListVirtualMFADevices", "GetMFADevice",
        "TagMFADevice", "UntagMFADevice", "ListMFADeviceTags",
    }
)  # fmt: skip

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def document(*actions: str, resource: str = "*") -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}
    )


def create_policy(iam: Any, name: str, text: str) -> str:
    return str(iam.create_policy(PolicyName=name, PolicyDocument=text)["Policy"]["Arn"])


def test_account_alias_password_policy_summary(iam: Any) -> None:
    iam.create_account_alias(AccountAlias="contract-team")
    assert iam.list_account_aliases()["AccountAliases"] == ["contract-team"]
    assert code_of(iam.create_account_alias, AccountAlias="Bad_Alias") == "ValidationError"
    iam.delete_account_alias(AccountAlias="contract-team")
    assert code_of(iam.delete_account_alias, AccountAlias="contract-team") == "NoSuchEntity"

    assert code_of(iam.get_account_password_policy) == "NoSuchEntity"
    iam.update_account_password_policy(MinimumPasswordLength=12, PasswordReusePrevention=3, HardExpiry=False)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12
    assert policy["PasswordReusePrevention"] == 3
    assert policy["HardExpiry"] is False
    assert policy["ExpirePasswords"] is False
    iam.delete_account_password_policy()
    assert code_of(iam.delete_account_password_policy) == "NoSuchEntity"

    iam.create_user(UserName="alice")
    iam.create_group(GroupName="eng")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 1
    assert summary["Groups"] == 1
    assert summary["UsersQuota"] == 5000
    assert all(isinstance(value, int) for value in summary.values())


def test_users_lifecycle_tags_and_errors(iam: Any, account: AccountFixture) -> None:
    created = iam.create_user(UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "core"}])["User"]
    assert created["Arn"] == f"arn:aws:iam::{account.account_id}:user/eng/alice"
    assert created["UserId"].startswith("AIDA")
    assert isinstance(created["CreateDate"], datetime)
    assert created["Tags"] == [{"Key": "team", "Value": "core"}]
    got = iam.get_user(UserName="ALICE")["User"]
    assert (got["UserName"], got["Path"]) == ("alice", "/eng/")
    assert "PasswordLastUsed" not in got

    error = error_of(iam.create_user, UserName="alice")
    assert (error["Code"], error["Status"], error["Message"]) == (
        "EntityAlreadyExists",
        409,
        "User with name alice already exists.",
    )
    error = error_of(iam.get_user, UserName="nobody")
    assert (error["Code"], error["Status"], error["Message"]) == (
        "NoSuchEntity",
        404,
        "The user with name nobody cannot be found.",
    )
    assert code_of(iam.create_user, UserName="bad name!") == "ValidationError"

    iam.tag_user(UserName="alice", Tags=[{"Key": "cost", "Value": "42"}])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [
        {"Key": "cost", "Value": "42"},
        {"Key": "team", "Value": "core"},
    ]
    iam.untag_user(UserName="alice", TagKeys=["team"])
    tags = iam.list_user_tags(UserName="alice")
    assert (tags["Tags"], tags["IsTruncated"]) == ([{"Key": "cost", "Value": "42"}], False)

    iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/ops/")
    assert iam.get_user(UserName="alicia")["User"]["Arn"].endswith(":user/ops/alicia")
    assert [user["UserName"] for user in iam.list_users(PathPrefix="/ops/")["Users"]] == ["alicia"]
    assert iam.list_users(PathPrefix="/eng/")["Users"] == []

    boundary = create_policy(iam, "Boundary", document("s3:*"))
    iam.put_user_permissions_boundary(UserName="alicia", PermissionsBoundary=boundary)
    got = iam.get_user(UserName="alicia")["User"]
    assert got["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    iam.delete_user_permissions_boundary(UserName="alicia")
    assert "PermissionsBoundary" not in iam.get_user(UserName="alicia")["User"]

    key = iam.create_access_key(UserName="alicia")["AccessKey"]
    error = error_of(iam.delete_user, UserName="alicia")
    assert (error["Code"], error["Status"]) == ("DeleteConflict", 409)
    iam.delete_access_key(UserName="alicia", AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName="alicia")
    assert code_of(iam.get_user, UserName="alicia") == "NoSuchEntity"
    # Without a name, GetUser describes the caller: here the root user.
    assert iam.get_user()["User"]["Arn"] == f"arn:aws:iam::{account.account_id}:root"


def test_groups_membership_and_delete_conflicts(iam: Any) -> None:
    group = iam.create_group(GroupName="eng", Path="/dept/")["Group"]
    assert group["GroupId"].startswith("AGPA")
    assert isinstance(group["CreateDate"], datetime)
    assert code_of(iam.create_group, GroupName="ENG") == "EntityAlreadyExists"
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="eng", UserName="alice")
    assert code_of(iam.add_user_to_group, GroupName="eng", UserName="nobody") == "NoSuchEntity"
    got = iam.get_group(GroupName="eng")
    assert got["Group"]["GroupName"] == "eng"
    assert [user["UserName"] for user in got["Users"]] == ["alice"]
    assert got["IsTruncated"] is False
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["eng"]
    error = error_of(iam.delete_group, GroupName="eng")
    assert (error["Code"], error["Message"]) == (
        "DeleteConflict",
        "Cannot delete entity, must remove users from group first.",
    )
    iam.remove_user_from_group(GroupName="eng", UserName="alice")
    iam.update_group(GroupName="eng", NewGroupName="engineering", NewPath="/")
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["engineering"]
    iam.delete_group(GroupName="engineering")
    assert code_of(iam.get_group, GroupName="engineering") == "NoSuchEntity"


def test_inline_and_managed_policies_of_users_and_groups(iam: Any) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="eng")
    text = json.dumps(ALLOW_ALL)
    iam.put_user_policy(UserName="alice", PolicyName="all", PolicyDocument=text)
    got = iam.get_user_policy(UserName="alice", PolicyName="all")
    # AWS URL-encodes the document on the wire; boto3 decodes it and parses the JSON into a dict.
    assert got["PolicyDocument"] == ALLOW_ALL
    assert (got["UserName"], got["PolicyName"]) == ("alice", "all")
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["all"]
    error = error_of(iam.put_user_policy, UserName="alice", PolicyName="bad", PolicyDocument="{not json")
    assert (error["Code"], error["Status"]) == ("MalformedPolicyDocument", 400)
    assert code_of(iam.get_user_policy, UserName="alice", PolicyName="none") == "NoSuchEntity"
    iam.delete_user_policy(UserName="alice", PolicyName="all")
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == []

    iam.put_group_policy(GroupName="eng", PolicyName="g", PolicyDocument=document("s3:GetObject"))
    assert iam.get_group_policy(GroupName="eng", PolicyName="g")["PolicyDocument"]["Statement"][0]["Action"] == [
        "s3:GetObject"
    ]
    assert iam.list_group_policies(GroupName="eng")["PolicyNames"] == ["g"]
    assert code_of(iam.delete_group, GroupName="eng") == "DeleteConflict"
    iam.delete_group_policy(GroupName="eng", PolicyName="g")

    arn = create_policy(iam, "Managed", document("iam:Get*"))
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.attach_group_policy(GroupName="eng", PolicyArn=arn)
    attached = iam.list_attached_user_policies(UserName="alice")
    assert attached["AttachedPolicies"] == [{"PolicyName": "Managed", "PolicyArn": arn}]
    assert iam.list_attached_group_policies(GroupName="eng")["AttachedPolicies"] == [
        {"PolicyName": "Managed", "PolicyArn": arn}
    ]
    missing = arn.replace("Managed", "Missing")
    assert code_of(iam.attach_user_policy, UserName="alice", PolicyArn=missing) == "NoSuchEntity"
    error = error_of(iam.attach_user_policy, UserName="alice", PolicyArn="this-is-not-an-arn-at-all")
    assert (error["Code"], error["Message"]) == ("InvalidInput", "ARN this-is-not-an-arn-at-all is not valid.")
    iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    iam.detach_group_policy(GroupName="eng", PolicyArn=arn)
    assert iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"] == []
    assert code_of(iam.detach_group_policy, GroupName="eng", PolicyArn=arn) == "NoSuchEntity"


def test_a_users_access_keys_quota_and_last_used(iam: Any, client: ClientFactory) -> None:
    iam.create_user(UserName="alice")
    first = iam.create_access_key(UserName="alice")["AccessKey"]
    assert (first["UserName"], first["Status"]) == ("alice", "Active")
    assert len(first["SecretAccessKey"]) == 40
    second = iam.create_access_key(UserName="alice")["AccessKey"]
    pages = list(iam.get_paginator("list_access_keys").paginate(UserName="alice", PaginationConfig={"PageSize": 1}))
    assert [page["IsTruncated"] for page in pages] == [True, False]
    assert sorted(key["AccessKeyId"] for page in pages for key in page["AccessKeyMetadata"]) == sorted(
        [first["AccessKeyId"], second["AccessKeyId"]]
    )
    error = error_of(iam.create_access_key, UserName="alice")
    assert (error["Code"], error["Status"]) == ("LimitExceeded", 409)
    listed = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert {key["UserName"] for key in listed} == {"alice"}
    assert all(isinstance(key["CreateDate"], datetime) for key in listed)
    never = iam.get_access_key_last_used(AccessKeyId=first["AccessKeyId"])
    assert never["UserName"] == "alice"
    assert never["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    iam.update_access_key(UserName="alice", AccessKeyId=first["AccessKeyId"], Status="Inactive")
    assert {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]}[
        first["AccessKeyId"]
    ] == "Inactive"
    assert code_of(iam.update_access_key, UserName="alice", AccessKeyId=first["AccessKeyId"], Status="Paused") == (
        "ValidationError"
    )
    iam.delete_access_key(UserName="alice", AccessKeyId=first["AccessKeyId"])
    assert code_of(iam.delete_access_key, UserName="alice", AccessKeyId=first["AccessKeyId"]) == "NoSuchEntity"


def test_login_profile_and_change_password(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="pw", PolicyDocument=document("iam:ChangePassword", "iam:GetUser"))
    profile = iam.create_login_profile(UserName="alice", Password="Correct-Horse-1", PasswordResetRequired=True)
    assert profile["LoginProfile"]["UserName"] == "alice"
    assert profile["LoginProfile"]["PasswordResetRequired"] is True
    assert isinstance(profile["LoginProfile"]["CreateDate"], datetime)
    error = error_of(iam.create_login_profile, UserName="alice", Password="Correct-Horse-2")
    assert (error["Code"], error["Message"]) == ("EntityAlreadyExists", "Login Profile for user alice already exists.")
    iam.update_login_profile(UserName="alice", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    assert code_of(iam.get_login_profile, UserName="nobody") == "NoSuchEntity"

    key = iam.create_access_key(UserName="alice")["AccessKey"]
    alice = client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    alice.change_password(OldPassword="Correct-Horse-1", NewPassword="Battery-Staple-2")
    error = error_of(alice.change_password, OldPassword="Correct-Horse-1", NewPassword="Battery-Staple-3")
    assert (error["Code"], error["Message"]) == ("AccessDenied", "The old password is incorrect.")
    iam.delete_login_profile(UserName="alice")
    assert code_of(iam.get_login_profile, UserName="alice") == "NoSuchEntity"


def test_virtual_mfa_devices(iam: Any, account: AccountFixture) -> None:
    iam.create_user(UserName="alice")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{account.account_id}:mfa/phone"
    # boto3 base64-decodes blob members: the seed arrives as the Base32 text's bytes, the QR code as PNG bytes.
    seed = device["Base32StringSeed"].decode()
    assert device["QRCodePNG"].startswith(b"\x89PNG")
    assert code_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="phone") == "EntityAlreadyExists"
    listed = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert [entry["SerialNumber"] for entry in listed] == [serial]

    totp = pyotp.TOTP(seed)
    now = time.time()
    iam.enable_mfa_device(
        UserName="alice", SerialNumber=serial, AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now)
    )
    devices = iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in devices] == [("alice", serial)]
    assert isinstance(devices[0]["EnableDate"], datetime)
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned[0]["User"]["UserName"] == "alice"
    got = iam.get_mfa_device(SerialNumber=serial, UserName="alice")
    assert (got["UserName"], got["SerialNumber"]) == ("alice", serial)
    assert isinstance(got["EnableDate"], datetime)
    assert code_of(iam.get_mfa_device, SerialNumber=serial) == "NoSuchEntity"  # not the root user's device
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "kind", "Value": "phone"}, {"Key": "owner", "Value": "a"}])
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["owner"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "kind", "Value": "phone"}]
    missing = f"arn:aws:iam::{account.account_id}:mfa/none"
    assert code_of(iam.list_mfa_device_tags, SerialNumber=missing) == "NoSuchEntity"
    error = error_of(
        iam.enable_mfa_device,
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1="000000",
        AuthenticationCode2="111111",
    )
    assert error["Code"] in ("EntityAlreadyExists", "InvalidAuthenticationCode")
    iam.resync_mfa_device(
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now + 30),
        AuthenticationCode2=totp.at(now + 60),
    )
    assert code_of(iam.delete_virtual_mfa_device, SerialNumber=serial) == "DeleteConflict"
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert code_of(iam.delete_virtual_mfa_device, SerialNumber=serial) == "NoSuchEntity"


def test_account_authorization_details(iam: Any) -> None:
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="eng")
    iam.add_user_to_group(GroupName="eng", UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="inline", PolicyDocument=json.dumps(ALLOW_ALL))
    details = iam.get_account_authorization_details(Filter=["User", "Group"])
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "alice"
    assert user["GroupList"] == ["eng"]
    assert user["UserPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": ALLOW_ALL}]
    assert [group["GroupName"] for group in details["GroupDetailList"]] == ["eng"]
    assert details["IsTruncated"] is False
    assert "RoleDetailList" not in details or details["RoleDetailList"] == []


@pytest.mark.parametrize(
    ("paginator", "create", "member", "extra"),
    [
        ("list_users", "create_user", "Users", {}),
        ("list_groups", "create_group", "Groups", {}),
    ],
)
def test_boto3_paginators_walk_every_page(
    iam: Any, paginator: str, create: str, member: str, extra: dict[str, Any]
) -> None:
    name_member = "UserName" if create == "create_user" else "GroupName"
    names = [f"n{index:02d}" for index in range(7)]
    for name in names:
        getattr(iam, create)(**{name_member: name})
    pages = list(iam.get_paginator(paginator).paginate(PaginationConfig={"PageSize": 3}, **extra))
    assert [len(page[member]) for page in pages] == [3, 3, 1]
    assert [page["IsTruncated"] for page in pages] == [True, True, False]
    assert [entry[name_member] for page in pages for entry in page[member]] == names


def test_get_group_members_through_a_paginator(iam: Any) -> None:
    iam.create_group(GroupName="eng")
    for index in range(5):
        iam.create_user(UserName=f"u{index}")
        iam.add_user_to_group(GroupName="eng", UserName=f"u{index}")
    pages = list(iam.get_paginator("get_group").paginate(GroupName="eng", PaginationConfig={"PageSize": 2}))
    assert [len(page["Users"]) for page in pages] == [2, 2, 1]
    assert [user["UserName"] for page in pages for user in page["Users"]] == [f"u{index}" for index in range(5)]
    built = iam.get_paginator("get_group").paginate(GroupName="eng").build_full_result()
    assert len(built["Users"]) == 5


def test_an_iam_user_may_do_what_its_policy_allows_and_nothing_else(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    iam.put_user_policy(
        UserName="alice", PolicyName="read-users", PolicyDocument=document("iam:GetUser", "iam:ListUsers")
    )
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    alice = client("iam", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert {user["UserName"] for user in alice.list_users()["Users"]} == {"alice", "bob"}
    assert alice.get_user()["User"]["UserName"] == "alice"
    assert alice.get_user(UserName="bob")["User"]["UserName"] == "bob"
    error = error_of(alice.delete_user, UserName="bob")
    assert (error["Code"], error["Status"]) == ("AccessDenied", 403)
    assert error["Message"] == (
        f"User: arn:aws:iam::{account.account_id}:user/alice is not authorized to perform: iam:DeleteUser "
        f"on resource: arn:aws:iam::{account.account_id}:user/bob "
        "because no identity-based policy allows the iam:DeleteUser action"
    )
    error = error_of(alice.create_group, GroupName="eng")
    assert error["Code"] == "AccessDenied"
    assert f"on resource: arn:aws:iam::{account.account_id}:group/eng " in error["Message"]
    # The denied write did nothing.
    assert iam.list_groups()["Groups"] == []
    assert iam.get_user(UserName="bob")["User"]["UserName"] == "bob"


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
