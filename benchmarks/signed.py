"""Query API calls signed with botocore's SigV4 as boto3 signs them, sent through Django's test client (the whole WSGI
stack and every middleware, in this process). Shared by the in-process benchmarks; needs Django set up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.test import Client

HOST = "testserver"
ADMIN_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
VERSIONS = {"iam": "2010-05-08", "sts": "2011-06-15"}


class Caller:
    """Signs Query API calls with botocore as boto3 does and sends them through the test client."""

    def __init__(self, client: Client, key: str, secret: str, token: str | None = None) -> None:
        self.client, self.credentials = client, Credentials(key, secret, token)

    def prepare(self, service: str, action: str, **params: str) -> Callable[[], Any]:
        """The call, signed now (outside the timing), to be sent by the returned function."""
        body = urlencode({"Action": action, "Version": VERSIONS[service], **params}).encode()
        request = AWSRequest(
            method="POST",
            url=f"http://{HOST}/aws",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        SigV4Auth(self.credentials, service, "us-east-1").add_auth(request)
        headers = {name: str(value) for name, value in request.headers.items() if name.lower() != "content-type"}

        def send() -> Any:
            response = self.client.post(
                "/aws",
                data=body,
                content_type="application/x-www-form-urlencoded; charset=utf-8",
                headers={"host": HOST, **headers},
            )
            assert response.status_code == 200, (action, response.status_code, response.content[:300])
            return response

        return send


def setup_caller(client: Client) -> tuple[Any, Caller, str]:
    """The benchmark's account, an IAM user allowed everything (root may not assume roles) and its key."""
    from accounts.management.commands.createaccount import create_account_with_key
    from accounts.models import Account
    from iamconsole import operations
    from iamconsole.actors import Actor

    created = create_account_with_key(alias=None, email=None, password=None)
    root = Actor.root(created["account_id"])
    operations.run(root, "CreateUser", {"user_name": "bench"})
    operations.run(root, "PutUserPolicy", {"user_name": "bench", "policy_name": "all", "policy_document": ADMIN_POLICY})
    key = operations.run(root, "CreateAccessKey", {"user_name": "bench"})
    account = Account.objects.get(account_id=created["account_id"])
    return account, Caller(client, key.access_key.access_key_id, key.secret_access_key), created["account_id"]
