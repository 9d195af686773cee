"""Fixtures shared by every test: accounts with root credentials, actors, request contexts, an OIDC issuer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in the main thread

import pytest
from django.core.cache import cache

from iamconsole.actors import Actor, RequestContext, Source
from tests.factories import AccountFixture, make_account
from tests.federation_idp import OidcIssuer

__all__ = ["AccountFixture", "make_account"]  # many modules import them from here

#: root_client, reader_client and nobody_client, for every console test.
pytest_plugins = ["tests.console_fixtures"]

DB_FIXTURES = {"db", "transactional_db", "live_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the database gets both connections: ``default`` and ``attempts``, the autocommit
    connection that attempt limits are counted through (``accounts.routers``), which sign-in and MFA use."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        kwargs = {**(marker.kwargs if marker else {}), "databases": "__all__"}
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


@pytest.fixture
def account(db: Any) -> AccountFixture:
    """A fresh account with its root user and one root access key."""
    return make_account()


@pytest.fixture
def other_account(db: Any) -> AccountFixture:
    """A second account, to check that nothing crosses accounts."""
    return make_account()


@pytest.fixture
def api(live_server: Any, account: AccountFixture) -> Any:
    """A REST API client over real HTTP, signing with the account's root access key."""
    from tests.api_client import signed

    return signed(live_server.url, account)


@pytest.fixture
def request_context() -> RequestContext:
    return RequestContext(source=Source.API, source_ip="203.0.113.10", user_agent="pytest")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


#: Debian's chromium (Playwright cannot download its own here); `make test` installs it when missing.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's browser is Debian's chromium, headless; a missing browser fails the run, never skips it."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (make test does)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture
def aws_managed_policies(account: AccountFixture) -> None:
    """The AWS managed policy catalogue in the database, as ``make migrate`` puts it there (reads never load it)."""
    from iamconsole import operations

    operations.run(Actor.system(), "SyncAwsManagedPolicies")


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcIssuer]:
    """An OpenID Connect issuer served over https by the test, for a module's federation tests."""
    server = OidcIssuer(tmp_path_factory.mktemp("issuer"), path="/actions")
    yield server
    server.close()


@pytest.fixture
def trusted_issuer(settings: Any, issuer: OidcIssuer) -> OidcIssuer:
    """``issuer``, its CA trusted for the discovery and key fetches, nothing of another test's cached."""
    settings.IAM_OIDC_CA_BUNDLE = str(issuer.ca_bundle)
    cache.clear()
    return issuer
