"""boto3 contract tests for the rest of STS through ``/aws``: GetWebIdentityToken (a JWT a relying party verifies
with PyJWT from the issuer's discovery document and JWKS), GetScopedCredentials (narrowed credentials that really
work, and no further), AssumeRoot and GetDelegatedAccessToken (AWS's answers for what iamconsole cannot have)."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import urllib3

from tests.awsquery.conftest import ClientFactory
from tests.awsquery.test_contract_coverage import check_declared_operations_succeeded, code_of, error_of
from tests.factories import AccountFixture, allow, document, trust

pytestmark = pytest.mark.django_db(transaction=True)

COVERS = frozenset({"GetWebIdentityToken", "GetScopedCredentials"})
REFUSES = {"AssumeRoot": "OrganizationNotFoundException", "GetDelegatedAccessToken": "ExpiredTradeInTokenException"}
AWS_CLAIMS = "https://sts.amazonaws.com/"


@pytest.fixture(autouse=True)
def _issuer_on_the_live_server(settings: Any, live_server: Any) -> None:
    # The issuer URL is made from IAM_CONSOLE_URL when the feature is enabled: the live server's, here.
    settings.IAM_CONSOLE_URL = live_server.url


def role_session(iam: Any, client: ClientFactory, account: AccountFixture, *actions: str, **tags: str) -> Any:
    """Credentials of a session of role ``worker`` (tagged ``tags``) allowed ``actions``, assumed by IAM user ops."""
    iam.create_user(UserName="ops")
    iam.put_user_policy(UserName="ops", PolicyName="assume", PolicyDocument=document(allow("sts:AssumeRole")))
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    iam.create_role(
        RoleName="worker",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{account.account_id}:root"),
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    iam.put_role_policy(RoleName="worker", PolicyName="p", PolicyDocument=document(allow(list(actions))))
    sts = client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    return sts.assume_role(
        RoleArn=f"arn:aws:iam::{account.account_id}:role/worker", RoleSessionName="job-7", DurationSeconds=900
    )["Credentials"]


def fetch_json(url: str) -> Any:
    response = urllib3.PoolManager().request("GET", url, retries=False)
    assert response.status == 200, response.data
    return json.loads(response.data)


def verify(token: str, audience: str) -> dict[str, Any]:
    """What a relying party does: discovery from the token's issuer, then the key its header names from the JWKS."""
    issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
    configuration = fetch_json(f"{issuer}/.well-known/openid-configuration")
    assert configuration["issuer"] == issuer
    jwks = jwt.PyJWKSet.from_dict(fetch_json(configuration["jwks_uri"]))
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    algorithm = jwt.get_unverified_header(token)["alg"]
    return jwt.decode(token, key.key, algorithms=[algorithm], audience=audience, issuer=issuer)


