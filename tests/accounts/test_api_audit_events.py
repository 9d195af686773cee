"""``GET /api/v1/audit-events/`` over real HTTP with SigV4: LookupEvents's filters, its errors with the field named,
AccessDenied without ``cloudtrail:LookupEvents``, cursor pagination both ways, and the stored, redacted parameters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import AccessDenied
from tests import factories
from tests.api_client import Api
from tests.faces.conftest import access_key, iam_user

URL = "/api/v1/audit-events/"


@pytest.fixture
def trail(account):
    """Two users created and a key made by root, then a denied CreateUser by a user with no permission."""
    factories.user(account, "alice")
    factories.user(account, "bob")
    _, account.alice_secret = factories.access_key(account, "alice")
    nobody = iam_user(account, "nobody")
    with pytest.raises(AccessDenied):
        operations.run(nobody, "CreateUser", {"user_name": "mallory"})
    return nobody


def _names(body):
    return [event["event_name"] for event in body["results"]]


def test_lists_the_trail_newest_first(api, account, trail):
    status, body, _ = api.get(URL + "?read_only=false")
    assert status == 200
    assert body["previous"] is None and body["next"] is None
    assert _names(body)[:5] == ["CreateUser", "CreateUser", "CreateAccessKey", "CreateUser", "CreateUser"]
    assert [e["outcome"] for e in body["results"]][:5] == ["denied", "success", "success", "success", "success"]
    event = body["results"][2]
    assert event["actor_arn"] == f"arn:aws:iam::{account.account_id}:root"
    assert event["resource_arn"] == f"arn:aws:iam::{account.account_id}:user/alice"
    assert event["outcome"] == "success"
    assert event["read_only"] is False
    assert event["parameters"] == {"user_name": "alice"}
    assert set(event) >= {"event_id", "event_time", "source", "request_id", "error_code", "details"}


def test_parameters_are_the_stored_redacted_ones(api, account, trail):
    operations.run(
        account.root,
        "CreateLoginProfile",
        {"user_name": "bob", "password": "Correct-Horse-42!", "password_reset_required": False},
    )
    _, body, raw = api.get(URL + "?read_only=false")
    assert account.alice_secret not in raw.data.decode()
    assert "Correct-Horse-42!" not in raw.data.decode()
    event = body["results"][0]
    assert event["event_name"] == "CreateLoginProfile"
    stored = AuditEvent.objects.get(pk=int(event["event_id"]))
    assert event["parameters"] == stored.parameters
    assert event["parameters"]["user_name"] == "bob"
    assert event["parameters"]["password"] == "***"


def test_each_filter(api, account, trail):
    root_arn = f"arn:aws:iam::{account.account_id}:root"
    nobody_arn = f"arn:aws:iam::{account.account_id}:user/nobody"
    _, body, _ = api.get(URL + f"?actor_arn={nobody_arn}")
    assert [(e["event_name"], e["outcome"]) for e in body["results"]] == [("CreateUser", "denied")]
    assert body["results"][0]["error_code"] == "AccessDenied"
    _, body, _ = api.get(URL + "?outcome=denied")
    assert [e["actor_arn"] for e in body["results"]] == [nobody_arn]
    _, body, _ = api.get(URL + "?event_name=CreateUser&outcome=success")
    assert [e["parameters"]["user_name"] for e in body["results"]] == ["nobody", "bob", "alice"]
    assert all(e["actor_arn"] == root_arn for e in body["results"])
    bob = f"arn:aws:iam::{account.account_id}:user/bob"
    _, body, _ = api.get(URL + f"?resource_arn={bob}")
    assert _names(body) == ["CreateUser"]
    _, body, _ = api.get(URL + "?read_only=true")
    assert body["results"] and all(e["read_only"] for e in body["results"])
    # The time range: everything so far is before now; nothing is before an hour ago.
    now = timezone.now()
    _, body, _ = api.get(URL + f"?end_time={(now - timedelta(hours=1)):%Y-%m-%dT%H:%M:%SZ}")
    assert body["results"] == []
    _, body, _ = api.get(URL + f"?start_time={(now - timedelta(hours=1)):%Y-%m-%dT%H:%M:%SZ}&event_name=CreateUser")
    assert len(body["results"]) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("outcome=maybe", "outcome"),
        ("start_time=yesterday", "start_time"),
        ("end_time=2026-13-45", "end_time"),
        ("start_time=2026-02-30T00:00:00", "start_time"),
        ("end_time=2026-01-01T00:00:00%2B99:00", "end_time"),
        ("start_time=2026-12-02T10:00:00&end_time=2026-12-01T10:00:00", "start_time"),
        ("read_only=perhaps", "read_only"),
        ("page_size=0", "max_items"),
    ],
)
def test_a_bad_filter_is_a_400_naming_its_field(api, query, field):
    status, body, _ = api.get(URL + "?" + query)
    assert status == 400
    assert body["code"] == "ValidationError"
    assert body["field"] == field
    assert body["message"]


def test_access_denied_without_lookup_events(live_server, account):
    iam_user(account, "reader", {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"})
    status, body, _ = Api(live_server.url, key=access_key(account, "reader")).get(URL)
    assert status == 403
    assert body["code"] == "AccessDenied"
    assert "cloudtrail:LookupEvents" in body["message"]
    allowed = {"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}
    iam_user(account, "auditor", allowed)
    status, body, _ = Api(live_server.url, key=access_key(account, "auditor")).get(URL)
    assert status == 200 and body["results"]


def test_pages_both_ways(api, account):
    for number in range(5):
        factories.user(account, f"user{number}")
    query = URL + "?event_name=CreateUser&page_size=2"
    _, first, _ = api.get(query)
    assert [e["parameters"]["user_name"] for e in first["results"]] == ["user4", "user3"]
    assert first["previous"] is None
    _, second, _ = api.get(first["next"])
    assert [e["parameters"]["user_name"] for e in second["results"]] == ["user2", "user1"]
    _, third, _ = api.get(second["next"])
    assert [e["parameters"]["user_name"] for e in third["results"]] == ["user0"]
    assert third["next"] is None
    _, back, _ = api.get(third["previous"])
    assert back["results"] == second["results"]
    _, start, _ = api.get(back["previous"])
    assert start["results"] == first["results"]
    assert start["previous"] is None


def test_other_accounts_events_are_not_listed(api, other_account):
    factories.user(other_account, "elsewhere")
    _, body, _ = api.get(URL + "?event_name=CreateUser")
    assert body["results"] == []


def test_the_schema_describes_the_endpoint(api):
    status, schema, _ = api.get("/api/schema/?format=json")
    assert status == 200
    get = schema["paths"][URL]["get"]
    assert get["operationId"] == "LookupEvents"
    parameters = {parameter["name"] for parameter in get["parameters"]}
    assert parameters >= {"actor_arn", "event_name", "resource_arn", "outcome", "start_time", "end_time", "cursor"}
    page = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(page.get("required", [])) >= {"results"} or "$ref" in page
    assert "403" in get["responses"] and "400" in get["responses"]


def test_one_event_by_id(api, account, trail):
    _, listed, _ = api.get(URL + "?event_name=CreateAccessKey")
    event = listed["results"][0]
    status, body, _ = api.get(f"{URL}{event['event_id']}/")
    assert (status, body) == (200, event)
    status, body, _ = api.get(f"{URL}999999999/")
    assert (status, body["code"], body["field"]) == (404, "NoSuchEntity", "event_id")
    assert api.get(f"{URL}99999999999999999999999/")[0] == 404  # beyond bigint: still no such event
    status, body, _ = api.get(f"{URL}not-a-number/")
    assert (status, body["code"], body["field"]) == (400, "ValidationError", "event_id")


def test_an_event_of_another_account_is_not_found(api, other_account):
    factories.user(other_account, "elsewhere")
    theirs = AuditEvent.objects.filter(account_id_value=other_account.account_id, event_name="CreateUser").latest("id")
    status, body, _ = api.get(f"{URL}{theirs.pk}/")
    assert (status, body["code"]) == (404, "NoSuchEntity")
