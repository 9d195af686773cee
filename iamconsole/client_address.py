"""The client of a Django request as policies, the audit trail and the sign-in throttle must see it.

Behind a TLS-terminating proxy the peer of the connection is the proxy: the client's address then comes from
``X-Forwarded-For`` and its scheme from ``X-Forwarded-Proto``, but only as far as the hops are proxies listed in
``IAM_TRUSTED_PROXIES``; anything a client writes in those headers itself is ignored. Every face builds its
``RequestContext`` here, so ``aws:SourceIp`` and ``aws:SecureTransport`` mean the same on each.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from iamconsole.actors import RequestContext, Source

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


def request_context(request: HttpRequest, source: Source, **facts: Any) -> RequestContext:
    """The ``RequestContext`` of a request to a face: the client's address, user agent and transport."""
    return RequestContext(
        source=source,
        source_ip=client_ip(request),
        user_agent=request.headers.get("User-Agent"),
        secure_transport=request.is_secure(),
        **facts,
    )
