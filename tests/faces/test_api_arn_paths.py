"""Endpoints that name an ARN in their path (identity providers, MFA devices), followed as a client gets them: the
ARN from an answer put in the URL as it is, and ``next``/``previous`` links as answered, never encoded by the test.
Each is signed three ways: botocore's SigV4Auth over urllib3, the same over requests, and ``curl --aws-sigv4``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamconsole import operations
from tests import factories
from tests.api_client import Api, curl
from tests.factories import mfa_device
from tests.identities.test_identity_providers import metadata

CLIENTS = ["urllib3", "requests", "curl"]
TAGS = [{"key": f"k{n}", "value": "v"} for n in range(3)]


class Client:
    """One way of signing and sending: URLs and links are used exactly as given."""

    def __init__(self, kind: str, base: str, key: tuple[str, str]) -> None:
        self.kind, self.base, self.key = kind, base, key
        self.api = None if kind == "curl" else Api(base, key=key, as_given=True, transport=kind)  # type: ignore[arg-type]

    def call(self, method: str, path_or_url: str, body: Any = None) -> tuple[int, Any]:
        url = path_or_url if path_or_url.startswith("http") else self.base + path_or_url
        if self.api is not None:
            status, answer, _ = self.api.request(method, url, body)
            return status, answer
        args = ["-X", method]
        if body is not None:
            args += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
        return curl(self.key, url, *args)

    def get(self, path_or_url: str) -> Any:
        status, answer = self.call("GET", path_or_url)
        assert status == 200, (path_or_url, answer)
        return answer


@pytest.fixture(params=CLIENTS)
def client(request, live_server, account) -> Client:
    return Client(request.param, live_server.url, (account.access_key_id, account.secret_access_key))


def walk(client: Client, first: str, key: str) -> list[Any]:
    """Every row of a listing read a page at a time through ``next``, then back through ``previous``."""
    pages = [client.get(first)]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]))
    assert len(pages) > 1, "one page only: nothing was followed"
    for earlier, later in zip(reversed(pages[:-1]), reversed(pages[1:]), strict=True):
        assert client.get(later["previous"])["results"] == earlier["results"]
    return [row[key] for page in pages for row in page["results"]]


def _tagged(account: Any, kind: str, **name: str) -> None:
    operations.run(account.root, f"Tag{kind}", {**{k: v for k, v in name.items()}, "tags": TAGS})


def test_virtual_mfa_device(client, account):
    status, device = client.call(
        "POST", "/api/v1/mfa-devices/", {"virtual_mfa_device_name": "d=1,x@y+z", "path": "/team+a/"}
    )
    assert status == 201, device
    serial = device["serial_number"]
    assert serial == f"arn:aws:iam::{account.account_id}:mfa/team+a/d=1,x@y+z"
    client.call("POST", "/api/v1/mfa-devices/", {"virtual_mfa_device_name": "second"})
    url = f"/api/v1/mfa-devices/{serial}/"
    assert client.call("POST", f"{url}tags/", {"tags": TAGS})[0] == 204
    assert walk(client, f"{url}tags/?page_size=1", "key") == ["k0", "k1", "k2"]
    # The link in SigV4's canonical form: every byte but A-Z a-z 0-9 - _ . ~ encoded, the query sorted.
    link = client.get(f"{url}tags/?page_size=1")["next"]
    encoded_serial = f"arn%3Aaws%3Aiam%3A%3A{account.account_id}%3Amfa/team%2Ba/d%3D1%2Cx%40y%2Bz"
    assert link.startswith(f"{client.base}/api/v1/mfa-devices/{encoded_serial}/tags/?cursor=")
    assert link.endswith("&page_size=1")
    assert len(walk(client, "/api/v1/mfa-devices/?page_size=1", "serial_number")) == 2
    assert client.call("DELETE", f"{url}tags/?tag_keys=k1")[0] == 204
    assert [tag["key"] for tag in client.get(f"{url}tags/")["results"]] == ["k0", "k2"]
    assert client.call("DELETE", url)[0] == 204
    status, answer = client.call("DELETE", url)
    assert (status, answer["code"]) == (404, "NoSuchEntity")


def test_a_users_mfa_device(client, account):
    factories.user(account, "ops+ci=1", path="/a+b/")
    factories.user(account, "ops,2", path="/a+b/")
    serial, _ = mfa_device(account, "ops+ci=1")
    url = f"/api/v1/users/ops+ci=1/mfa-devices/{serial}/"
    assert client.get(url)["serial_number"] == serial
    assert [row["serial_number"] for row in client.get("/api/v1/users/ops+ci=1/mfa-devices/")["results"]] == [serial]
    # A query value that SigV4 encodes travels in the links too (written here as curl 7 needs it: encoded, sorted).
    assert walk(client, "/api/v1/users/?page_size=1&path_prefix=%2Fa%2Bb%2F", "user_name") == ["ops+ci=1", "ops,2"]
    _tagged(account, "User", user_name="ops+ci=1")
    assert walk(client, "/api/v1/users/ops+ci=1/tags/?page_size=2", "key") == ["k0", "k1", "k2"]
    assert client.call("DELETE", url)[0] == 204
    assert client.get("/api/v1/users/ops+ci=1/mfa-devices/")["results"] == []


def test_saml_provider(client, account):
    status, created = client.call(
        "POST", "/api/v1/identity-providers/saml/", {"name": "Corp.idp_1", "saml_metadata_document": metadata()}
    )
    assert status == 201, created
    arn = created["saml_provider_arn"]
    assert arn == f"arn:aws:iam::{account.account_id}:saml-provider/Corp.idp_1"
    url = f"/api/v1/identity-providers/saml/{arn}/"
    assert client.get(url)["saml_metadata_document"] == metadata()
    _tagged(account, "SAMLProvider", saml_provider_arn=arn)
    assert walk(client, f"{url}tags/?page_size=1", "key") == ["k0", "k1", "k2"]
    assert client.call("DELETE", url)[0] == 204
    status, answer = client.call("GET", url)
    assert (status, answer["code"]) == (404, "NoSuchEntity")


def test_oidc_provider(client, account):
    status, created = client.call(
        "POST",
        "/api/v1/identity-providers/oidc/",
        {"url": "https://idp.example.com/tenant+a/b=1", "client_id_list": ["app:1"], "thumbprint_list": ["a" * 40]},
    )
    assert status == 201, created
    arn = created["open_id_connect_provider_arn"]
    assert arn == f"arn:aws:iam::{account.account_id}:oidc-provider/idp.example.com/tenant+a/b=1"
    url = f"/api/v1/identity-providers/oidc/{arn}/"
    assert client.get(url)["client_id_list"] == ["app:1"]
    assert client.call("POST", f"{url}client-ids/", {"client_id": "app=2"})[0] == 204
    assert client.call("DELETE", f"{url}client-ids/app:1/")[0] == 204
    assert client.get(url)["client_id_list"] == ["app=2"]
    _tagged(account, "OpenIDConnectProvider", open_id_connect_provider_arn=arn)
    assert walk(client, f"{url}tags/?page_size=2", "key") == ["k0", "k1", "k2"]
    assert client.call("DELETE", url)[0] == 204
    status, answer = client.call("GET", url)
    assert (status, answer["code"]) == (404, "NoSuchEntity")
