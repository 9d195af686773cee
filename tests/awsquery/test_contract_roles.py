"""boto3 contract tests for roles, their policies, instance profiles, identity providers, service-linked roles and
the credential report: success paths with the types boto3 parses, and the main error codes."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest

from iamconsole import operations
from iamconsole.actors import Actor
from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.factories import AccountFixture

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset(
    {
        "CreateRole", "GetRole", "ListRoles", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy",
        "DeleteRole", "TagRole", "UntagRole", "ListRoleTags",
        "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
        "PutRolePolicy", "GetRolePolicy", "ListRolePolicies", "DeleteRolePolicy",
        "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
        "CreateInstanceProfile", "GetInstanceProfile", "ListInstanceProfiles", "DeleteInstanceProfile",
        "AddRoleToInstanceProfile", "RemoveRoleFromInstanceProfile", "ListInstanceProfilesForRole",
        "TagInstanceProfile", "UntagInstanceProfile", "ListInstanceProfileTags",
        "CreateOpenIDConnectProvider", "GetOpenIDConnectProvider", "ListOpenIDConnectProviders",
        "DeleteOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider",
        "RemoveClientIDFromOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint",
        "TagOpenIDConnectProvider", "UntagOpenIDConnectProvider", "ListOpenIDConnectProviderTags",
        "CreateSAMLProvider", "GetSAMLProvider", "ListSAMLProviders", "UpdateSAMLProvider", "DeleteSAMLProvider",
        "TagSAMLProvider", "UntagSAMLProvider", "ListSAMLProviderTags",
        "CreateServiceLinkedRole", "DeleteServiceLinkedRole", "GetServiceLinkedRoleDeletionStatus",
        "GenerateCredentialReport", "GetCredentialReport",
    }
)  # fmt: skip

TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"


def saml_metadata(valid_until: str = "2030-01-01T00:00:00Z") -> str:
    """SAML 2.0 IdP metadata of more than 1,000 characters (IAM's minimum), as identity providers publish it."""
    certificate = "MIIC" + "A" * 900
    return (
        '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"'
        ' xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com"'
        f' validUntil="{valid_until}"><md:IDPSSODescriptor'
        ' protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing">'
        f"<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data>"
        "</ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'
        ' Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>'
    )


def test_roles_lifecycle_tags_boundary_and_errors(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    created = iam.create_role(
        RoleName="app",
        Path="/svc/",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Description="the app",
        MaxSessionDuration=7200,
        Tags=[{"Key": "env", "Value": "prod"}],
    )["Role"]
    assert created["Arn"] == f"arn:aws:iam::{account.account_id}:role/svc/app"
    assert created["RoleId"].startswith("AROA")
    assert isinstance(created["CreateDate"], datetime)
    # The trust policy travels URL-encoded; boto3 hands it back parsed.
    assert created["AssumeRolePolicyDocument"] == TRUST
    role = iam.get_role(RoleName="app")["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert role["Description"] == "the app"
    assert role["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert role["AssumeRolePolicyDocument"] == TRUST

    error = error_of(iam.create_role, RoleName="APP", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert (error["Code"], error["Message"]) == ("EntityAlreadyExists", "Role with name APP already exists.")
    error = error_of(iam.get_role, RoleName="nobody")
    assert (error["Code"], error["Status"], error["Message"]) == (
        "NoSuchEntity",
        404,
        "The role with name nobody cannot be found.",
    )
    assert code_of(iam.create_role, RoleName="bad", AssumeRolePolicyDocument="{nope") == "MalformedPolicyDocument"
    error = error_of(client("iam", validate=False).update_role, RoleName="app", MaxSessionDuration=60)
    assert (error["Code"], error["Message"]) == (
        "ValidationError",
        "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must have value greater than or equal to 3600",
    )

    iam.update_role(RoleName="app", MaxSessionDuration=3600)
    iam.update_role_description(RoleName="app", Description="renamed")
    trust = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"Service": "lambda.amazonaws.com"}}]}
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=json.dumps(trust))
    role = iam.get_role(RoleName="app")["Role"]
    assert (role["MaxSessionDuration"], role["Description"]) == (3600, "renamed")
    assert role["AssumeRolePolicyDocument"] == trust

    iam.tag_role(RoleName="app", Tags=[{"Key": "team", "Value": "core"}])
    iam.untag_role(RoleName="app", TagKeys=["env"])
    tags = iam.list_role_tags(RoleName="app")
    assert (tags["Tags"], tags["IsTruncated"]) == ([{"Key": "team", "Value": "core"}], False)

    boundary = iam.create_policy(
        PolicyName="Boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="app", PermissionsBoundary=boundary)
    assert iam.get_role(RoleName="app")["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    details = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    assert [role["PermissionsBoundary"]["PermissionsBoundaryType"] for role in details] == ["Policy"]
    iam.delete_role_permissions_boundary(RoleName="app")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="app")["Role"]

    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/svc/")["Roles"]] == ["app"]
    iam.delete_role(RoleName="app")
    assert code_of(iam.delete_role, RoleName="app") == "NoSuchEntity"


def test_role_policies(iam: Any, aws_managed_policies: None) -> None:
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    inline = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    iam.put_role_policy(RoleName="app", PolicyName="read", PolicyDocument=json.dumps(inline))
    got = iam.get_role_policy(RoleName="app", PolicyName="read")
    assert (got["RoleName"], got["PolicyName"], got["PolicyDocument"]) == ("app", "read", inline)
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["read"]
    assert code_of(iam.get_role_policy, RoleName="app", PolicyName="none") == "NoSuchEntity"
    assert (
        code_of(iam.put_role_policy, RoleName="app", PolicyName="x", PolicyDocument="[]") == "MalformedPolicyDocument"
    )
    error = error_of(iam.delete_role, RoleName="app")
    assert (error["Code"], error["Message"]) == ("DeleteConflict", "Cannot delete entity, must delete policies first.")
    iam.delete_role_policy(RoleName="app", PolicyName="read")

    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.attach_role_policy(RoleName="app", PolicyArn=arn)
    assert iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": arn}
    ]
    error = error_of(iam.delete_role, RoleName="app")
    assert (error["Code"], error["Message"]) == (
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
    )
    iam.detach_role_policy(RoleName="app", PolicyArn=arn)
    assert code_of(iam.detach_role_policy, RoleName="app", PolicyArn=arn) == "NoSuchEntity"
    iam.delete_role(RoleName="app")


