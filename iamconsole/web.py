"""What every face takes from a Django request: the client's address and the :class:`RequestContext` of the request.

The console, the REST API and the AWS Query API build the context that policies test (``aws:SourceIp``,
``aws:UserAgent``, ``aws:SecureTransport``, ``aws:CurrentTime``) and that the audit trail records in one place, so
the faces cannot disagree about where a request came from.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from django.http import HttpRequest

from iamconsole.actors import RequestContext, Source
from iamconsole.awsquery import sigv4


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request``: the peer address of the connection.

    Every face and the sign-in throttle read the client's address through this one function.
    """
    return request.META.get("REMOTE_ADDR") or None


def request_id(request: HttpRequest) -> str:
    """The id of this request, made once and kept on the request (audit records and responses show the same)."""
    value: str | None = getattr(request, "iam_request_id", None)
    if value is None:
        value = str(uuid.uuid4())
        request.iam_request_id = value  # type: ignore[attr-defined]
    return value


def request_context(
    request: HttpRequest, source: Source, *, time: datetime | None = None, region: str | None = None
) -> RequestContext:
    """The facts of ``request`` for authorization and the audit trail, as seen through the face ``source``."""
    return RequestContext(
        source=source,
        request_id=request_id(request),
        source_ip=client_ip(request),
        user_agent=request.headers.get("User-Agent"),
        secure_transport=request.is_secure(),
        time=time or datetime.now(UTC),
        **({"region": region} if region else {}),
    )


def signed_request(request: HttpRequest, body: bytes) -> sigv4.ReceivedRequest:
    """``request`` in SigV4's terms: its path (with any script prefix), raw query, headers and body.

    WSGI hands over the path decoded, so it is encoded again as SigV4 tells clients to encode a path (every byte but
    the unreserved ``A-Z a-z 0-9 - _ . ~``): a user name such as ``a+b=c`` is sent, and signed, as ``a%2Bb%3Dc``.
    """
    headers = {name.lower(): value for name, value in request.headers.items()}
    return sigv4.ReceivedRequest(
        method=request.method or "GET",
        path=quote(request.path, safe="/-_.~"),
        query=request.META.get("QUERY_STRING", ""),
        headers=headers,
        body=body,
    )
