"""What every REST API view shares: running an operation as the request's principal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.request import Request

from iamconsole import operations, web
from iamconsole.actors import Actor, Source
from iamconsole.errors import MissingAuthenticationToken


def principal(request: Request) -> Actor:
    """The actor the request authenticated as (the ``IsSignedIn`` permission lets no other request through)."""
    actor = request.user
    if not isinstance(actor, Actor):
        raise MissingAuthenticationToken("Request is missing Authentication Token")
    return actor


def run(request: Request, name: str, params: Mapping[str, Any] | None = None) -> Any:
    """``operations.run`` as the authenticated principal, with this request's context (source ``api``)."""
    return operations.run(principal(request), name, params, request=web.request_context(request._request, Source.API))
