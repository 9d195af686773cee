"""``/api/v1/sts/web-identity-token/``, ``scoped-credentials/``, ``assume-root/`` and ``delegated-access-token/`` over
real HTTP: the JWT verifies against the issuer's published keys, scoped credentials sign REST requests and are
narrowed, and every refusal is ``{code, message, field}`` with AWS's code and status."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest

from iamconsole import operations
from tests import factories
from tests.api_client import Api, policy
from tests.awsquery.test_contract_sts_more import verify
from tests.faces.conftest import access_key, iam_user
from tests.factories import allow, document, trust

AUDIENCE = "https://api.example.test"
ROOT_TASK = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"


@pytest.fixture(autouse=True)
def _issuer_on_the_live_server(settings: Any, live_server: Any) -> None:
    # The issuer URL is made from IAM_CONSOLE_URL when the feature is enabled: the live server's, so it can be fetched.
    settings.IAM_CONSOLE_URL = live_server.url


def _user(live_server: Any, account: Any, name: str, *statements: dict[str, Any]) -> Api:
    iam_user(account, name, *statements)
    return Api(live_server.url, key=access_key(account, name))


def _session(live_server: Any, credentials: dict[str, str]) -> Api:
    key = (credentials["access_key_id"], credentials["secret_access_key"], credentials["session_token"])
    return Api(live_server.url, key=key)


@pytest.fixture
def role_session(live_server: Any, account: Any) -> Api:
    """A 15-minute session of role ``worker``, which may read users and roles and ask for web identity tokens."""
    allowed = document(allow(["iam:GetRole", "iam:ListUsers", "iam:ListRoles", "sts:GetWebIdentityToken"]))
    factories.role(account, "worker", trust(f"arn:aws:iam::{account.account_id}:root"), policy_document=allowed)
    ops = _user(live_server, account, "ops", allow("sts:AssumeRole"))
    status, body, _ = ops.post(
        "/api/v1/sts/assume-role/",
        {
            "role_arn": f"arn:aws:iam::{account.account_id}:role/worker",
            "role_session_name": "job-7",
            "duration_seconds": 900,
        },
    )
    assert status == 200, body
    return _session(live_server, body["credentials"])


def test_outbound_federation_is_an_account_setting(live_server, account):
    url = "/api/v1/account/outbound-web-identity-federation/"
    root = Api(live_server.url, key=(account.access_key_id, account.secret_access_key))
    status, body, _ = root.get(url)
    assert (status, body["code"]) == (404, "FeatureDisabled")
    status, enabled, _ = root.put(url)
    assert status == 200, enabled
    assert enabled["issuer_identifier"].startswith(f"{live_server.url}/outbound/")
    assert root.get(url)[1] == {"issuer_identifier": enabled["issuer_identifier"], "jwt_vending_enabled": True}
    status, body, _ = root.put(url)
    assert (status, body["code"]) == (409, "FeatureEnabled")
    status, body, _ = _user(live_server, account, "reader", allow("iam:Get*")).delete(url)
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "iam:DisableOutboundWebIdentityFederation" in body["message"]
    assert root.delete(url)[0] == 204
    assert root.get(url)[1] == {"issuer_identifier": enabled["issuer_identifier"], "jwt_vending_enabled": False}
    # Enabled again, the issuer is the same: relying parties keep trusting it.
    assert root.put(url)[1] == enabled


def test_web_identity_token_verifies_against_the_published_jwks(live_server, account, role_session):
    root = Api(live_server.url, key=(account.access_key_id, account.secret_access_key))
    issuer = root.put("/api/v1/account/outbound-web-identity-federation/")[1]["issuer_identifier"]
    status, body, _ = role_session.post(
        "/api/v1/sts/web-identity-token/",
        {"audience": [AUDIENCE], "signing_algorithm": "ES384", "duration_seconds": 120},
    )
    assert status == 200, body
    assert set(body) == {"web_identity_token", "expiration"}
    claims = verify(body["web_identity_token"], AUDIENCE)
    assert claims["sub"] == f"arn:aws:iam::{account.account_id}:role/worker"
    assert claims["exp"] - claims["iat"] == 120
    assert jwt.get_unverified_header(body["web_identity_token"])["alg"] == "ES384"
    assert claims["iss"] == issuer


def test_web_identity_token_errors(live_server, account, role_session):
    url = "/api/v1/sts/web-identity-token/"
    request = {"audience": [AUDIENCE], "signing_algorithm": "RS256"}
    status, body, _ = role_session.post(url, request)
    assert (status, body["code"]) == (403, "OutboundWebIdentityFederationDisabledException")
    operations.run(account.root, "EnableOutboundWebIdentityFederation", {})
    status, body, _ = role_session.post(url, {"signing_algorithm": "RS256"})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "audience")
    status, body, _ = role_session.post(url, {**request, "duration_seconds": 59})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "duration_seconds")
    status, body, _ = role_session.post(url, {**request, "signing_algorithm": "HS256"})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "signing_algorithm")
    # The session ends in 15 minutes: a one-hour token would outlive it.
    status, body, _ = role_session.post(url, {**request, "duration_seconds": 3600})
    assert (status, body["code"]) == (403, "SessionDurationEscalationException")
    # Request tags need sts:TagGetWebIdentityToken besides.
    status, body, _ = role_session.post(url, {**request, "tags": [{"key": "job", "value": "nightly"}]})
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "sts:TagGetWebIdentityToken" in body["message"]
    nobody = _user(live_server, account, "nobody")
    status, body, _ = nobody.post(url, request)
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "sts:GetWebIdentityToken" in body["message"]


def test_scoped_credentials_sign_requests_that_are_narrowed(live_server, account, role_session):
    status, body, _ = role_session.post(
        "/api/v1/sts/scoped-credentials/",
        {"policy": policy(allow(["iam:GetRole", "iam:ListRoles"])), "duration_seconds": 300},
    )
    assert status == 200, body
    assert body["scoped_policies_count"] == 1
    assert body["session_info"]["arn"] == f"arn:aws:sts::{account.account_id}:assumed-role/worker/job-7"
    credentials = body["credentials"]
    assert credentials["access_key_id"].startswith("ASIA") and credentials["secret_access_key"]
    scoped = _session(live_server, credentials)
    assert scoped.get("/api/v1/sts/caller-identity/")[1]["arn"] == body["session_info"]["arn"]
    assert scoped.get("/api/v1/roles/worker/")[0] == 200
    assert [row["role_name"] for row in scoped.get("/api/v1/roles/")[1]["results"]] == ["worker"]
    # The role may list users, the scope-down policy may not: refused.
    status, denied, _ = scoped.get("/api/v1/users/")
    assert (status, denied["code"]) == (403, "AccessDenied")
    assert role_session.get("/api/v1/users/")[0] == 200
    # The secret is in the issuing answer only: the role's sessions list the new credentials without it.
    _, sessions, _ = Api(live_server.url, key=(account.access_key_id, account.secret_access_key)).get(
        "/api/v1/roles/worker/sessions/"
    )
    assert credentials["access_key_id"] in {row["access_key_id"] for row in sessions["results"]}
    assert credentials["secret_access_key"] not in json.dumps(sessions)
    assert credentials["session_token"] not in json.dumps(sessions)


def test_scoped_credentials_errors(live_server, account, role_session):
    url = "/api/v1/sts/scoped-credentials/"
    status, body, _ = role_session.post(url, {"duration_seconds": 0})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "duration_seconds")
    status, body, _ = role_session.post(url, {})
    assert (status, body["code"]) == (400, "ValidationError")
    assert "Policy or DurationSeconds" in body["message"]
    status, body, _ = role_session.post(url, {"policy": {"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}})
    assert (status, body["code"]) == (400, "MalformedPolicyDocument")
    status, body, _ = role_session.post(url, {"duration_seconds": 901})
    assert (status, body["code"]) == (400, "InsufficientSessionLifetime")
    # Long-term keys have no session to narrow; no permission lets them (AWS defines no such action).
    admin = _user(live_server, account, "admin", allow("*"))
    status, body, _ = admin.post(url, {"duration_seconds": 60})
    assert (status, body["code"]) == (400, "InvalidSubjectCredentials")


def test_assume_root(live_server, account):
    url = "/api/v1/sts/assume-root/"
    admin = _user(live_server, account, "admin", allow("sts:AssumeRoot"))
    request = {"target_principal": account.account_id, "task_policy_arn": {"arn": ROOT_TASK}}
    status, body, _ = admin.post(url, {"task_policy_arn": {"arn": ROOT_TASK}})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "target_principal")
    status, body, _ = admin.post(url, {**request, "duration_seconds": 901})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "duration_seconds")
    status, body, _ = admin.post(url, {**request, "task_policy_arn": {"arn": "arn:aws:iam::aws:policy/ReadOnly"}})
    assert (status, body["code"]) == (400, "ValidationError")
    status, body, _ = _user(live_server, account, "nobody").post(url, request)
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "sts:AssumeRoot" in body["message"]
    # Authorized, it answers as IAM answers an account outside any organization.
    status, body, _ = admin.post(url, request)
    assert (status, body["code"], body["field"]) == (400, "OrganizationNotFoundException", None)


def test_delegated_access_token(live_server, account):
    url = "/api/v1/sts/delegated-access-token/"
    partner = _user(live_server, account, "partner", allow("sts:GetDelegatedAccessToken"))
    status, body, _ = partner.post(url, {})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "trade_in_token")
    status, body, _ = _user(live_server, account, "nobody").post(url, {"trade_in_token": "t0ken"})
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "sts:GetDelegatedAccessToken" in body["message"]
    status, body, _ = partner.post(url, {"trade_in_token": "t0ken"})
    assert (status, body["code"], body["field"]) == (400, "ExpiredTradeInTokenException", "trade_in_token")
