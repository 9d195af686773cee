"""boto3 contract tests for AssumeRoleWithWebIdentity and AssumeRoleWithSAML through ``/aws``: boto3 sends both
unsigned, as AWS allows; the issued credentials then work; AWS's error codes come back for bad tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, error_of
from tests.conftest import AccountFixture
from tests.factories import allow, document, trust
from tests.federation_idp import OidcIssuer, SamlIdp, unsigned_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("trusted_issuer")]

COVERS = frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"})


def web_identity_role(iam: Any, issuer: OidcIssuer) -> str:
    provider_arn = iam.create_open_id_connect_provider(
        Url=issuer.url, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    condition = {
        "StringEquals": {f"{issuer.host_path}:aud": "sts.amazonaws.com"},
        "StringLike": {f"{issuer.host_path}:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"},
    }
    github = trust(provider_arn, "sts:AssumeRoleWithWebIdentity", kind="Federated", Condition=condition)
    role = iam.create_role(RoleName="GitHubDeploy", AssumeRolePolicyDocument=github)["Role"]
    iam.put_role_policy(
        RoleName="GitHubDeploy",
        PolicyName="read",
        PolicyDocument=document(allow("iam:ListUsers")),
    )
    return str(role["Arn"])


def test_web_identity_round_trip(iam: Any, client: ClientFactory, issuer: OidcIssuer, account: AccountFixture) -> None:
    role_arn = web_identity_role(iam, issuer)
    sts = client("sts")
    answer = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="run-42", WebIdentityToken=issuer.token(), DurationSeconds=900
    )
    assert answer["SubjectFromWebIdentityToken"] == "repo:octo-org/octo-repo:ref:refs/heads/main"
    assert answer["Audience"] == "sts.amazonaws.com"
    assert answer["Provider"] == issuer.url
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{account.account_id}:assumed-role/GitHubDeploy/run-42"
    credentials = answer["Credentials"]
    as_role = client(
        "iam",
        key=credentials["AccessKeyId"],
        secret=credentials["SecretAccessKey"],
        token=credentials["SessionToken"],
    )
    assert isinstance(as_role.list_users()["Users"], list)
    caller = client(
        "sts", key=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"], token=credentials["SessionToken"]
    ).get_caller_identity()
    assert caller["Arn"] == answer["AssumedRoleUser"]["Arn"]


def test_web_identity_errors(iam: Any, client: ClientFactory, issuer: OidcIssuer) -> None:
    role_arn = web_identity_role(iam, issuer)
    sts = client("sts")

    def call(token: str) -> dict[str, Any]:
        return error_of(
            sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="s1", WebIdentityToken=token
        )

    expired = call(issuer.token(lifetime=timedelta(minutes=-10)))
    assert (expired["Code"], expired["Status"]) == ("ExpiredTokenException", 400)
    assert call(issuer.token(aud="other"))["Code"] == "InvalidIdentityToken"
    assert call(unsigned_token({"iss": issuer.url, "sub": "x", "aud": "sts.amazonaws.com"}))["Code"] == (
        "InvalidIdentityToken"
    )
    denied = call(issuer.token(sub="repo:octo-org/octo-repo:pull_request"))
    assert (denied["Code"], denied["Status"]) == ("AccessDenied", 403)


def test_other_actions_still_need_a_signature(raw: Any) -> None:
    response = raw({"Action": "GetCallerIdentity", "Version": "2011-06-15"}, service="sts", sign=False)
    assert response.status == 403 and b"MissingAuthenticationToken" in response.data


def test_saml_round_trip(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    idp = SamlIdp()
    provider_arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    audience = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    saml = trust(provider_arn, "sts:AssumeRoleWithSAML", kind="Federated", Condition=audience)
    role_arn = iam.create_role(RoleName="CorpAdmin", AssumeRolePolicyDocument=saml)["Role"]["Arn"]
    sts = client("sts")
    response = idp.response([(role_arn, provider_arn)])
    answer = sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=response)
    assert answer["Subject"] == "alice-0001" and answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == idp.entity_id and answer["Audience"] == "https://signin.aws.amazon.com/saml"
    assert answer["NameQualifier"]
    assert answer["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{account.account_id}:assumed-role/CorpAdmin/alice@example.test"
    )
    replayed = error_of(sts.assume_role_with_saml, RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=response)
    assert replayed["Code"] == "InvalidIdentityToken"


def test_every_declared_operation_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS)
