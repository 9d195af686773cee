"""The event history (``/events``): the audit trail through LookupEvents, filtered, paged by keyset, each event's
detail with its redacted parameters, and the streamed CSV and JSON exports; as root, a read-only user and a user
without permissions."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts import event_views
from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import AccessDenied, EntityAlreadyExists, ValidationError
from tests import factories
from tests.console import HTMX, signed_in
from tests.factories import iam_user


def operations_shown(response: Any) -> list[str]:
    return re.findall(r'<td class="operation">(\w+)', response.content.decode())


def test_the_trail_is_listed_newest_first_with_its_columns(root_client: Any, account: Any, other_account: Any) -> None:
    factories.user(account, "alice")
    factories.user(other_account, "mallory")
    response = root_client.get("/events")
    assert response.status_code == 200
    body = response.content.decode()
    assert operations_shown(response)[0] == "CreateUser"
    assert f"arn:aws:iam::{account.account_id}:user/alice" in body
    # Each principal and resource links to the history filtered by it.
    assert f'href="?resource_arn=arn%3Aaws%3Aiam%3A%3A{account.account_id}%3Auser/alice"' in body
    assert f'href="?actor_arn=arn%3Aaws%3Aiam%3A%3A{account.account_id}%3Aroot"' in body
    assert "mallory" not in body
    assert 'aria-current="page">Event history' in body


def test_filters_by_principal_operation_resource_outcome_and_time(root_client: Any, account: Any) -> None:
    alice = iam_user(account, "alice")
    with pytest.raises(AccessDenied):
        operations.run(alice, "CreateRole", {"role_name": "r", "assume_role_policy_document": "{}"})
    factories.user(account, "bob")
    by_actor = root_client.get("/events", {"actor_arn": alice.arn})
    assert operations_shown(by_actor) == ["CreateRole"]
    assert "Denied" in by_actor.content.decode()
    assert operations_shown(root_client.get("/events", {"outcome": "denied"})) == ["CreateRole"]
    by_name = root_client.get("/events", {"event_name": "CreateUser"})
    assert operations_shown(by_name) == ["CreateUser", "CreateUser"]
    resource = f"arn:aws:iam::{account.account_id}:user/bob"
    assert operations_shown(root_client.get("/events", {"resource_arn": resource})) == ["CreateUser"]
    later = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert operations_shown(root_client.get("/events", {"start_time": later})) == []
    assert "No event matches these filters." in root_client.get("/events", {"start_time": later}).content.decode()
    partial = root_client.get("/events", {"event_name": "CreateUser"}, **HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="event-table"')


def test_reads_are_left_out_unless_asked_for(root_client: Any, account: Any) -> None:
    factories.user(account, "alice")
    operations.run(account.root, "GetUser", {"user_name": "alice"})
    # The account's creation made its root access key: the oldest write.
    assert operations_shown(root_client.get("/events")) == ["CreateUser", "CreateAccessKey"]
    with_reads = operations_shown(root_client.get("/events", {"include_reads": "on"}))
    # The first page view's own LookupEvents is a read too.
    assert with_reads == ["LookupEvents", "GetUser", "CreateUser", "CreateAccessKey"]


def test_bad_filters_are_shown_not_crashed(root_client: Any, account: Any) -> None:
    response = root_client.get("/events", {"start_time": "yesterday", "outcome": "maybe"})
    assert response.status_code == 400
    assert response.content.decode().count('class="field-error"') == 2
    backwards = root_client.get("/events", {"start_time": "2026-02-01T00:00", "end_time": "2026-01-01T00:00"})
    assert backwards.status_code == 400
    assert "The start time must be before the end time." in backwards.content.decode()
    assert root_client.get("/events", {"marker": "bogus"}).status_code == 400


def test_pages_follow_the_keyset_marker(root_client: Any, account: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_views, "PER_PAGE", 3)
    for index in range(7):
        factories.user(account, f"user{index}")
    seen: list[str] = []
    url = "/events?event_name=CreateUser"
    while url:
        body = root_client.get(url).content.decode()
        seen += re.findall(r">user/(user\d)</a>", body)
        older = re.search(r'href="(\?[^"]*marker=[^"]+)" hx-get="[^"]+" rel="next"', body)
        url = "/events" + older.group(1).replace("&amp;", "&") if older else ""
    assert seen == [f"user{index}" for index in reversed(range(7))]


def test_the_detail_shows_redacted_parameters_and_the_error(root_client: Any, account: Any) -> None:
    factories.user(account, "alice")
    factories.login_profile(account, "alice", "Sup3r-Secret-Pass!")
    with pytest.raises(EntityAlreadyExists):
        operations.run(account.root, "CreateUser", {"user_name": "alice"})
    login = AuditEvent.objects.get(event_name="CreateLoginProfile")
    assert login.parameters["password"] == "***"
    body = root_client.get(f"/events/{login.pk}").content.decode()
    assert "Sup3r-Secret-Pass!" not in body
    assert "&quot;password&quot;: &quot;***&quot;" in body
    failed = AuditEvent.objects.get(event_name="CreateUser", outcome="failed")
    body = root_client.get(f"/events/{failed.pk}").content.decode()
    assert 'id="event-error"' in body and "EntityAlreadyExists" in body
    assert root_client.get("/events/999999999").status_code == 404


def test_an_event_of_another_account_is_not_found(root_client: Any, account: Any, other_account: Any) -> None:
    factories.user(other_account, "mallory")
    foreign = AuditEvent.objects.get(event_name="CreateUser", account_id_value=other_account.account_id)
    assert root_client.get(f"/events/{foreign.pk}").status_code == 404


def test_exports_stream_the_filtered_rows_as_csv_and_json(
    root_client: Any, account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_views, "EXPORT_BATCH", 2)  # several LookupEvents pages
    for index in range(5):
        factories.user(account, f"user{index}")
    response = root_client.get("/events/export", {"event_name": "CreateUser", "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="events.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["resource"].rsplit("/", 1)[1] for row in rows] == [f"user{i}" for i in reversed(range(5))]
    assert set(rows[0]) == set(event_views.EXPORT_COLUMNS)
    response = root_client.get("/events/export", {"event_name": "CreateUser", "format": "json"})
    data = json.loads(b"".join(response.streaming_content))
    assert len(data) == 5 and data[0]["operation"] == "CreateUser" and data[0]["outcome"] == "success"
    assert root_client.get("/events/export", {"format": "xml"}).status_code == 400


def test_a_read_only_user_reads_the_trail(reader_client: Any, account: Any) -> None:
    # AWS's ReadOnlyAccess grants cloudtrail:LookupEvents.
    response = reader_client.get("/events")
    assert response.status_code == 200
    assert "AttachUserPolicy" in operations_shown(response)
    assert reader_client.get("/events/export", {"format": "json"}).status_code == 200


def test_a_user_without_permissions_is_denied_the_trail_and_the_exports(client: Any, account: Any) -> None:
    nobody = signed_in(client, iam_user(account, "nobody"))
    event = AuditEvent.objects.filter(account_id_value=account.account_id).first()
    assert event is not None
    for url in ("/events", "/events/export?format=csv", f"/events/{event.pk}"):
        response = nobody.get(url)
        assert response.status_code == 403, url
        assert '<code class="missing-action">cloudtrail:LookupEvents</code>' in response.content.decode()
    assert AuditEvent.objects.filter(event_name="LookupEvents", outcome="denied").count() == 3


def test_lookup_events_refuses_bad_parameters(account: Any) -> None:
    with pytest.raises(ValidationError) as error:
        operations.run(account.root, "LookupEvents", {"outcome": "maybe"})
    assert error.value.field == "outcome"
    with pytest.raises(ValidationError):
        operations.run(account.root, "LookupEvents", {"event_id": "x"})
    with pytest.raises(ValidationError):
        operations.run(account.root, "LookupEvents", {"start_time": "not a time"})


def test_audit_parameters_redact_every_secret_and_cut_long_texts() -> None:
    redacted = operations.redacted_parameters(
        {
            "user_name": "alice",
            "new_password": "x",
            "old_password": "y",
            "authentication_code1": "123456",
            "token_code": "654321",
            "saml_metadata_document": "m" * 5000,
            "tags": [{"key": "k", "value": "v"}],
        }
    )
    assert redacted["user_name"] == "alice"
    assert {redacted[k] for k in ("new_password", "old_password", "authentication_code1", "token_code")} == {"***"}
    assert redacted["saml_metadata_document"].endswith("(5000 characters)")
    assert redacted["tags"] == [{"key": "k", "value": "v"}]


def test_audit_parameters_never_hold_a_nul_character() -> None:
    # PostgreSQL's JSON cannot store U+0000: a request refused for carrying one must still be recorded.
    redacted = operations.redacted_parameters({"policy_document": "a\x00b", "tags": [{"key\x00": "v\x00"}]})
    assert redacted == {"policy_document": "a\ufffdb", "tags": [{"key\ufffd": "v\ufffd"}]}
