"""Account-wide endpoints over real HTTP with SigV4: the account (alias, password policy, summary), service-linked
roles with their deletion status, SAML and OIDC providers, instance profiles and the credential report."""

from __future__ import annotations

import base64

import pytest

from tests.api_client import TRUST_EC2, Api, names
from tests.faces.conftest import access_key, iam_user
from tests.identities.test_identity_providers import metadata

BEANSTALK = "elasticbeanstalk.amazonaws.com"


def test_account_alias(api):
    assert api.get("/api/v1/account/alias/")[1]["results"] == []
    assert api.put("/api/v1/account/alias/", {"account_alias": "example-corp"})[0] == 204
    assert api.get("/api/v1/account/alias/")[1]["results"] == ["example-corp"]
    status, body, _ = api.put("/api/v1/account/alias/", {"account_alias": "Not_Valid"})
    assert (status, body["field"]) == (400, "account_alias")
    assert api.delete("/api/v1/account/alias/?account_alias=example-corp")[0] == 204
    assert api.get("/api/v1/account/alias/")[1]["results"] == []


def test_password_policy(api):
    status, body, _ = api.get("/api/v1/account/password-policy/")
    assert (status, body["code"]) == (404, "NoSuchEntity")
    assert (
        api.put("/api/v1/account/password-policy/", {"minimum_password_length": 14, "require_symbols": True})[0] == 204
    )
    status, current, _ = api.get("/api/v1/account/password-policy/")
    assert (status, current["minimum_password_length"], current["require_symbols"]) == (200, 14, True)
    status, body, _ = api.put("/api/v1/account/password-policy/", {"minimum_password_length": 3})
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "minimum_password_length")
    assert api.delete("/api/v1/account/password-policy/")[0] == 204
    assert api.get("/api/v1/account/password-policy/")[0] == 404


def test_account_summary_counts_entities(api):
    api.post("/api/v1/users/", {"user_name": "bob"})
    status, summary, _ = api.get("/api/v1/account/summary/")
    assert status == 200
    assert summary["Users"] == 1
    assert summary["UsersQuota"] == 5000


