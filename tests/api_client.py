"""A client of the REST API for tests over real HTTP: requests signed with botocore's SigV4 signer (service ``iam``)
or sent with a console session, any method, JSON bodies; answers as ``(status, body, response)``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

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
    ) -> None:
        self.base, self.key, self.session, self.service = base, key, session, service

    def request(
        self, method: str, path_or_url: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, Any]:
        if path_or_url.startswith("http"):
            # A next or previous link: its path as Django built it (an MFA serial's colons raw), encoded as clients do.
            parts = urlsplit(path_or_url)
            url = f"{parts.scheme}://{parts.netloc}" + encoded(urlunsplit(("", "", parts.path, parts.query, "")))
        else:
            url = self.base + encoded(path_or_url)
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
        response = HTTP.request(method, url, body=data, headers=sent)
        text = response.data.decode()
        parsed = json.loads(text) if "json" in response.headers.get("Content-Type", "") and text else text
        return response.status, parsed, response

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
