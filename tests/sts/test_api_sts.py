"""``/api/v1/sts/`` over real HTTP: AssumeRole and GetSessionToken issue credentials (the secret only in that
response), which then sign REST requests with ``x-amz-security-token``; the role's sessions are listed and revoked."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.api_client import Api, policy, signed
from tests.faces.conftest import access_key, iam_user
from tests.factories import allow, document, trust


@pytest.fixture
def role(account):
    factories.role(account, "deployer", trust(f"arn:aws:iam::{account.account_id}:root"))
    factories.put_role_policy(account, "deployer", "read", document(allow(["iam:Get*", "iam:List*"])))
    return f"arn:aws:iam::{account.account_id}:role/deployer"


@pytest.fixture
def alice(live_server, account):
    iam_user(account, "alice", allow("sts:AssumeRole"), allow("sts:GetSessionToken"))
    return Api(live_server.url, key=access_key(account, "alice"))


def test_caller_identity(live_server, account, alice):
    status, body, _ = signed(live_server.url, account).get("/api/v1/sts/caller-identity/")
    assert (status, body) == (
        200,
        {
            "user_id": account.account_id,
            "account": account.account_id,
            "arn": f"arn:aws:iam::{account.account_id}:root",
        },
    )
    assert alice.get("/api/v1/sts/caller-identity/")[1]["arn"] == f"arn:aws:iam::{account.account_id}:user/alice"


def test_assumed_role_credentials_sign_rest_requests_and_can_be_revoked(live_server, account, alice, role):
    status, body, _ = alice.post(
        "/api/v1/sts/assume-role/", {"role_arn": role, "role_session_name": "ci", "duration_seconds": 900}
    )
    assert status == 200
    credentials = body["credentials"]
    assert credentials["access_key_id"].startswith("ASIA")
    assert body["assumed_role_user"]["arn"] == f"arn:aws:sts::{account.account_id}:assumed-role/deployer/ci"
    session = Api(
        live_server.url,
        key=(credentials["access_key_id"], credentials["secret_access_key"], credentials["session_token"]),
    )
    status, identity, _ = session.get("/api/v1/sts/caller-identity/")
    assert (status, identity["arn"]) == (200, body["assumed_role_user"]["arn"])
    assert session.get("/api/v1/roles/deployer/")[0] == 200
    assert session.post("/api/v1/users/", {"user_name": "x"})[1]["code"] == "AccessDenied"
    root = signed(live_server.url, account)
    _, sessions, _ = root.get("/api/v1/roles/deployer/sessions/")
    assert [row["access_key_id"] for row in sessions["results"]] == [credentials["access_key_id"]]
    assert "secret_access_key" not in json.dumps(sessions) and "session_token" not in json.dumps(sessions)
    status, revoked, _ = root.post(f"/api/v1/roles/deployer/sessions/{credentials['access_key_id']}/revoke/")
    assert (status, revoked["access_key_id"]) == (200, credentials["access_key_id"])
    assert session.get("/api/v1/sts/caller-identity/")[0] == 403
    bad_token = Api(live_server.url, key=(credentials["access_key_id"], credentials["secret_access_key"], "forged"))
    assert bad_token.get("/api/v1/sts/caller-identity/")[0] == 403


def test_assume_role_errors(alice, role, account):
    status, body, _ = alice.post("/api/v1/sts/assume-role/", {"role_arn": role})
    assert (status, body["field"]) == (400, "role_session_name")
    status, body, _ = alice.post(
        "/api/v1/sts/assume-role/", {"role_arn": role, "role_session_name": "ci", "duration_seconds": 60}
    )
    assert (status, body["field"]) == (400, "duration_seconds")
    status, body, _ = alice.post(
        "/api/v1/sts/assume-role/",
        {"role_arn": f"arn:aws:iam::{account.account_id}:role/ghost", "role_session_name": "ci"},
    )
    assert (status, body["code"]) == (403, "AccessDenied")


def test_session_token(live_server, account, alice):
    status, body, _ = alice.post("/api/v1/sts/session-token/", {"duration_seconds": 900})
    assert status == 200
    credentials = body["credentials"]
    assert set(credentials) == {"access_key_id", "secret_access_key", "session_token", "expiration"}
    session = Api(
        live_server.url,
        key=(credentials["access_key_id"], credentials["secret_access_key"], credentials["session_token"]),
    )
    assert session.get("/api/v1/sts/caller-identity/")[1]["arn"] == f"arn:aws:iam::{account.account_id}:user/alice"


def test_a_principal_without_permission_cannot_assume(live_server, account, role):
    iam_user(account, "nobody")
    api = Api(live_server.url, key=access_key(account, "nobody"))
    status, body, _ = api.post("/api/v1/sts/assume-role/", {"role_arn": role, "role_session_name": "xx"})
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "sts:AssumeRole" in body["message"]


def test_federation_token(live_server, account):
    iam_user(account, "broker", allow("sts:GetFederationToken"))
    api = Api(live_server.url, key=access_key(account, "broker"))
    status, body, _ = api.post(
        "/api/v1/sts/federation-token/", {"name": "visitor", "policy": policy(allow("s3:GetObject"))}
    )
    assert status == 200
    assert body["federated_user"]["arn"] == f"arn:aws:sts::{account.account_id}:federated-user/visitor"
    assert body["credentials"]["secret_access_key"]
    status, body, _ = api.post("/api/v1/sts/federation-token/", {})
    assert (status, body["field"]) == (400, "name")