@pytest.mark.usefixtures("aws_managed_policies")
def test_service_linked_roles_and_their_deletion(api, account):
    status, role, _ = api.post("/api/v1/service-linked-roles/", {"aws_service_name": BEANSTALK})
    assert status == 201
    assert role["path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    api.post("/api/v1/roles/", {"role_name": "plain", "assume_role_policy_document": TRUST_EC2})
    assert names(api.get("/api/v1/service-linked-roles/")[1], "role_name") == [role["role_name"]]
    status, task, _ = api.delete(f"/api/v1/service-linked-roles/{role['role_name']}/")
    assert status == 202
    assert task["deletion_task_id"].startswith("task/aws-service-role/")
    status, progress, _ = api.get(f"/api/v1/service-linked-roles/deletion-tasks/{task['deletion_task_id']}/")
    assert status == 200
    assert progress["status"] in {"NOT_STARTED", "IN_PROGRESS", "SUCCEEDED"}
    status, body, _ = api.post("/api/v1/service-linked-roles/", {"aws_service_name": "nothing.example.com"})
    assert (status, body["field"]) == (400, "aws_service_name")
    status, body, _ = api.get("/api/v1/service-linked-roles/deletion-tasks/task/aws-service-role/x/y/z/")
    assert status in (400, 404)


def test_saml_providers(api, account):
    status, created, _ = api.post(
        "/api/v1/identity-providers/saml/", {"name": "Okta", "saml_metadata_document": metadata()}
    )
    assert status == 201
    arn = created["saml_provider_arn"]
    assert arn == f"arn:aws:iam::{account.account_id}:saml-provider/Okta"
    assert names(api.get("/api/v1/identity-providers/saml/")[1], "arn") == [arn]
    status, fetched, _ = api.get(f"/api/v1/identity-providers/saml/{arn}/")
    assert (status, fetched["saml_metadata_document"]) == (200, metadata())
    assert api.post(f"/api/v1/identity-providers/saml/{arn}/tags/", {"tags": [{"key": "a", "value": "b"}]})[0] == 204
    assert api.get(f"/api/v1/identity-providers/saml/{arn}/tags/")[1]["results"] == [{"key": "a", "value": "b"}]
    status, body, _ = api.post(
        "/api/v1/identity-providers/saml/", {"name": "Bad", "saml_metadata_document": "<x/>" * 300}
    )
    assert (status, body["code"]) == (400, "InvalidInput")
    assert api.delete(f"/api/v1/identity-providers/saml/{arn}/")[0] == 204
    assert api.get(f"/api/v1/identity-providers/saml/{arn}/")[1]["code"] == "NoSuchEntity"


def test_oidc_providers(api, account):
    thumbprint = "a" * 40
    status, created, _ = api.post(
        "/api/v1/identity-providers/oidc/",
        {
            "url": "https://token.example.com/tenant",
            "client_id_list": ["sts.amazonaws.com"],
            "thumbprint_list": [thumbprint],
        },
    )
    assert status == 201
    arn = created["open_id_connect_provider_arn"]
    assert arn == f"arn:aws:iam::{account.account_id}:oidc-provider/token.example.com/tenant"
    status, fetched, _ = api.get(f"/api/v1/identity-providers/oidc/{arn}/")
    assert (status, fetched["client_id_list"], fetched["thumbprint_list"]) == (200, ["sts.amazonaws.com"], [thumbprint])
    assert api.patch(f"/api/v1/identity-providers/oidc/{arn}/", {"thumbprint_list": ["b" * 40]})[0] == 204
    assert api.get(f"/api/v1/identity-providers/oidc/{arn}/")[1]["thumbprint_list"] == ["b" * 40]
    status, body, _ = api.post(
        "/api/v1/identity-providers/oidc/", {"url": "https://x.example.com", "thumbprint_list": "x"}
    )
    assert (status, body["field"]) == (400, "thumbprint_list")
    assert api.post(f"/api/v1/identity-providers/oidc/{arn}/client-ids/", {"client_id": "my-app"})[0] == 204
    assert api.get(f"/api/v1/identity-providers/oidc/{arn}/")[1]["client_id_list"] == ["sts.amazonaws.com", "my-app"]
    assert api.delete(f"/api/v1/identity-providers/oidc/{arn}/client-ids/sts.amazonaws.com/")[0] == 204
    assert api.get(f"/api/v1/identity-providers/oidc/{arn}/")[1]["client_id_list"] == ["my-app"]
    tags = {"tags": [{"key": "env", "value": "prod"}]}
    assert api.post(f"/api/v1/identity-providers/oidc/{arn}/tags/", tags)[0] == 204
    assert api.get(f"/api/v1/identity-providers/oidc/{arn}/tags/")[1]["results"] == tags["tags"]
    assert api.delete(f"/api/v1/identity-providers/oidc/{arn}/tags/?tag_keys=env")[0] == 204
    assert api.get(f"/api/v1/identity-providers/oidc/{arn}/tags/")[1]["results"] == []
    assert api.delete(f"/api/v1/identity-providers/oidc/{arn}/")[0] == 204
    assert api.get("/api/v1/identity-providers/oidc/")[1]["results"] == []


def test_credential_report(api):
    status, body, _ = api.get("/api/v1/credential-report/")
    assert (status, body["code"]) == (410, "ReportNotPresent")
    status, started, _ = api.post("/api/v1/credential-report/")
    assert status == 202
    assert started["state"] in {"STARTED", "INPROGRESS", "COMPLETE"}
    status, report, _ = api.get("/api/v1/credential-report/")
    if status == 200:  # generated inline when the worker runs eagerly
        assert base64.b64decode(report["content"]).startswith(b"user,arn,")
        assert report["report_format"] == "text/csv"
    else:
        assert report["code"] in {"ReportInProgress", "ReportNotPresent"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/account/alias/", None),
        ("put", "/api/v1/account/alias/", {"account_alias": "corp"}),
        ("get", "/api/v1/account/password-policy/", None),
        ("put", "/api/v1/account/password-policy/", {"minimum_password_length": 10}),
        ("get", "/api/v1/account/summary/", None),
        ("post", "/api/v1/service-linked-roles/", {"aws_service_name": BEANSTALK}),
        ("post", "/api/v1/instance-profiles/", {"instance_profile_name": "ip"}),
        ("get", "/api/v1/credential-report/", None),
    ],
)
def test_a_principal_without_permission_is_denied(live_server, account, method, path, body):
    iam_user(account, "nobody")
    api = Api(live_server.url, key=access_key(account, "nobody"))
    status, answer, _ = getattr(api, method)(path, *(() if body is None else (body,)))
    assert (status, answer["code"]) == (403, "AccessDenied")


def test_instance_profiles_page_and_filter(api):
    for name, path in (("a", "/"), ("b", "/x/"), ("c", "/x/")):
        assert api.post("/api/v1/instance-profiles/", {"instance_profile_name": name, "path": path})[0] == 201
    _, first, _ = api.get("/api/v1/instance-profiles/?page_size=2")
    assert len(first["results"]) == 2
    assert len(api.get(first["next"])[1]["results"]) == 1
    assert sorted(names(api.get("/api/v1/instance-profiles/?path_prefix=/x/")[1], "instance_profile_name")) == [
        "b",
        "c",
    ]
    status, body, _ = api.get("/api/v1/instance-profiles/ghost/")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "instance_profile_name")


def test_authorization_details_page_by_cursor(api):
    for name in ("u1", "u2", "u3"):
        api.post("/api/v1/users/", {"user_name": name})
    api.post("/api/v1/groups/", {"group_name": "g1"})
    status, first, _ = api.get("/api/v1/account/authorization-details/?filter=User&filter=Group&page_size=2")
    assert status == 200
    assert [(row["entity_type"], row["user_name"]) for row in first["results"]] == [("User", "u1"), ("User", "u2")]
    assert first["previous"] is None
    _, second, _ = api.get(first["next"])
    # The page continues across the operation's lists: the last user, then the groups.
    assert [(row["entity_type"], row.get("user_name") or row["group_name"]) for row in second["results"]] == [
        ("User", "u3"),
        ("Group", "g1"),
    ]
    assert second["next"] is None
    assert api.get(second["previous"])[1]["results"] == first["results"]
    status, body, _ = api.get("/api/v1/account/authorization-details/?filter=Nothing")
    assert (status, body["field"]) == (400, "filter")


def test_account_sessions_list_is_empty_without_sessions(api):
    status, body, _ = api.get("/api/v1/account/sessions/")
    assert (status, body["results"], body["next"]) == (200, [], None)
