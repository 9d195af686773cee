"""The REST API's users endpoints over real HTTP: SigV4-signed requests (service ``iam``) and console sessions,
JSON errors with the other faces' status codes, cursor pagination over ListUsers's markers, and the schema."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import AuditEvent
from tests import factories
from tests.api_client import HTTP, Api
from tests.faces.conftest import access_key, console_session, iam_user
from tests.identities.policy_factory import allow


def create_users(account, *user_names, path="/"):
    for name in user_names:
        factories.user(account, name, path=path)


def test_lists_users_signed_with_sigv4(api, account, other_account):
    create_users(account, "bob", "alice")
    create_users(other_account, "mallory")
    status, body, _ = api.get("/api/v1/users/")
    assert status == 200
    assert body["next"] is None
    assert body["previous"] is None
    alice, bob = body["results"]
    assert [alice["user_name"], bob["user_name"]] == ["alice", "bob"]
    assert set(alice) == {"path", "user_name", "user_id", "arn", "create_date", "password_last_used"}
    assert alice["arn"] == f"arn:aws:iam::{account.account_id}:user/alice"
    assert alice["user_id"].startswith("AIDA")
    assert alice["password_last_used"] is None
    event = AuditEvent.objects.filter(event_name="ListUsers").latest("id")
    assert (event.source, event.outcome, event.actor_arn) == (
        "api",
        "success",
        f"arn:aws:iam::{account.account_id}:root",
    )
    assert event.source_ip == "127.0.0.1"


def test_filters_by_path_prefix(api, account):
    create_users(account, "alice")
    create_users(account, "carol", path="/finance/")
    status, body, _ = api.get("/api/v1/users/?path_prefix=%2Ffinance%2F")
    assert status == 200
    assert [user["user_name"] for user in body["results"]] == ["carol"]


def test_gets_one_user_by_any_legal_name(api, account):
    name = "a+b=c,d.e@f_g-h"
    factories.user(account, name, path="/x/", tags={"team": "red"})
    status, body, _ = api.get("/api/v1/users/a%2Bb%3Dc%2Cd.e%40f_g-h/")
    assert status == 200
    assert body["user_name"] == name
    assert body["arn"] == f"arn:aws:iam::{account.account_id}:user/x/{name}"
    assert body["tags"] == [{"key": "team", "value": "red"}]
    assert body["permissions_boundary"] is None
    longest = "n" * 64
    create_users(account, longest)
    assert api.get(f"/api/v1/users/{longest}/")[0] == 200


def test_an_unknown_user_is_no_such_entity(api):
    status, body, response = api.get("/api/v1/users/ghost/")
    assert status == 404
    assert body == {
        "code": "NoSuchEntity",
        "message": "The user with name ghost cannot be found.",
        "field": "user_name",
    }
    assert response.headers["x-amzn-RequestId"]


def test_a_principal_without_permission_is_access_denied(live_server, account):
    create_users(account, "alice")
    iam_user(account, "nobody")
    api = Api(live_server.url, key=access_key(account, "nobody"))
    status, body, _ = api.get("/api/v1/users/")
    assert status == 403
    assert body["code"] == "AccessDenied"
    assert body["message"] == (
        f"User: arn:aws:iam::{account.account_id}:user/nobody is not authorized to perform: iam:ListUsers on "
        f"resource: arn:aws:iam::{account.account_id}:user/ because no identity-based policy allows the "
        "iam:ListUsers action"
    )
    assert body["field"] is None
    assert api.get("/api/v1/users/alice/")[1]["code"] == "AccessDenied"


def test_a_principal_allowed_getuser_only_gets_users(live_server, account):
    iam_user(account, "reader", allow("iam:GetUser"))
    api = Api(live_server.url, key=access_key(account, "reader"))
    assert api.get("/api/v1/users/reader/")[0] == 200
    assert api.get("/api/v1/users/")[0] == 403


def test_pages_with_next_and_previous_cursors(api, account):
    user_names = [f"user{index}" for index in range(5)]
    create_users(account, *user_names)
    status, first, _ = api.get("/api/v1/users/?page_size=2")
    assert status == 200
    assert [user["user_name"] for user in first["results"]] == user_names[:2]
    assert first["previous"] is None
    assert parse_qs(urlsplit(first["next"]).query)["page_size"] == ["2"]
    _, second, _ = api.get(first["next"])
    assert [user["user_name"] for user in second["results"]] == user_names[2:4]
    _, third, _ = api.get(second["next"])
    assert [user["user_name"] for user in third["results"]] == user_names[4:]
    assert third["next"] is None
    _, back, _ = api.get(third["previous"])
    assert back["results"] == second["results"]
    _, start, _ = api.get(second["previous"])
    assert start == first


@pytest.mark.parametrize(
    ("query", "field"), [("cursor=not-a-cursor", "cursor"), ("page_size=0", "max_items"), ("page_size=x", "page_size")]
)
def test_bad_paging_is_a_validation_error(api, query, field):
    status, body, _ = api.get(f"/api/v1/users/?{query}")
    assert status == 400
    assert body["code"] == "ValidationError"
    assert body["field"] == field


def test_a_console_session_authenticates(live_server, account):
    create_users(account, "alice")
    api = Api(live_server.url, session=console_session(account.root))
    status, body, _ = api.get("/api/v1/users/")
    assert status == 200
    assert [user["user_name"] for user in body["results"]] == ["alice"]
    reader = iam_user(account, "nobody")
    status, body, _ = Api(live_server.url, session=console_session(reader)).get("/api/v1/users/alice/")
    assert (status, body["code"]) == (403, "AccessDenied")


def test_unsigned_and_badly_signed_requests_are_refused(live_server, account):
    status, body, _ = Api(live_server.url).get("/api/v1/users/")
    assert (status, body) == (
        403,
        {"code": "MissingAuthenticationToken", "message": "Request is missing Authentication Token", "field": None},
    )
    wrong_secret = Api(live_server.url, key=(account.access_key_id, "x" * 40))
    assert wrong_secret.get("/api/v1/users/")[1]["code"] == "SignatureDoesNotMatch"
    unknown_key = Api(live_server.url, key=("AKIAIOSFODNN7EXAMPLE", "x" * 40))
    assert unknown_key.get("/api/v1/users/")[1]["code"] == "InvalidClientTokenId"
    sts_scoped = Api(live_server.url, key=(account.access_key_id, account.secret_access_key), service="sts")
    status, body, _ = sts_scoped.get("/api/v1/users/")
    assert (status, body["code"]) == (403, "SignatureDoesNotMatch")
    assert body["message"] == "Credential should be scoped to correct service: 'iam'."


def test_an_unknown_api_path_is_a_json_404(api):
    status, body, _ = api.get("/api/v1/groups-of-nothing/")
    assert status == 404
    assert body["code"] == "NotFound"


def test_schema_and_docs_are_served_without_a_cdn(live_server):
    status, schema, _ = Api(live_server.url).get("/api/schema/?format=json")
    assert status == 200
    assert {"/api/v1/users/", "/api/v1/users/{user_name}/"} <= set(schema["paths"])
    listed = schema["paths"]["/api/v1/users/"]["get"]
    assert {"cursor", "page_size", "path_prefix"} <= {parameter["name"] for parameter in listed["parameters"]}
    status, page, _ = Api(live_server.url).get("/api/docs/")
    assert status == 200
    assert "cdn" not in page.lower()
    assert "jsdelivr" not in page.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    for source in sources:
        assert source.startswith("/"), source
        assert HTTP.request("GET", live_server.url + source).status == 200, source


def test_a_database_outage_is_service_failure_with_503_and_retry_after():
    """As on /aws: the database down is AWS's ServiceFailure, HTTP 503, which clients retry (docs/operations.md)."""
    from django.db import OperationalError

    from iamconsole.restapi.exceptions import exception_handler

    response = exception_handler(OperationalError("server closed the connection unexpectedly"), {})
    assert response is not None
    assert response.status_code == 503
    assert response.data["code"] == "ServiceFailure"
    assert response.data["field"] is None
    assert response["Retry-After"] == "5"