def test_web_identity_token_is_refused_until_the_feature_is_enabled(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    sts = client("sts")
    refused = error_of(sts.get_web_identity_token, Audience=["https://api.example.test"], SigningAlgorithm="RS256")
    assert (refused["Code"], refused["Status"]) == ("OutboundWebIdentityFederationDisabledException", 403)
    iam.enable_outbound_web_identity_federation()
    iam.disable_outbound_web_identity_federation()
    assert code_of(sts.get_web_identity_token, Audience=["a"], SigningAlgorithm="RS256") == (
        "OutboundWebIdentityFederationDisabledException"
    )


@pytest.mark.parametrize("algorithm", ["RS256", "ES384"])
def test_web_identity_token_verifies_from_the_issuers_jwks(
    iam: Any, client: ClientFactory, account: AccountFixture, algorithm: str
) -> None:
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    credentials = role_session(
        iam, client, account, "sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken", team="data"
    )
    sts = client("sts", credentials=credentials)
    before = datetime.now(UTC).replace(microsecond=0)
    answer = sts.get_web_identity_token(
        Audience=["https://api.example.test"],
        SigningAlgorithm=algorithm,
        DurationSeconds=120,
        Tags=[{"Key": "job", "Value": "nightly"}],
    )
    claims = verify(answer["WebIdentityToken"], "https://api.example.test")
    role_arn = f"arn:aws:iam::{account.account_id}:role/worker"
    assert claims["iss"] == issuer == iam.get_outbound_web_identity_federation_info()["IssuerIdentifier"]
    assert (claims["sub"], claims["aud"]) == (role_arn, "https://api.example.test")
    assert claims["exp"] - claims["iat"] == 120
    assert answer["Expiration"] == datetime.fromtimestamp(claims["exp"], UTC)
    assert before.timestamp() <= claims["iat"] <= before.timestamp() + 5
    assert claims[AWS_CLAIMS] == {
        "aws_account": account.account_id,
        "source_region": "us-east-1",
        "principal_id": role_arn,
        "principal_tags": {"team": "data"},
        "request_tags": {"job": "nightly"},
    }
    assert jwt.get_unverified_header(answer["WebIdentityToken"])["alg"] == algorithm
    # Signed with the account's key: a token whose claims were changed no longer verifies.
    header, _, signature = answer["WebIdentityToken"].split(".")
    forged = jwt.utils.base64url_encode(json.dumps({**claims, "sub": "arn:aws:iam::111111111111:root"}).encode())
    with pytest.raises(jwt.InvalidSignatureError):
        verify(f"{header}.{forged.decode()}.{signature}", "https://api.example.test")


def test_web_identity_token_limits_and_permissions(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    iam.enable_outbound_web_identity_federation()
    credentials = role_session(iam, client, account, "iam:ListUsers")
    sts = client("sts", credentials=credentials)
    denied = error_of(sts.get_web_identity_token, Audience=["a"], SigningAlgorithm="RS256")
    assert (denied["Code"], denied["Status"]) == ("AccessDenied", 403)
    assert "sts:GetWebIdentityToken" in denied["Message"]
    root = client("sts")
    # The session ends in 15 minutes: a one-hour token would outlive it.
    iam.put_role_policy(RoleName="worker", PolicyName="p", PolicyDocument=document(allow("sts:GetWebIdentityToken")))
    escalated = error_of(sts.get_web_identity_token, Audience=["a"], SigningAlgorithm="RS256", DurationSeconds=3600)
    assert (escalated["Code"], escalated["Status"]) == ("SessionDurationEscalationException", 403)
    unchecked = client("sts", validate=False)
    assert code_of(unchecked.get_web_identity_token, Audience=["a"], SigningAlgorithm="HS256") == "ValidationError"
    assert code_of(
        unchecked.get_web_identity_token, Audience=["a"], SigningAlgorithm="RS256", DurationSeconds=59
    ) == "ValidationError"  # fmt: skip
    assert code_of(unchecked.get_web_identity_token, Audience=["a"] * 11, SigningAlgorithm="RS256") == (
        "ValidationError"
    )
    big = [{"Key": f"k{n:02d}", "Value": "v" * 256} for n in range(50)]
    too_big = error_of(root.get_web_identity_token, Audience=["a"], SigningAlgorithm="RS256", Tags=big)
    assert (too_big["Code"], too_big["Status"]) == ("JWTPayloadSizeExceededException", 400)
    # Several audiences: ``aud`` becomes a list.
    token = root.get_web_identity_token(Audience=["a", "b"], SigningAlgorithm="ES384")["WebIdentityToken"]
    claims = verify(token, "b")
    assert claims["aud"] == ["a", "b"] and claims["sub"] == f"arn:aws:iam::{account.account_id}:root"


def test_unknown_issuer_documents_are_not_found(live_server: Any) -> None:
    response = urllib3.PoolManager().request(
        "GET", f"{live_server.url}/outbound/00000000-0000-0000-0000-000000000000/.well-known/jwks.json", retries=False
    )
    assert response.status == 404


def test_scoped_credentials_narrow_the_callers_session(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    credentials = role_session(iam, client, account, "iam:ListUsers", "iam:ListRoles")
    sts = client("sts", credentials=credentials)
    answer = sts.get_scoped_credentials(
        Policy=document(allow("iam:ListRoles")), ScopedSessionDescription="only the roles"
    )
    assert answer["SessionInfo"] == {
        "ScopedSessionId": sts.get_caller_identity()["UserId"],
        "Arn": f"arn:aws:sts::{account.account_id}:assumed-role/worker/job-7",
    }
    assert answer["ScopedPoliciesCount"] == 1
    assert answer["Credentials"]["Expiration"] == credentials["Expiration"]
    scoped_iam = client("iam", credentials=answer["Credentials"])
    assert isinstance(scoped_iam.list_roles()["Roles"], list)
    # The parent session may list users; the scoped one may not.
    assert isinstance(client("iam", credentials=credentials).list_users()["Users"], list)
    assert code_of(scoped_iam.list_users) == "AccessDenied"
    scoped_sts = client("sts", credentials=answer["Credentials"])
    assert scoped_sts.get_caller_identity()["Arn"] == answer["SessionInfo"]["Arn"]
    # A second layer intersects with the first: nothing both allow is left but what both allow.
    second = scoped_sts.get_scoped_credentials(Policy=document(allow(["iam:ListUsers", "iam:ListRoles"])))
    assert second["ScopedPoliciesCount"] == 2
    assert code_of(client("iam", credentials=second["Credentials"]).list_users) == "AccessDenied"
    shorter = scoped_sts.get_scoped_credentials(DurationSeconds=60)
    remaining = shorter["Credentials"]["Expiration"] - datetime.now(UTC)
    assert timedelta(seconds=55) < remaining <= timedelta(seconds=60)
    assert shorter["ScopedPoliciesCount"] == 1


def test_scoped_credentials_errors(iam: Any, client: ClientFactory, account: AccountFixture) -> None:
    refused = error_of(client("sts").get_scoped_credentials, DurationSeconds=60)
    assert (refused["Code"], refused["Status"]) == ("InvalidSubjectCredentials", 400)
    credentials = role_session(iam, client, account, "iam:ListUsers")
    sts = client("sts", credentials=credentials)
    longer = error_of(sts.get_scoped_credentials, DurationSeconds=3600)
    assert (longer["Code"], longer["Status"]) == ("InsufficientSessionLifetime", 400)
    assert code_of(sts.get_scoped_credentials, Policy='{"Version": "2012-10-17"') == "MalformedPolicyDocument"
    assert code_of(sts.get_scoped_credentials) == "ValidationError"
    layered = sts
    for _ in range(3):
        layered = client("sts", credentials=layered.get_scoped_credentials(Policy=document(allow("*")))["Credentials"])
    assert code_of(layered.get_scoped_credentials, Policy=document(allow("*"))) == "AccessDenied"
    # Random resource names hardly compress: one such layer fits the packed allotment, two stacked do not.

    def bulky() -> str:
        names = [secrets.token_urlsafe(300) for _ in range(4)]
        text = document(allow("iam:GetUser", [f"arn:aws:iam::{account.account_id}:user/{name}" for name in names]))
        assert len(text) <= 2048
        return text

    first = client("sts", credentials=sts.get_scoped_credentials(Policy=bulky())["Credentials"])
    too_large = error_of(first.get_scoped_credentials, Policy=bulky())
    assert (too_large["Code"], too_large["Status"]) == ("PackedPolicyTooLarge", 400)


def test_revoking_the_parent_session_ends_the_scoped_one(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    credentials = role_session(iam, client, account, "iam:ListUsers")
    scoped = client("sts", credentials=credentials).get_scoped_credentials(DurationSeconds=600)["Credentials"]
    scoped_iam = client("iam", credentials=scoped)
    assert isinstance(scoped_iam.list_users()["Users"], list)
    iam.put_role_policy(
        RoleName="worker",
        PolicyName="AWSRevokeOlderSessions",
        PolicyDocument=document(
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": (datetime.now(UTC)).isoformat()}},
            }
        ),
    )
    assert code_of(scoped_iam.list_users) == "AccessDenied"


def test_assume_root_checks_its_parameters_then_answers_as_outside_an_organization(
    iam: Any, client: ClientFactory, account: AccountFixture
) -> None:
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="root", PolicyDocument=document(allow("sts:AssumeRoot")))
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    sts = client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"], validate=False)
    task = {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}
    own = account.account_id
    bad_policy = error_of(sts.assume_root, TargetPrincipal=own, TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/Admin"})
    assert bad_policy["Code"] == "ValidationError"
    too_long = error_of(sts.assume_root, TargetPrincipal=own, TaskPolicyArn=task, DurationSeconds=901)
    assert too_long["Code"] == "ValidationError" and "900" in too_long["Message"]
    assert code_of(sts.assume_root, TargetPrincipal="not-an-account", TaskPolicyArn=task) == "ValidationError"
    refused = error_of(sts.assume_root, TargetPrincipal=own, TaskPolicyArn=task, DurationSeconds=900)
    assert (refused["Code"], refused["Status"]) == ("OrganizationNotFoundException", 400)
    # Another account's root user is out of reach: nothing (no organization) lets this account act on it.
    elsewhere = error_of(sts.assume_root, TargetPrincipal="111122223333", TaskPolicyArn=task)
    assert elsewhere["Code"] == "AccessDenied" and "arn:aws:iam::111122223333:root" in elsewhere["Message"]
    # The permission is checked before the organization: a principal without it is denied.
    assert code_of(client("sts", validate=False).assume_root, TargetPrincipal="111122223333", TaskPolicyArn=task) == (
        "AccessDenied"
    )


def test_delegated_access_token_is_refused_as_expired(client: ClientFactory) -> None:
    refused = error_of(client("sts").get_delegated_access_token, TradeInToken="t" * 40)
    assert (refused["Code"], refused["Status"]) == ("ExpiredTradeInTokenException", 400)


def test_declared_operations_succeeded(request: pytest.FixtureRequest) -> None:
    check_declared_operations_succeeded(request, __file__, COVERS, REFUSES)
