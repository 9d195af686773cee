"""The managed policies endpoints, ``policies/validate/`` and ``simulate/`` over real HTTP with SigV4: policies
addressed by id (customer and AWS managed, ``scope`` filter), versions with ETag and If-Match, entities, tags."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.api_client import ALLOW_S3, Api, names, policy
from tests.faces.conftest import access_key, iam_user
from tests.identities.policy_factory import allow

WRITE_S3 = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})


@pytest.fixture
def reader(api):
    status, created, _ = api.post(
        "/api/v1/policies/", {"policy_name": "reader", "policy_document": ALLOW_S3, "description": "reads"}
    )
    assert status == 201
    return created


def test_creates_gets_and_deletes_a_policy_by_id(api, account, reader):
    assert reader["arn"] == f"arn:aws:iam::{account.account_id}:policy/reader"
    assert reader["policy_id"].startswith("ANPA")
    assert reader["default_version_id"] == "v1"
    status, fetched, _ = api.get(f"/api/v1/policies/{reader['policy_id']}/")
    assert (status, fetched["policy_name"], fetched["description"]) == (200, "reader", "reads")
    assert api.delete(f"/api/v1/policies/{reader['policy_id']}/")[0] == 204
    status, body, _ = api.get(f"/api/v1/policies/{reader['policy_id']}/")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "policy_id")


def test_a_bad_policy_is_refused_with_its_field(api):
    status, body, _ = api.post("/api/v1/policies/", {"policy_document": ALLOW_S3})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "policy_name")
    status, body, _ = api.post("/api/v1/policies/", {"policy_name": "p", "policy_document": {"Statement": "x"}})
    assert (status, body["code"], body["field"]) == (400, "MalformedPolicyDocument", "policy_document")
    status, body, _ = api.get("/api/v1/policies/?scope=Everything")
    assert (status, body["field"]) == (400, "scope")


def test_lists_filter_by_scope_and_page(api, account, aws_managed_policies, reader):
    _, local, _ = api.get("/api/v1/policies/?scope=Local")
    assert names(local, "policy_name") == ["reader"]
    _, aws, _ = api.get("/api/v1/policies/?scope=AWS&page_size=5")
    assert len(aws["results"]) == 5
    assert all(row["arn"].startswith("arn:aws:iam::aws:policy/") for row in aws["results"])
    assert aws["next"]
    _, following, _ = api.get(aws["next"])
    assert not set(names(following, "arn")) & set(names(aws, "arn"))
    _, attached, _ = api.get("/api/v1/policies/?only_attached=true")
    assert attached["results"] == []
    aws_policy = aws["results"][0]
    status, fetched, _ = api.get(f"/api/v1/policies/{aws_policy['policy_id']}/")
    assert (status, fetched["arn"]) == (200, aws_policy["arn"])
    status, body, _ = api.delete(f"/api/v1/policies/{aws_policy['policy_id']}/")
    assert (status, body["code"]) == (403, "AccessDenied")


def test_versions_with_etag_and_if_match(api, reader):
    base = f"/api/v1/policies/{reader['policy_id']}"
    status, default, response = api.get(f"{base}/default-version/")
    assert (status, default["version_id"], default["is_default_version"]) == (200, "v1", True)
    etag = response.headers["ETag"]
    assert json.loads(default["document"]) == ALLOW_S3
    assert api.get(f"{base}/versions/v1/")[2].headers["ETag"] == etag
    status, created, _ = api.post(
        f"{base}/versions/", {"policy_document": WRITE_S3, "set_as_default": True}, headers={"If-Match": etag}
    )
    assert (status, created["version_id"], created["is_default_version"]) == (201, "v2", True)
    # The default changed: a writer still holding v1's ETag is refused rather than silently replacing v2.
    status, body, _ = api.post(
        f"{base}/versions/", {"policy_document": ALLOW_S3, "set_as_default": True}, headers={"If-Match": etag}
    )
    assert (status, body["code"]) == (412, "PreconditionFailed")
    assert names(api.get(f"{base}/versions/")[1], "version_id") == ["v2", "v1"]
    # Setting the default back holds If-Match to the default it replaces (v2 now, not v1).
    status, body, _ = api.put(f"{base}/default-version/", {"version_id": "v1"}, headers={"If-Match": etag})
    assert (status, body["code"]) == (412, "PreconditionFailed")
    current = api.get(f"{base}/default-version/")[2].headers["ETag"]
    assert api.put(f"{base}/default-version/", {"version_id": "v1"}, headers={"If-Match": current})[0] == 204
    assert api.get(f"{base}/default-version/")[1]["version_id"] == "v1"
    assert api.delete(f"{base}/versions/v2/")[0] == 204
    status, body, _ = api.get(f"{base}/versions/v2/")
    assert (status, body["code"]) == (404, "NoSuchEntity")
    status, body, _ = api.put(f"{base}/default-version/", {})
    assert (status, body["field"]) == (400, "version_id")


def test_entities_and_tags(api, account, reader):
    base = f"/api/v1/policies/{reader['policy_id']}"
    factories.user(account, "bob")
    factories.attach(account, reader["arn"], user_name="bob")
    status, entities, _ = api.get(f"{base}/entities/")
    assert status == 200
    assert [(row["entity_type"], row["user_name"]) for row in entities["results"]] == [("User", "bob")]
    assert api.get(f"{base}/entities/?entity_filter=Role")[1]["results"] == []
    assert api.post(f"{base}/tags/", {"tags": [{"key": "owner", "value": "sec"}]})[0] == 204
    assert api.get(f"{base}/tags/")[1]["results"] == [{"key": "owner", "value": "sec"}]
    assert api.delete(f"{base}/tags/?tag_keys=owner")[0] == 204
    assert api.get(f"{base}/tags/")[1]["results"] == []


def test_entities_page_by_cursor_across_kinds(api, account, reader):
    base = f"/api/v1/policies/{reader['policy_id']}"
    factories.group(account, "devs")
    factories.attach(account, reader["arn"], group_name="devs")
    for name in ("ann", "bob"):
        factories.user(account, name)
        factories.attach(account, reader["arn"], user_name=name)
    status, first, _ = api.get(f"{base}/entities/?page_size=2")
    assert status == 200
    assert [row["entity_type"] for row in first["results"]] == ["Group", "User"]
    assert (first["results"][0]["group_name"], first["results"][1]["user_name"], first["previous"]) == (
        "devs",
        "ann",
        None,
    )
    _, second, _ = api.get(first["next"])
    assert ([row["user_name"] for row in second["results"]], second["next"]) == (["bob"], None)
    assert api.get(second["previous"])[1]["results"] == first["results"]
    status, body, _ = api.get(f"{base}/entities/?entity_filter=Nobody")
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "entity_filter")


def test_validate_returns_findings(api):
    status, body, _ = api.post(
        "/api/v1/policies/validate/",
        {
            "policy_document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*"}]},
            "policy_type": "IDENTITY_POLICY",
        },
    )
    assert status == 200
    assert "MISSING_RESOURCE" in {finding["code"] for finding in body["findings"]}
    finding = body["findings"][0]
    assert set(finding) == {"type", "code", "message", "path", "line", "column", "end_line", "end_column"}
    status, clean, _ = api.post(
        "/api/v1/policies/validate/", {"policy_document": ALLOW_S3, "policy_type": "IDENTITY_POLICY"}
    )
    assert (status, clean["findings"]) == (200, [])
    status, body, _ = api.post("/api/v1/policies/validate/", {"policy_document": ALLOW_S3, "policy_type": "WHATEVER"})
    assert (status, body["field"]) == (400, "policy_type")


def test_simulates_custom_and_principal_policies(api, account):
    status, body, _ = api.post(
        "/api/v1/simulate/custom/",
        {"policy_input_list": [ALLOW_S3], "action_names": ["s3:GetObject", "s3:PutObject"]},
    )
    assert status == 200
    decisions = {row["eval_action_name"]: row["eval_decision"] for row in body["results"]}
    assert decisions == {"s3:GetObject": "allowed", "s3:PutObject": "implicitDeny"}
    iam_user(account, "bob", allow("s3:PutObject"))
    status, body, _ = api.post(
        "/api/v1/simulate/principal/",
        {"policy_source_arn": f"arn:aws:iam::{account.account_id}:user/bob", "action_names": ["s3:PutObject"]},
    )
    assert (status, body["results"][0]["eval_decision"]) == (200, "allowed")
    status, body, _ = api.post("/api/v1/simulate/custom/", {"action_names": ["s3:GetObject"]})
    assert (status, body["field"]) == (400, "policy_input_list")
    status, body, _ = api.post(
        "/api/v1/simulate/principal/",
        {"policy_source_arn": f"arn:aws:iam::{account.account_id}:user/ghost", "action_names": ["s3:PutObject"]},
    )
    assert (status, body["code"]) == (404, "NoSuchEntity")


SOURCE_IP = policy(
    {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "Bool": {"aws:SecureTransport": "true"}},
    }
)


def test_context_keys_of_custom_and_principal_policies(api, account):
    status, body, _ = api.post("/api/v1/simulate/custom/context-keys/", {"policy_input_list": [SOURCE_IP]})
    assert (status, sorted(body["context_key_names"])) == (200, ["aws:SecureTransport", "aws:SourceIp"])
    status, body, _ = api.post("/api/v1/simulate/custom/context-keys/", {})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "policy_input_list")
    factories.user(account, "bob")
    factories.put_user_policy(account, "bob", json.dumps(SOURCE_IP), policy_name="ip")
    bob = f"arn:aws:iam::{account.account_id}:user/bob"
    status, body, _ = api.post("/api/v1/simulate/principal/context-keys/", {"policy_source_arn": bob})
    assert (status, sorted(body["context_key_names"])) == (200, ["aws:SecureTransport", "aws:SourceIp"])
    status, body, _ = api.post("/api/v1/simulate/principal/context-keys/", {"policy_input_list": [ALLOW_S3]})
    assert (status, body["field"]) == (400, "policy_source_arn")
    status, body, _ = api.post("/api/v1/simulate/principal/context-keys/", {"policy_source_arn": bob + "-ghost"})
    assert (status, body["code"]) == (404, "NoSuchEntity")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/simulate/custom/context-keys/", {"policy_input_list": [ALLOW_S3]}),
        (
            "post",
            "/api/v1/simulate/principal/context-keys/",
            {"policy_source_arn": "arn:aws:iam::123456789012:user/x"},
        ),
        ("get", "/api/v1/policies/", None),
        ("post", "/api/v1/policies/", {"policy_name": "p", "policy_document": ALLOW_S3}),
        (
            "post",
            "/api/v1/simulate/principal/",
            {"policy_source_arn": "arn:aws:iam::123456789012:user/x", "action_names": ["s3:GetObject"]},
        ),
    ],
)
def test_a_principal_without_permission_is_denied(live_server, account, method, path, body):
    iam_user(account, "nobody")
    api = Api(live_server.url, key=access_key(account, "nobody"))
    status, answer, _ = getattr(api, method)(path, *(() if body is None else (body,)))
    assert (status, answer["code"]) == (403, "AccessDenied")


def test_a_principal_who_may_list_but_not_get_is_denied_the_policy(live_server, account, reader):
    iam_user(account, "lister", allow("iam:ListPolicies"))
    api = Api(live_server.url, key=access_key(account, "lister"))
    assert names(api.get("/api/v1/policies/?scope=Local")[1], "policy_name") == ["reader"]
    status, body, _ = api.get(f"/api/v1/policies/{reader['policy_id']}/")
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "iam:GetPolicy" in body["message"]


def test_entities_are_refused_without_permission(live_server, account, api, reader):
    base = f"/api/v1/policies/{reader['policy_id']}/entities/"
    # Finding the policy by id needs iam:GetPolicy on it; listing its entities needs iam:ListEntitiesForPolicy.
    iam_user(account, "nobody")
    status, body, _ = Api(live_server.url, key=access_key(account, "nobody")).get(base)
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "iam:GetPolicy" in body["message"]
    iam_user(account, "getter", allow("iam:GetPolicy"))
    status, body, _ = Api(live_server.url, key=access_key(account, "getter")).get(base)
    assert (status, body["code"]) == (403, "AccessDenied")
    assert "iam:ListEntitiesForPolicy" in body["message"] and reader["arn"] in body["message"]
    other = f"arn:aws:iam::{account.account_id}:policy/other"
    iam_user(
        account,
        "elsewhere",
        allow("iam:GetPolicy"),
        {"Effect": "Allow", "Action": "iam:ListEntitiesForPolicy", "Resource": other},
    )
    status, body, _ = Api(live_server.url, key=access_key(account, "elsewhere")).get(base)
    assert (status, body["code"]) == (403, "AccessDenied")
    iam_user(account, "lister", allow(["iam:GetPolicy", "iam:ListEntitiesForPolicy"]))
    status, body, _ = Api(live_server.url, key=access_key(account, "lister")).get(base)
    assert (status, body["results"]) == (200, [])


def test_entities_of_a_policy_that_does_not_exist(api, other_account, reader):
    status, body, _ = api.get("/api/v1/policies/ANPAZZZZZZZZZZZZZZZZZ/entities/")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "policy_id")
    # Another account's policy is not found either: its id names nothing in the caller's account.
    theirs = factories.managed_policy(other_account, "theirs", json.dumps(ALLOW_S3))
    status, body, _ = api.get(f"/api/v1/policies/{theirs.policy_id}/entities/")
    assert (status, body["code"]) == (404, "NoSuchEntity")
    assert api.delete(f"/api/v1/policies/{reader['policy_id']}/")[0] == 204
    status, body, _ = api.get(f"/api/v1/policies/{reader['policy_id']}/entities/?entity_filter=User")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "policy_id")
