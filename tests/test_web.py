"""The client behind a TLS-terminating proxy: X-Forwarded-For and X-Forwarded-Proto are believed from the proxies
IAM_TRUSTED_PROXIES lists and from no one else, for aws:SourceIp, aws:SecureTransport and the sign-in throttle."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from iamconsole import web
from iamconsole.middleware import TrustedProxyMiddleware
from tests.factories import make_account

PROXY = "10.0.0.7"
BEHIND_PROXY = override_settings(
    IAM_TRUSTED_PROXIES=(ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("127.0.0.1/32")),
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return web.client_ip(request)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() -> None:
    assert ip_of("198.51.100.4", "203.0.113.9") == "198.51.100.4"
    assert ip_of("not an address") is None


@BEHIND_PROXY
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (PROXY, "203.0.113.9", "203.0.113.9"),
        # Each listed proxy hop is skipped from the right; what the client wrote further left is not believed.
        (PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.8", "203.0.113.9"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        # A peer that is no listed proxy is the client, whatever it forwards.
        ("198.51.100.4", "203.0.113.9", "198.51.100.4"),
        # A malformed hop stops the walk at the last proxy.
        (PROXY, "203.0.113.9, garbage", PROXY),
        (PROXY, None, PROXY),
    ],
)
def test_behind_trusted_proxies(remote: str, forwarded: str | None, client: str) -> None:
    assert ip_of(remote, forwarded) == client


@BEHIND_PROXY
def test_forwarded_proto_is_believed_from_listed_proxies_only() -> None:
    seen: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.is_secure())
        return HttpResponse()

    for remote in (PROXY, "198.51.100.4"):
        TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO="https"))
    assert seen == [True, False]


@pytest.mark.django_db
def test_the_sign_in_throttle_counts_per_client_behind_a_proxy() -> None:
    make_account(email="owner@example.test", password="Correct-Horse-9")
    web = Client()

    def attempt(client_ip: str, password: str | None = None) -> int:
        return web.post(
            "/signin",
            {"email": "owner@example.test", "password": password or "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_ip,
        ).status_code

    with BEHIND_PROXY:
        assert [attempt("203.0.113.9") for _ in range(5)] == [401] * 5
        assert attempt("203.0.113.9", "Correct-Horse-9") == 429
        # Another client behind the same proxy is not locked out by the first one's failures.
        assert attempt("203.0.113.10", "Correct-Horse-9") == 302