def test_instance_profiles(iam: Any, account: AccountFixture) -> None:
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_role(RoleName="other", AssumeRolePolicyDocument=json.dumps(TRUST))
    profile = iam.create_instance_profile(InstanceProfileName="web", Path="/svc/")["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{account.account_id}:instance-profile/svc/web"
    assert profile["InstanceProfileId"].startswith("AIPA")
    assert profile["Roles"] == []
    error = error_of(iam.create_instance_profile, InstanceProfileName="web")
    assert (error["Code"], error["Message"]) == ("EntityAlreadyExists", "Instance Profile web already exists.")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="app")
    assert code_of(iam.add_role_to_instance_profile, InstanceProfileName="web", RoleName="other") == "LimitExceeded"
    got = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [role["RoleName"] for role in got["Roles"]] == ["app"]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == TRUST
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == ["web"]
    assert [
        p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName="app")["InstanceProfiles"]
    ] == ["web"]
    iam.tag_instance_profile(InstanceProfileName="web", Tags=[{"Key": "tier", "Value": "front"}])
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [{"Key": "tier", "Value": "front"}]
    iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["tier"])
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == []
    error = error_of(iam.delete_instance_profile, InstanceProfileName="web")
    assert (error["Code"], error["Message"]) == (
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
    )
    iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="app")
    iam.delete_instance_profile(InstanceProfileName="web")
    assert code_of(iam.get_instance_profile, InstanceProfileName="web") == "NoSuchEntity"


def test_openid_connect_providers(iam: Any, account: AccountFixture) -> None:
    arn = iam.create_open_id_connect_provider(
        Url="https://token.example.com", ClientIDList=["app"], ThumbprintList=[THUMBPRINT]
    )["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{account.account_id}:oidc-provider/token.example.com"
    assert (
        code_of(iam.create_open_id_connect_provider, Url="https://token.example.com", ThumbprintList=[THUMBPRINT])
        == "EntityAlreadyExists"
    )
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="cli")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="app")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["a" * 40])
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == "token.example.com"
    assert got["ClientIDList"] == ["cli"]
    assert got["ThumbprintList"] == ["a" * 40]
    assert isinstance(got["CreateDate"], datetime)
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["k"])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == []
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [arn]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    error = error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}")


