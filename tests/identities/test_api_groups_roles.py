"""The groups and roles endpoints over real HTTP with SigV4: lists with filters and cursors, create, update, delete,
members, trust policy with ETag and If-Match, instance profiles of a role, and role sessions with revocation."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.api_client import ALLOW_S3, TRUST_EC2, Api, names, policy
from tests.faces.conftest import access_key, iam_user


def test_groups_crud_members_and_filters(api, account):
    assert api.post("/api/v1/groups/", {"group_name": "devs", "path": "/eng/"})[0] == 201
    assert api.post("/api/v1/groups/", {"group_name": "ops"})[0] == 201
    assert names(api.get("/api/v1/groups/")[1], "group_name") == ["devs", "ops"]
    assert names(api.get("/api/v1/groups/?path_prefix=/eng/")[1], "group_name") == ["devs"]
    status, group, _ = api.get("/api/v1/groups/devs/")
    assert (status, group["arn"]) == (200, f"arn:aws:iam::{account.account_id}:group/eng/devs")
    for name in ("u1", "u2", "u3"):
        factories.user(account, name)
        assert api.post("/api/v1/groups/devs/users/", {"user_name": name})[0] == 204
    _, first, _ = api.get("/api/v1/groups/devs/users/?page_size=2")
    assert names(first, "user_name") == ["u1", "u2"]
    assert names(api.get(first["next"])[1], "user_name") == ["u3"]
    assert api.delete("/api/v1/groups/devs/users/u1/")[0] == 204
    assert names(api.get("/api/v1/groups/devs/users/")[1], "user_name") == ["u2", "u3"]
    status, body, _ = api.delete("/api/v1/groups/devs/")
    assert (status, body["code"]) == (409, "DeleteConflict")
    assert api.patch("/api/v1/groups/ops/", {"new_group_name": "sre"})[0] == 204
    assert api.delete("/api/v1/groups/sre/")[0] == 204
    assert api.get("/api/v1/groups/sre/")[0] == 404


def test_group_policies(api, account):
    api.post("/api/v1/groups/", {"group_name": "devs"})
    assert api.put("/api/v1/groups/devs/inline-policies/read/", {"policy_document": ALLOW_S3})[0] == 204
    _, body, response = api.get("/api/v1/groups/devs/inline-policies/read/")
    assert json.loads(body["policy_document"]) == ALLOW_S3
    status, body, _ = api.put(
        "/api/v1/groups/devs/inline-policies/read/", {"policy_document": ALLOW_S3}, headers={"If-Match": '"stale"'}
    )
    assert (status, body["code"]) == (412, "PreconditionFailed")
    headers = {"If-Match": response.headers["ETag"]}
    assert (
        api.put("/api/v1/groups/devs/inline-policies/read/", {"policy_document": ALLOW_S3}, headers=headers)[0] == 204
    )
    assert api.get("/api/v1/groups/devs/inline-policies/")[1]["results"] == ["read"]
    arn = factories.managed_policy(account, "p", json.dumps(ALLOW_S3)).arn
    assert api.post("/api/v1/groups/devs/attached-policies/", {"policy_arn": arn})[0] == 204
    assert names(api.get("/api/v1/groups/devs/attached-policies/")[1], "policy_arn") == [arn]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role_name": "r"}, "assume_role_policy_document"),
        (
            {"role_name": "r", "assume_role_policy_document": TRUST_EC2, "max_session_duration": 60},
            "max_session_duration",
        ),
        ({"role_name": "r", "assume_role_policy_document": TRUST_EC2, "tags": [{"key": "k"}]}, "tags"),
    ],
)
def test_a_bad_role_is_a_validation_error(api, body, field):
    status, answer, _ = api.post("/api/v1/roles/", body)
    assert (status, answer["code"], answer["field"]) == (400, "ValidationError", field)


def test_a_malformed_trust_policy_is_named(api):
    status, body, _ = api.post("/api/v1/roles/", {"role_name": "r", "assume_role_policy_document": {"Statement": 1}})
    assert (status, body["code"], body["field"]) == (400, "MalformedPolicyDocument", "assume_role_policy_document")


def test_roles_crud_and_filters(api, account):
    status, role, _ = api.post(
        "/api/v1/roles/",
        {"role_name": "web", "path": "/svc/", "assume_role_policy_document": TRUST_EC2, "description": "web tier"},
    )
    assert status == 201
    assert role["arn"] == f"arn:aws:iam::{account.account_id}:role/svc/web"
    assert json.loads(role["assume_role_policy_document"]) == TRUST_EC2
    api.post("/api/v1/roles/", {"role_name": "batch", "assume_role_policy_document": json.dumps(TRUST_EC2)})
    listed = names(api.get("/api/v1/roles/")[1], "role_name")
    assert sorted(listed) == ["batch", "web"]
    assert names(api.get("/api/v1/roles/?path_prefix=/svc/")[1], "role_name") == ["web"]
    _, first, _ = api.get("/api/v1/roles/?page_size=1")
    assert names(first, "role_name") == listed[:1]
    assert names(api.get(first["next"])[1], "role_name") == listed[1:]
    assert api.patch("/api/v1/roles/web/", {"max_session_duration": 7200})[0] == 204
    _, fetched, _ = api.get("/api/v1/roles/web/")
    assert (fetched["max_session_duration"], fetched["description"]) == (7200, "web tier")
    assert "role_last_used" in fetched
    assert api.post("/api/v1/roles/web/tags/", {"tags": [{"key": "tier", "value": "web"}]})[0] == 204
    assert api.get("/api/v1/roles/web/tags/")[1]["results"] == [{"key": "tier", "value": "web"}]
    assert api.delete("/api/v1/roles/batch/")[0] == 204
    status, body, _ = api.get("/api/v1/roles/batch/")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "role_name")


def test_trust_policy_etag_and_if_match(api):
    api.post("/api/v1/roles/", {"role_name": "web", "assume_role_policy_document": TRUST_EC2})
    status, _, response = api.get("/api/v1/roles/web/trust-policy/")
    etag = response.headers["ETag"]
    assert status == 200
    assert api.get("/api/v1/roles/web/")[2].headers["ETag"] == etag
    lambda_trust = policy(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    assert (
        api.put("/api/v1/roles/web/trust-policy/", {"policy_document": lambda_trust}, headers={"If-Match": etag})[0]
        == 204
    )
    # A second automation still holding the old ETag cannot overwrite the first one's change.
    status, body, _ = api.put(
        "/api/v1/roles/web/trust-policy/", {"policy_document": TRUST_EC2}, headers={"If-Match": etag}
    )
    assert (status, body["code"]) == (412, "PreconditionFailed")
    _, role, response = api.get("/api/v1/roles/web/trust-policy/")
    assert json.loads(role["assume_role_policy_document"]) == lambda_trust
    assert response.headers["ETag"] != etag
    assert api.put("/api/v1/roles/web/trust-policy/", {"policy_document": TRUST_EC2})[0] == 204


def test_role_instance_profiles_and_sessions(api, account):
    api.post("/api/v1/roles/", {"role_name": "web", "assume_role_policy_document": TRUST_EC2})
    assert api.post("/api/v1/instance-profiles/", {"instance_profile_name": "web-ip"})[0] == 201
    assert api.post("/api/v1/instance-profiles/web-ip/roles/", {"role_name": "web"})[0] == 204
    assert names(api.get("/api/v1/roles/web/instance-profiles/")[1], "instance_profile_name") == ["web-ip"]
    _, profile, _ = api.get("/api/v1/instance-profiles/web-ip/")
    assert [role["role_name"] for role in profile["roles"]] == ["web"]
    assert api.get("/api/v1/roles/web/sessions/")[1]["results"] == []
    status, revoked, _ = api.post("/api/v1/roles/web/sessions/revoke/")
    assert status == 200
    assert revoked["policy_name"] == "AWSRevokeOlderSessions"
    assert "aws:TokenIssueTime" in revoked["policy_document"]
    assert api.get("/api/v1/roles/web/inline-policies/")[1]["results"] == ["AWSRevokeOlderSessions"]
    status, body, _ = api.post("/api/v1/roles/web/sessions/ASIAEXAMPLEEXAMPLE12/revoke/")
    assert (status, body["code"]) == (404, "NoSuchEntity")
    assert api.delete("/api/v1/instance-profiles/web-ip/roles/web/")[0] == 204
    assert api.delete("/api/v1/instance-profiles/web-ip/")[0] == 204


ROLE_ENDPOINTS = [
    ("get", "/api/v1/groups/", None),
    ("post", "/api/v1/groups/", {"group_name": "g"}),
    ("get", "/api/v1/groups/devs/", None),
    ("get", "/api/v1/groups/devs/users/", None),
    ("get", "/api/v1/roles/", None),
    ("post", "/api/v1/roles/", {"role_name": "r", "assume_role_policy_document": TRUST_EC2}),
    ("get", "/api/v1/roles/web/", None),
    ("get", "/api/v1/roles/web/trust-policy/", None),
    ("put", "/api/v1/roles/web/trust-policy/", {"policy_document": TRUST_EC2}),
    ("get", "/api/v1/roles/web/attached-policies/", None),
    ("get", "/api/v1/roles/web/inline-policies/", None),
    ("get", "/api/v1/roles/web/tags/", None),
    ("get", "/api/v1/roles/web/instance-profiles/", None),
    ("get", "/api/v1/roles/web/sessions/", None),
    ("post", "/api/v1/roles/web/sessions/revoke/", None),
    ("get", "/api/v1/instance-profiles/", None),
    ("get", "/api/v1/service-linked-roles/", None),
    ("get", "/api/v1/identity-providers/saml/", None),
    ("get", "/api/v1/identity-providers/oidc/", None),
    ("post", "/api/v1/credential-report/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROLE_ENDPOINTS)
def test_a_principal_without_permission_is_denied(live_server, account, method, path, body):
    factories.group(account, "devs")
    factories.role(account, "web", json.dumps(TRUST_EC2))
    iam_user(account, "nobody")
    api = Api(live_server.url, key=access_key(account, "nobody"))
    status, answer, _ = getattr(api, method)(path, *(() if body is None else (body,)))
    assert (status, answer["code"]) == (403, "AccessDenied")


@pytest.mark.parametrize(
    ("method", "path", "body"), [entry for entry in ROLE_ENDPOINTS if "/devs/" in entry[1] or "/web/" in entry[1]]
)
def test_a_missing_group_or_role_is_no_such_entity(api, method, path, body):
    path = path.replace("/devs/", "/ghost/").replace("/web/", "/ghost/")
    status, answer, _ = getattr(api, method)(path, *(() if body is None else (body,)))
    assert (status, answer["code"]) == (404, "NoSuchEntity")


def test_head_and_unserved_methods_on_sub_resources(api):
    api.post("/api/v1/roles/", {"role_name": "web", "assume_role_policy_document": TRUST_EC2})
    status, body, _ = api.request("HEAD", "/api/v1/roles/web/tags/")
    assert (status, body) == (200, "")
    assert api.request("HEAD", "/api/v1/roles/ghost/tags/")[0] == 404
    status, body, _ = api.put("/api/v1/roles/web/tags/", {})
    assert (status, body["code"]) == (405, "MethodNotAllowed")


def test_a_body_that_is_not_an_object_is_refused(api):
    status, body, _ = api.post("/api/v1/roles/", ["role_name", "web"])
    assert (status, body) == (
        400,
        {"code": "ValidationError", "message": "The request body must be a JSON object.", "field": None},
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/roles/%00/", "role_name"),
        ("/api/v1/users/%00/", "user_name"),
        ("/api/v1/roles/web/tags/?tag_keys=%00", "tag_keys"),
        ("/api/v1/groups/" + "g" * 200 + "/", "group_name"),
        ("/api/v1/users/bob/mfa-devices/%00/", "serial_number"),
    ],
)
def test_names_in_the_url_are_held_to_the_input_constraints(api, account, path, field):
    factories.user(account, "bob")
    method = "delete" if "tag_keys" in path else "get"
    status, body, _ = getattr(api, method)(path)
    assert (status, body["code"], body["field"]) == (400, "ValidationError", field)
