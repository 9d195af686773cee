"""Console pages of the audit trail: the event history (``/events``), one event, and the export of a filtered trail.

Every read goes through the ``LookupEvents`` operation (authorized as ``cloudtrail:LookupEvents``), so the REST API
can serve the same trail with the same filters. The list pages with a keyset marker (``Older events``) instead of page
numbers: each page is one indexed query however far back it goes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any, cast

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from iamconsole import console, operations
from iamconsole.errors import IamError, NoSuchEntity, ValidationError
from iamconsole.middleware import SignedInRequest, signin_required

TEMPLATE = "accounts/event_list.html"
DETAIL_TEMPLATE = "accounts/event_detail.html"
#: Rows on one page of the event history.
PER_PAGE = 50
#: Rows read per LookupEvents call while exporting (the operation's largest page).
EXPORT_BATCH = 1000
EXPORT_COLUMNS = (
    "event_id",
    "time",
    "principal",
    "operation",
    "event_source",
    "resource",
    "outcome",
    "error_code",
    "error_message",
    "source",
    "source_ip",
    "user_agent",
    "request_id",
    "read_only",
)


class EventFilterForm(forms.Form):
    """The filters of the event history; field names are LookupEvents' parameters."""

    actor_arn = forms.CharField(required=False, max_length=2048, label="Principal ARN")
    event_name = forms.CharField(required=False, max_length=128, label="Operation")
    resource_arn = forms.CharField(required=False, max_length=2048, label="Resource ARN")
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any outcome"), ("success", "Success"), ("denied", "Denied"), ("failed", "Failed")],
    )
    start_time = forms.DateTimeField(
        required=False, label="From (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end_time = forms.DateTimeField(
        required=False, label="Until (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    # As CloudTrail's event history, reads are left out unless asked for: every page view is a read itself.
    include_reads = forms.BooleanField(required=False, label="Include read-only events")

    def filters(self) -> dict[str, Any]:
        """The LookupEvents parameters the valid form asks for (times read as UTC, as the labels say)."""
        params: dict[str, Any] = {} if self.cleaned_data.get("include_reads") else {"read_only": False}
        for name, value in self.cleaned_data.items():
            if value in (None, "") or name == "include_reads":
                continue
            if name in ("start_time", "end_time"):
                value = value.replace(tzinfo=UTC)
            params[name] = value.strip() if isinstance(value, str) else value
        return params


def _filter_form(request: SignedInRequest) -> EventFilterForm:
    return EventFilterForm(request.GET)


def short_arn(arn: str, account_id: str) -> str:
    """An ARN of the signed-in account without its repeated prefix (``user/alice``, ``root``), as a table shows it;
    ARNs of other accounts and services whole."""
    prefix = f"arn:aws:iam::{account_id}:"
    return arn.removeprefix(prefix) if arn.startswith(prefix) and account_id else arn


def _context(request: SignedInRequest, form: EventFilterForm) -> dict[str, Any]:
    query = request.GET.copy()
    query.pop("marker", None)
    query.pop("format", None)
    return {
        "form": form,
        "query": query.urlencode(),
        "operation_names": sorted(operations.operations()),
        "filtered": any(form.data.get(name) for name in form.fields),
    }


@require_GET
@signin_required
def event_list(request: SignedInRequest) -> HttpResponse:
    """Event history: the newest events first, filtered, a page at a time with a marker for the older ones."""
    form = _filter_form(request)
    context = _context(request, form)
    if not form.is_valid():
        return console.page(request, TEMPLATE, "event-table", {**context, "events": None}, status=400)
    params = {**form.filters(), "max_items": PER_PAGE}
    marker = request.GET.get("marker")
    if marker:
        params["marker"] = marker
    try:
        page = console.run(request, "LookupEvents", params)
    except IamError as error:
        return console.render_error(request, error, TEMPLATE, "event-table", {**context, "events": None})
    older = None
    if page.is_truncated:
        query = request.GET.copy()
        query["marker"] = page.marker
        older = f"?{query.urlencode()}"
    newest = f"?{context['query']}" if marker else None
    account_id = request.actor.account_id
    for event in page.items:
        event.principal_short = short_arn(event.actor_arn, account_id)
        event.resource_short = short_arn(event.resource_arn, account_id)
    return console.page(
        request, TEMPLATE, "event-table", {**context, "events": page.items, "older_url": older, "newest_url": newest}
    )


@require_GET
@signin_required
def event_detail(request: SignedInRequest, event_id: int) -> HttpResponse:
    """One event: who did what to which resource, from where, its parameters (secrets redacted) and its error."""
    try:
        page = console.run(request, "LookupEvents", {"event_id": event_id, "max_items": 1})
        if not page.items:
            raise NoSuchEntity(f"The event {event_id} cannot be found.", field="event_id")
    except IamError as error:
        return console.render_error(request, error, DETAIL_TEMPLATE, "event", {"event": None})
    event = page.items[0]
    return console.page(
        request,
        DETAIL_TEMPLATE,
        "event",
        {
            "event": event,
            "parameters": json.dumps(event.parameters, indent=2, sort_keys=True, default=str),
            "details": json.dumps(event.details, indent=2, sort_keys=True, default=str) if event.details else "",
        },
    )


def _export_row(event: Any) -> dict[str, Any]:
    return {
        "event_id": event.pk,
        "time": event.time.astimezone(UTC).isoformat(),
        "principal": event.actor_arn,
        "operation": event.event_name,
        "event_source": event.event_source,
        "resource": event.resource_arn,
        "outcome": event.outcome,
        "error_code": event.error_code,
        "error_message": event.error_message,
        "source": event.source,
        "source_ip": event.source_ip or "",
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "read_only": event.read_only,
    }


def _pages(request: SignedInRequest, params: dict[str, Any], first: Any) -> Iterator[Any]:
    """The first page (read before the response starts, so a denial is still an error page), then the rest."""
    page = first
    while True:
        yield from page.items
        if not page.is_truncated:
            return
        page = console.run(request, "LookupEvents", {**params, "marker": page.marker})


def _csv_lines(rows: Iterator[Any]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for event in rows:
        writer.writerow(_export_row(event))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _json_chunks(rows: Iterator[Any]) -> Iterator[str]:
    yield "["
    for index, event in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(_export_row(event))
    yield "\n]\n"


@require_GET
@signin_required
def event_export(request: SignedInRequest) -> HttpResponse:
    """The filtered events as CSV (``format=csv``) or a JSON array (``format=json``), streamed, newest first."""
    form = _filter_form(request)
    export_format = request.GET.get("format", "csv")
    if not form.is_valid() or export_format not in ("csv", "json"):
        context = _context(request, form)
        if export_format not in ("csv", "json"):
            context["error"] = ValidationError(f"Unknown export format '{export_format}': choose csv or json.")
        return console.page(request, TEMPLATE, "event-table", {**context, "events": None}, status=400)
    params = {**form.filters(), "max_items": EXPORT_BATCH}
    try:
        first = console.run(request, "LookupEvents", params)
    except IamError as error:
        return console.render_error(request, error, TEMPLATE, "event-table", {**_context(request, form)})
    rows = _pages(request, params, first)
    if export_format == "json":
        response = StreamingHttpResponse(_json_chunks(rows), content_type="application/json")
    else:
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="events.{export_format}"'
    # signin_required's views answer HttpResponse; Django serves a streaming response through the same path.
    return cast(HttpResponse, response)
