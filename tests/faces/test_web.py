"""``iamconsole.web``: one request context for every face, from the Django request."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import RequestFactory

from iamconsole import web
from iamconsole.actors import Source


def test_the_context_holds_the_requests_facts():
    request = RequestFactory().get("/users", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="aws-cli/2", secure=True)
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    context = web.request_context(request, Source.CONSOLE, time=at, region="eu-west-1")
    assert context.source is Source.CONSOLE
    assert context.source_ip == "198.51.100.7"
    assert context.user_agent == "aws-cli/2"
    assert context.secure_transport is True
    assert (context.time, context.region) == (at, "eu-west-1")


def test_one_request_has_one_request_id():
    factory = RequestFactory()
    request = factory.get("/")
    first = web.request_context(request, Source.API)
    assert web.request_context(request, Source.API).request_id == first.request_id == web.request_id(request)
    assert web.request_id(factory.get("/")) != first.request_id


def test_plain_http_and_the_default_region():
    context = web.request_context(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1"), Source.QUERY)
    assert context.secure_transport is False
    assert context.region == "us-east-1"
    assert context.user_agent is None
    assert context.time.tzinfo is not None


def test_a_path_is_signed_as_sigv4_encodes_it():
    request = RequestFactory().get("/api/v1/users/a%2Bb%3Dc%40d/", QUERY_STRING="x=1")
    received = web.signed_request(request, b"")
    assert received.path == "/api/v1/users/a%2Bb%3Dc%40d/"
    assert (received.method, received.query, received.body) == ("GET", "x=1", b"")
