"""Errors of the REST API: every error as ``{"code", "message", "field"}`` with the HTTP status of the other faces.

An ``IamError`` keeps its AWS code, message, field and status. DRF's own errors (no credentials, a malformed body, a
method the endpoint does not serve, an input serializer's complaint) are named as AWS names the same faults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from iamconsole import outages, web
from iamconsole.errors import (
    AccessDenied,
    IamError,
    InvalidClientTokenId,
    MissingAuthenticationToken,
    ServiceUnavailable,
    ValidationError,
)

#: DRF's error codes, named as AWS names the same fault.
_CODES = {
    "parse_error": "MalformedInput",
    "method_not_allowed": "MethodNotAllowed",
    "not_acceptable": "NotAcceptable",
    "unsupported_media_type": "UnsupportedMediaType",
    "throttled": "Throttling",
    "not_found": "NotFound",
}


def _first(detail: Any, field: str | None = None) -> tuple[str | None, str]:
    """The first field at fault and its first message, in a serializer's nested errors."""
    if isinstance(detail, Mapping):
        name, value = next(iter(detail.items()))
        return _first(value, field or (None if name == "non_field_errors" else str(name)))
    if isinstance(detail, list | tuple) and detail:
        return _first(detail[0], field)
    return field, str(detail)


def as_iam_error(exc: exceptions.APIException) -> IamError | None:
    """The ``IamError`` a DRF exception stands for, when it is one of AWS's faults."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return MissingAuthenticationToken("Request is missing Authentication Token")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return InvalidClientTokenId(str(exc.detail))
    if isinstance(exc, exceptions.PermissionDenied):
        return AccessDenied(str(exc.detail))
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first(exc.detail)
        return ValidationError(f"{field}: {message}" if field else message, field=field)
    return None


def error_body(exc: Exception) -> tuple[dict[str, Any], int] | None:
    """``({"code", "message", "field"}, status)`` for an ``IamError`` or a DRF error; None for anything else."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.APIException):
        error = as_iam_error(exc)
        if error is None:
            code = _CODES.get(str(exc.default_code), "InvalidRequest")
            return {"code": code, "message": str(exc.detail), "field": None}, exc.status_code
    elif isinstance(exc, IamError):
        error = exc
    elif isinstance(exc, outages.DATABASE_UNAVAILABLE):
        outages.log_database_problem(exc)
        error = ServiceUnavailable("The service is temporarily unavailable. Try again in a few seconds.")
    else:
        return None
    return {"code": error.code, "message": error.message, "field": error.field}, error.http_status


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: any ``IamError``, DRF error or database outage (``ServiceFailure``, 503) as JSON;
    anything else is a bug, left to DRF."""
    found = error_body(exc)
    if found is None:
        return None
    body, status = found
    response = Response(body, status=status)
    if status == ServiceUnavailable.http_status:
        response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    request = context.get("request")
    if request is not None:
        response["x-amzn-RequestId"] = web.request_id(request._request)
    return response
