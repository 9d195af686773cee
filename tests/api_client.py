"""A client of the REST API for tests over real HTTP: requests signed with botocore's SigV4 signer (service ``iam``)
or sent with a console session, any method, JSON bodies; answers as ``(status, body, response)``.

A path a test writes is encoded first, as SDKs encode the names they put in a path; a URL the API answered with (a
``next`` or ``previous`` link) is followed exactly as given. ``as_given=True`` sends paths unencoded too (an ARN's
colons raw), and ``transport="requests"`` sends through requests rather than urllib3; :func:`curl` signs with
``curl --aws-sigv4``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
import requests
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings

HTTP = urllib3.PoolManager(retries=False)


def encoded(path: str) -> str:
    """The path and query encoded as a SigV4 client sends them: every byte but ``A-Z a-z 0-9 - _ . ~`` (and the
    path's slashes) percent-encoded; what is already encoded stays so."""
    parts = urlsplit(path)
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True), quote_via=quote, safe="-_.~")
    return urlunsplit(("", "", quote(parts.path, safe="/-_.~%"), query, ""))


class Api:
    """Requests to the live server: signed with a key (and session token), or with a console session."""

    def __init__(
        self,
        base: str,
        key: tuple[str, str] | tuple[str, str, str] | None = None,
        session: str | None = None,
        service: str = "iam",
        *,
        as_given: bool = False,
        transport: Literal["urllib3", "requests"] = "urllib3",
    ) -> None:
        self.base, self.key, self.session, self.service = base, key, session, service
        self.as_given, self.transport = as_given, transport

    def request(
        self, method: str, path_or_url: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, Any]:
        if path_or_url.startswith("http"):
            url = path_or_url  # a link the API answered with: followed as it is
        else:
            url = self.base + (path_or_url if self.as_given else encoded(path_or_url))
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if self.key:
            if len(self.key) == 3:
                sent["X-Amz-Security-Token"] = self.key[2]
            request = AWSRequest(method=method, url=url, data=data, headers=sent)
            SigV4Auth(Credentials(*self.key[:2]), self.service, "us-east-1").add_auth(request)
            sent = dict(request.headers.items())
            url = str(request.url)
        if self.session:
            sent["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={self.session}"
        if self.transport == "requests":
            sent_by_requests = requests.request(method, url, data=data, headers=sent, timeout=30)
            return (
                sent_by_requests.status_code,
                _parsed(sent_by_requests.text, sent_by_requests.headers),
                sent_by_requests,
            )
        response = HTTP.request(method, url, body=data, headers=sent)
        return response.status, _parsed(response.data.decode(), response.headers), response

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any, Any]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any, Any]:
        return self.request("POST", path, {} if body is None else body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any, Any]:
        return self.request("PUT", path, {} if body is None else body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any, Any]:
        return self.request("PATCH", path, {} if body is None else body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> tuple[int, Any, Any]:
        return self.request("DELETE", path, **kwargs)


def _parsed(text: str, headers: Mapping[str, str]) -> Any:
    return json.loads(text) if "json" in headers.get("Content-Type", "") and text else text


def curl(key: tuple[str, str], url: str, *args: str) -> tuple[int, Any]:
    """``curl --aws-sigv4`` with ``key`` on ``url`` exactly as given (``args`` before it): status and JSON answer."""
    found = shutil.which("curl")
    if found is None:
        pytest.fail("curl is missing")
    command = [found, "-s", "-w", "\n%{http_code}", "--aws-sigv4", "aws:amz:us-east-1:iam", "--user", ":".join(key)]
    output = subprocess.run([*command, *args, url], capture_output=True, text=True, timeout=30, check=True).stdout
    body, _, status = output.rpartition("\n")
    return int(status), json.loads(body) if body else None


def names(body: dict[str, Any], key: str) -> list[Any]:
    """The ``key`` of every row of a page."""
    return [row[key] for row in body["results"]]


def signed(base: str, account: Any) -> Api:
    """A client signing with the account's root access key."""
    return Api(base, key=(account.access_key_id, account.secret_access_key))


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    """A policy document as a JSON object, as a REST client sends it."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


TRUST_EC2 = policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
ALLOW_S3 = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
