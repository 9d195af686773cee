"""Cursor pagination of the REST API over the List operations' markers: ``{"results", "next", "previous"}``.

IAM's markers only go forward, so a cursor carries the markers that started each page so far: ``next`` adds the
marker of the page after this one, ``previous`` drops the last. The cursor is opaque to clients; ``page_size`` (1 to
1000, 100 when left out, as IAM's ``MaxItems``) stays in the query string from page to page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole import web
from iamconsole.errors import ValidationError

CURSOR = "cursor"
PAGE_SIZE = "page_size"


def _encode(trail: Sequence[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(trail)).encode()).decode()


def _decode(cursor: str) -> list[str]:
    try:
        trail = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise ValidationError("Invalid cursor.", field=CURSOR) from None
    if not isinstance(trail, list) or not trail or not all(isinstance(marker, str) and marker for marker in trail):
        raise ValidationError("Invalid cursor.", field=CURSOR)
    return trail


def _escape(text: str) -> str:
    return quote(text, safe="-_.~")


def page_schema(results: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI schema of a page whose ``results`` are described by ``results``."""
    return {
        "type": "object",
        "required": ["results", "next", "previous"],
        "properties": {
            "results": results,
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
        },
    }


class MarkerCursorPagination(BasePagination):
    """Pages of a List operation, addressed by cursors made of its markers.

    A view asks :meth:`params` for the ``marker`` and ``max_items`` to run the operation with, then answers with
    :meth:`response` given the page the operation returned (``is_truncated`` and ``marker``) and the rows.
    """

    def params(self, request: Request) -> dict[str, Any]:
        """``marker`` and ``max_items`` of the page the request asks for."""
        cursor = request.query_params.get(CURSOR)
        self.trail = _decode(cursor) if cursor else []
        self.request = request
        params: dict[str, Any] = {}
        if self.trail:
            params["marker"] = self.trail[-1]
        size = request.query_params.get(PAGE_SIZE)
        if size is not None:
            try:
                params["max_items"] = int(size)
            except ValueError:
                raise ValidationError(f"{PAGE_SIZE}: A valid integer is required.", field=PAGE_SIZE) from None
        return params

    def response(self, page: Any, results: Any) -> Response:
        """``{"results", "next", "previous"}`` for ``page`` (a ``Page`` of the List operation) and its rows."""
        following = self._link([*self.trail, page.marker]) if page.is_truncated else None
        previous = self._link(self.trail[:-1]) if self.trail else None
        return Response({"results": results, "next": following, "previous": previous})

    def _link(self, trail: Sequence[str]) -> str:
        """This request's URL for the page ``trail`` leads to (the first page when empty).

        Path and query are in SigV4's canonical form (every byte but ``A-Z a-z 0-9 - _ . ~`` encoded, the query
        sorted), so any client signs the link as it is given: Django's own URLs leave an ARN's colons raw but escape
        an ``=`` of the same segment, a mix no SigV4 signer reproduces, and write a space in the query as ``+``, which
        SigV4 reads as a plus; curl 7 signs the query in the order it is written.
        """
        request = self.request
        pairs = [(name, value) for name, values in request.query_params.lists() if name != CURSOR for value in values]
        if trail:
            pairs.append((CURSOR, _encode(trail)))
        query = "&".join(f"{name}={value}" for name, value in sorted((_escape(n), _escape(v)) for n, v in pairs))
        url = f"{request.scheme}://{request.get_host()}{web.wire_path(request._request)}"
        return f"{url}?{query}" if query else url

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return page_schema(schema)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": CURSOR,
                "in": "query",
                "required": False,
                "description": "The page to read, from a previous answer's next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE,
                "in": "query",
                "required": False,
                "description": "Results per page, 1 to 1000 (100 when left out).",
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
            },
        ]