def test_saml_providers(iam: Any, account: AccountFixture) -> None:
    created = iam.create_saml_provider(
        Name="Okta", SAMLMetadataDocument=saml_metadata(), Tags=[{"Key": "idp", "Value": "okta"}]
    )
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{account.account_id}:saml-provider/Okta"
    assert created["Tags"] == [{"Key": "idp", "Value": "okta"}]
    error = error_of(iam.create_saml_provider, Name="Okta", SAMLMetadataDocument=saml_metadata())
    assert (error["Code"], error["Message"]) == ("EntityAlreadyExists", "SAMLProvider Okta already exists.")
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == saml_metadata()
    assert got["ValidUntil"].year == 2030
    assert (
        iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=saml_metadata("2031-06-01T00:00:00Z"))[
            "SAMLProviderArn"
        ]
        == arn
    )
    assert iam.get_saml_provider(SAMLProviderArn=arn)["ValidUntil"].year == 2031
    (listed,) = iam.list_saml_providers()["SAMLProviderList"]
    assert listed["Arn"] == arn
    assert isinstance(listed["CreateDate"], datetime)
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["idp"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    iam.delete_saml_provider(SAMLProviderArn=arn)
    error = error_of(iam.get_saml_provider, SAMLProviderArn=arn)
    assert (error["Code"], error["Message"]) == ("NoSuchEntity", f"Manifest not found for arn {arn}")


def test_service_linked_roles(iam: Any, account: AccountFixture, aws_managed_policies: None) -> None:
    role = iam.create_service_linked_role(AWSServiceName="access-analyzer.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAccessAnalyzer"
    assert role["Path"] == "/aws-service-role/access-analyzer.amazonaws.com/"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "access-analyzer.amazonaws.com"}
    assert code_of(iam.create_service_linked_role, AWSServiceName="access-analyzer.amazonaws.com") == ("InvalidInput")
    assert code_of(iam.create_service_linked_role, AWSServiceName="nothing.amazonaws.com") == "InvalidInput"
    # A service-linked role is protected from DeleteRole.
    assert code_of(iam.delete_role, RoleName="AWSServiceRoleForAccessAnalyzer") == "UnmodifiableEntity"
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForAccessAnalyzer")["DeletionTaskId"]
    assert task.startswith("task/aws-service-role/access-analyzer.amazonaws.com/AWSServiceRoleForAccessAnalyzer/")
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    assert status["Status"] in ("NOT_STARTED", "IN_PROGRESS")
    # The deletion is Celery's work: run its steps as the task does, each step enqueueing the next.
    for _ in range(5):
        step = operations.run(
            Actor.system(account.account_id), "ProcessServiceLinkedRoleDeletion", {"deletion_task_id": task}
        )
        if step.status != "IN_PROGRESS":
            break
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    assert code_of(iam.get_role, RoleName="AWSServiceRoleForAccessAnalyzer") == "NoSuchEntity"
    assert code_of(iam.get_service_linked_role_deletion_status, DeletionTaskId=task + "x") in (
        "NoSuchEntity",
        "InvalidInput",
    )


def test_credential_report(iam: Any, account: AccountFixture) -> None:
    iam.create_user(UserName="alice")
    error = error_of(iam.get_credential_report)
    assert (error["Code"], error["Status"]) == ("ReportNotPresent", 410)
    started = iam.generate_credential_report()
    assert started["State"] == "STARTED"
    assert started["Description"] == "No report exists. Starting a new report generation task"
    assert code_of(iam.get_credential_report) == "ReportInProgress"
    assert iam.generate_credential_report()["State"] == "INPROGRESS"
    # Written by a Celery task in production; run its step as the task does.
    operations.run(Actor.system(account.account_id), "CompleteCredentialReport", {})
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    assert isinstance(report["GeneratedTime"], datetime)
    # A blob member: boto3 base64-decodes it to the CSV bytes.
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert [row["user"] for row in rows] == ["<root_account>", "alice"]
    assert rows[1]["arn"] == f"arn:aws:iam::{account.account_id}:user/alice"
    assert iam.generate_credential_report()["State"] == "COMPLETE"


@pytest.mark.parametrize(
    ("paginator", "member", "create"),
    [
        (
            "list_roles",
            "Roles",
            lambda iam, name: iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST)),
        ),
        (
            "list_instance_profiles",
            "InstanceProfiles",
            lambda iam, name: iam.create_instance_profile(InstanceProfileName=name),
        ),
    ],
)
def test_boto3_paginators(iam: Any, paginator: str, member: str, create: Any) -> None:
    names = [f"n{index}" for index in range(5)]
    for name in names:
        create(iam, name)
    pages = list(iam.get_paginator(paginator).paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page[member]) for page in pages] == [2, 2, 1]
    key = "RoleName" if member == "Roles" else "InstanceProfileName"
    assert [entry[key] for page in pages for entry in page[member]] == names


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
