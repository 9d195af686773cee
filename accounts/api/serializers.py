"""Serializers of ``/api/v1/audit-events/``: the LookupEvents filters a query string may give, and one event.

The filters are the operation's own parameters; the selector judges their values (an unknown outcome, a time that is
not ISO-8601, a start after the end), so the API's errors are the console's, with the field named.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class AuditEventFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of ``GET /api/v1/audit-events/``; paging is the paginator's."""

    actor_arn = serializers.CharField(required=False, help_text="Only events of the principal with this exact ARN.")
    event_name = serializers.CharField(required=False, help_text="Only calls of this operation (e.g. CreateUser).")
    resource_arn = serializers.CharField(required=False, help_text="Only events on the resource with this exact ARN.")
    outcome = serializers.CharField(required=False, help_text="success, denied or failed.")
    # DRF's metaclass takes declared fields out of the class, so these names do not shadow Field.read_only/source.
    read_only = serializers.BooleanField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None, help_text="true: reads only; false: writes only."
    )
    # Texts, not DateTimeFields: LookupEvents reads the time and names the field when it cannot.
    start_time = serializers.CharField(required=False, help_text="ISO-8601; events at or after it (UTC if no zone).")
    end_time = serializers.CharField(required=False, help_text="ISO-8601; events before it (UTC if no zone).")


class AuditEventSerializer(serializers.Serializer[Any]):
    """One audited call, as LookupEvents records it: its parameters are the stored ones, secrets redacted."""

    event_id = serializers.CharField(source="pk")
    event_time = serializers.DateTimeField(source="time")
    event_name = serializers.CharField()
    event_source = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The face the call came through: console, api, aws, ..."
    )
    actor_arn = serializers.CharField()
    resource_arn = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField()
    error_code = serializers.CharField(allow_blank=True)
    error_message = serializers.CharField(allow_blank=True)
    read_only = serializers.BooleanField()  # type: ignore[assignment]
    request_id = serializers.CharField()
    source_ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField(allow_blank=True)
    parameters = serializers.DictField(help_text="The call's parameters as stored: secrets redacted, long texts cut.")
    details = serializers.DictField()
