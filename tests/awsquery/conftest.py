"""Fixtures for the Query API contract tests: a live server, credentials from ``createaccount``, boto3 clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from tests.factories import AccountFixture

REGION = "us-east-1"
ClientFactory = Callable[..., Any]
#: boto3.client, typed loosely: the service name is a parameter here, not a literal.
_boto3_client: Callable[..., Any] = boto3.client


@pytest.fixture
def endpoint(live_server: Any) -> str:
    return f"{live_server.url}/aws"


@pytest.fixture
def client(endpoint: str, account: AccountFixture) -> ClientFactory:
    """``client("iam")``: a boto3 client on the live server, signed with the account's root key unless told (a key, or
    the ``credentials`` an STS answer gave)."""

    def make(
        service: str,
        *,
        key: str | None = None,
        secret: str | None = None,
        token: str | None = None,
        validate: bool = True,
        url: str | None = None,
        credentials: dict[str, Any] | None = None,
    ) -> Any:
        if credentials is not None:
            key, secret = credentials["AccessKeyId"], credentials["SecretAccessKey"]
            token = credentials["SessionToken"]
        return _boto3_client(
            service,
            endpoint_url=url or endpoint,
            region_name=REGION,
            aws_access_key_id=key or account.access_key_id,
            aws_secret_access_key=secret or account.secret_access_key,
            aws_session_token=token,
            config=Config(parameter_validation=validate, retries={"max_attempts": 1}),
        )

    return make


@pytest.fixture
def iam(client: ClientFactory) -> Any:
    return client("iam")


@pytest.fixture
def raw(endpoint: str, account: AccountFixture) -> Callable[..., urllib3.BaseHTTPResponse]:
    """Send a form signed like boto3 signs it, optionally tampered with after signing (``mutate``)."""
    http = urllib3.PoolManager()

    def send(
        form: dict[str, str] | bytes,
        *,
        service: str = "iam",
        sign: bool = True,
        secret: str | None = None,
        mutate: Callable[[AWSRequest], None] | None = None,
        content_type: str | None = None,
        method: str = "POST",
    ) -> urllib3.BaseHTTPResponse:
        body = form if isinstance(form, bytes) else "&".join(f"{name}={value}" for name, value in form.items()).encode()
        request = AWSRequest(
            method=method,
            url=endpoint,
            data=body,
            headers={"Content-Type": content_type or "application/x-www-form-urlencoded"},
        )
        if sign:
            credentials = Credentials(account.access_key_id, secret or account.secret_access_key)
            SigV4Auth(credentials, service, REGION).add_auth(request)
        if mutate is not None:
            mutate(request)
        return http.request(
            method, request.url or endpoint, body=request.data, headers=dict(request.headers.items()), retries=False
        )

    return send
