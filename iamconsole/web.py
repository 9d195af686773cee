"""What every face takes from a Django request: the client's address and the :class:`RequestContext` of the request.

The console, the REST API and the AWS Query API build the context that policies test (``aws:SourceIp``,
``aws:UserAgent``, ``aws:SecureTransport``, ``aws:CurrentTime``) and that the audit trail records in one place, so
the faces cannot disagree about where a request came from.

Behind a TLS-terminating proxy the peer of the connection is the proxy: the client's address then comes from
``X-Forwarded-For`` and its scheme from ``X-Forwarded-Proto``, but only as far as the hops are proxies listed in
``IAM_TRUSTED_PROXIES``; anything a client writes in those headers itself is ignored.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest

from iamconsole.actors import RequestContext, Source
from iamconsole.awsquery import sigv4
from iamconsole.errors import MalformedQueryString

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str | None) -> IpAddress | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _trusted(address: IpAddress, proxies: Sequence[IpNetwork]) -> bool:
    return any(address in network for network in proxies)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the peer of the connection is a listed proxy, whose forwarded headers may be believed."""
    peer = _address(request.META.get("REMOTE_ADDR"))
    return peer is not None and _trusted(peer, settings.IAM_TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer, or behind listed proxies the first ``X-Forwarded-For`` hop from the right
    that is not one of them (a malformed hop stops the walk at the last proxy)."""
    current = _address(request.META.get("REMOTE_ADDR"))
    if current is None:
        return None
    proxies = settings.IAM_TRUSTED_PROXIES
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    while hops and _trusted(current, proxies):
        forwarded = _address(hops.pop())
        if forwarded is None:
            break
        current = forwarded
    return str(current)


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


def wire_path(request: HttpRequest) -> str:
    """The request's path (with any script prefix) encoded as SigV4 tells clients to encode a path: every byte but
    the unreserved ``A-Z a-z 0-9 - _ . ~`` (and the slashes), so a user name ``a+b=c`` is ``a%2Bb%3Dc``.

    WSGI hands over the path decoded; this is the form every SigV4 client signs by AWS's own rule."""
    return quote(request.path, safe="/-_.~")


def signed_request(request: HttpRequest, body: bytes) -> sigv4.ReceivedRequest:
    """``request`` in SigV4's terms: its path as :func:`wire_path` encodes it, raw query, headers and body."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    return sigv4.ReceivedRequest(
        method=request.method or "GET",
        path=wire_path(request),
        query=query_string(request),
        headers=headers,
        body=body,
    )


def query_string(request: HttpRequest) -> str:
    """The raw query string as UTF-8 text, as AWS reads it.

    A WSGI server hands the query string over as ISO-8859-1 text (PEP 3333), so unescaped UTF-8 bytes from a client
    would arrive as ``cafÃ©``: the original bytes are recovered and decoded as UTF-8 (bad UTF-8 is
    ``MalformedQueryString``). Under ASGI, Django has already decoded them as UTF-8.
    """
    query = str(request.META.get("QUERY_STRING", ""))
    if not isinstance(request, WSGIRequest) or query.isascii():
        return query
    try:
        return query.encode("iso-8859-1").decode("utf-8")
    except UnicodeError:
        raise MalformedQueryString("The query string is not valid UTF-8.") from None
