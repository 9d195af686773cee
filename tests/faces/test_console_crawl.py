"""A robustness sweep of the web console, as an acceptance suite driving a browser would make it: a rich account is
crawled link by link as its root user, then as an IAM user without any permission and as one who may only read
(``iam:Get*``/``iam:List*``); list pages get hostile query strings. Whatever the input, the console answers a page or
a clear refusal, never a 500, and no GET changes data. (Garbage POSTs to console forms: tests/identities/
test_nul_characters.py keeps the cases a sweep of every form found.)"""

from __future__ import annotations

import hashlib
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.test import Client

from iamconsole import operations
from tests.console import signed_in
from tests.factories import (
    access_key,
    allow,
    attach,
    document,
    group,
    iam_user,
    login_profile,
    managed_policy,
    mfa_device,
    put_group_policy,
    role,
    user,
)
from tests.identities.test_identity_providers import metadata

MAX_PAGES = 400
SKIPPED_PREFIXES = ("/signout", "/static/", "/api/", "/aws", "/healthz", "/switchrole/back")
#: Text only an unexpected error page would hold.
DEBUG_TEXT = ("Traceback (most recent call last)", "Exception Value:", "Request Method:", "Server Error (500)")
#: Values only a reader of the rich account's entities can see: none of them is in any URL.
SECRETS = (
    "marker-tag-value-7f3",
    "Deploys the marker service",
    "marker:InlineOnlyAction",
    "marker:ManagedV3Action",
    "marker-oidc-client",
)
#: Tables a GET must never change and a refused POST must leave as they were (audit, sessions and counters excluded).
WATCHED_APPS = ("accounts", "identities", "policies")
UNWATCHED_MODELS = {
    "AuditEvent",
    "OutboxTask",
    "FailedAttempt",
    "UsedCode",
    "ServiceLastAccessedJob",
    "CredentialReport",
}

AWS_MANAGED = {"ManagedPolicy": "account__isnull", "PolicyVersion": "policy__account__isnull"}


class _Page(HTMLParser):
    """The links, forms, titles and headings of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, str, list[str]]] = []
        self.titles = 0
        self.h1s = 0
        self._form: tuple[str, str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        elif tag == "title":
            self.titles += 1
        elif tag == "h1":
            self.h1s += 1
        elif tag == "form":
            self._form = (values.get("method", "get").lower(), values.get("action", ""), [])
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea", "button"} and self._form is not None and values.get("name"):
            self._form[2].append(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def body(response: Any) -> str:
    """The text of a response, streamed (a CSV export) or not."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return str(raw.decode(errors="replace"))


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def same_origin(base: str, href: str) -> str | None:
    """The path and query of a link the crawl follows, or None for one it leaves alone."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def snapshot() -> str:
    """A digest of every row of the watched tables."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label not in WATCHED_APPS or model.__name__ in UNWATCHED_MODELS:
            continue
        rows = model._default_manager.order_by("pk")
        if model.__name__ in AWS_MANAGED:  # AWS's catalogue: thousands of rows no console form writes
            rows = rows.filter(**{AWS_MANAGED[model.__name__]: False})
        for row in rows.values():
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def crawl(client: Client, start: list[str]) -> dict[str, Any]:
    """Breadth-first over every same-origin link from ``start``: each URL with its response."""
    seen: dict[str, Any] = {}
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in parse(response.content.decode()).links:
            target = same_origin(url, href)
            if target is not None and target not in seen:
                queue.append(target)
    return seen


def check_html(url: str, response: Any) -> list[str]:
    """What is wrong with one crawled page."""
    problems = []
    if response.status_code >= 500:
        problems.append(f"{url}: {response.status_code}")
    if "text/html" in response.get("Content-Type", "") and response.status_code < 300:
        html = response.content.decode()
        page = parse(html)
        if page.titles != 1:
            problems.append(f"{url}: {page.titles} <title>")
        if page.h1s != 1:
            problems.append(f"{url}: {page.h1s} <h1>")
        problems += [f"{url}: debug text {text!r}" for text in DEBUG_TEXT if text in html]
    return problems


@pytest.fixture
def rich(account: Any, aws_managed_policies: None) -> Any:
    """An account with one of everything the console shows."""
    root = account.root
    operations.run(root, "CreateAccountAlias", {"account_alias": "crawl-corp"})
    operations.run(root, "UpdateAccountPasswordPolicy", {"minimum_password_length": 12, "require_symbols": True})
    boundary = managed_policy(account, "boundary", document(allow("s3:*")))
    versioned = managed_policy(account, "versioned", document(allow("s3:GetObject")))
    for action in ("s3:PutObject", "marker:ManagedV3Action"):
        params = {"policy_arn": versioned.arn, "policy_document": document(allow(action)), "set_as_default": True}
        operations.run(root, "CreatePolicyVersion", params)
    tags = [{"key": "k", "value": "marker-tag-value-7f3"}]
    operations.run(root, "TagPolicy", {"policy_arn": versioned.arn, "tags": tags})
    user(account, "alice", allow("marker:InlineOnlyAction"), tags={"team": "marker-tag-value-7f3"})
    access_key(account, "alice")
    access_key(account, "alice")
    mfa_device(account, "alice")
    login_profile(account, "alice", "Crawl-Password-1!")
    operations.run(root, "UploadSSHPublicKey", {"user_name": "alice", "ssh_public_key_body": ssh_key()})
    user(account, "bob", boundary=boundary.arn)
    group(account, "admins", members=("alice", "bob"))
    put_group_policy(account, "admins", document(allow("ec2:Describe*")))
    attach(account, versioned, group_name="admins")
    attach(account, versioned, user_name="alice")
    role(
        account,
        "deployer",
        policy_document=document(allow("s3:*")),
        tags={"owner": "marker-tag-value-7f3"},
        boundary=boundary.arn,
    )
    operations.run(root, "UpdateRole", {"role_name": "deployer", "description": "Deploys the marker service"})
    attach(account, versioned, role_name="deployer")
    operations.run(root, "CreateInstanceProfile", {"instance_profile_name": "web"})
    operations.run(root, "AddRoleToInstanceProfile", {"instance_profile_name": "web", "role_name": "deployer"})
    operations.run(root, "CreateServiceLinkedRole", {"aws_service_name": "elasticbeanstalk.amazonaws.com"})
    assumer = iam_user(account, "assumer", allow("sts:AssumeRole"))
    arn = f"arn:aws:iam::{account.account_id}:role/deployer"
    operations.run(assumer, "AssumeRole", {"role_arn": arn, "role_session_name": "crawl-session"})
    operations.run(root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    oidc = {"url": "https://token.example.com", "client_id_list": ["marker-oidc-client"], "thumbprint_list": ["a" * 40]}
    operations.run(root, "CreateOpenIDConnectProvider", oidc)
    return account


def ssh_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def browser() -> Client:
    """A client that answers an unexpected error with the 500 page, as a browser sees it, instead of raising."""
    return Client(raise_request_exception=False)


def root_pages(client: Client, account: Any) -> dict[str, Any]:
    return crawl(signed_in(browser(), account.root), ["/"])


def test_the_root_user_crawls_the_whole_console_without_an_error(rich: Any) -> None:
    before = snapshot()
    pages = root_pages(browser(), rich)
    assert len(pages) > 40, sorted(pages)
    problems = [problem for url, response in pages.items() for problem in check_html(url, response)]
    problems += [f"{url}: 404 for a rendered link" for url, response in pages.items() if response.status_code == 404]
    assert problems == []
    assert snapshot() == before, "a GET wrote"


def test_a_user_without_permissions_is_refused_everywhere(rich: Any) -> None:
    urls = list(root_pages(browser(), rich))
    nobody = signed_in(browser(), iam_user(rich, "nobody"))
    problems = []
    for url in urls:
        response = nobody.get(url)
        text = body(response)
        html = text if "text/html" in response.get("Content-Type", "") else ""
        if response.status_code not in {200, 302, 403}:
            problems.append(f"{url}: {response.status_code}")
        problems += [f"{url}: shows {secret!r}" for secret in SECRETS if secret in text]
        problems += [f"{url}: debug text" for text in DEBUG_TEXT if text in html]
    assert problems == []


def test_a_get_and_list_only_user_reads_and_is_refused_the_rest(rich: Any) -> None:
    urls = list(root_pages(browser(), rich))
    reader = signed_in(browser(), iam_user(rich, "lister", allow(["iam:Get*", "iam:List*"])))
    problems = []
    for url, response in crawl(reader, urls).items():
        if response.status_code not in {200, 302, 403}:
            problems.append(f"{url}: {response.status_code}")
        problems += check_html(url, response)
    assert problems == []


HOSTILE = (
    "<script>alert(1)</script>",
    "-1",
    "abc",
    "bogus",
    "garbage==",
    "x" * 5000,
    "%00",
    "\x00",
    "9" * 30,
)
LIST_PAGES = (
    "/users",
    "/groups",
    "/roles",
    "/policies",
    "/identity-providers",
    "/events",
    "/search",
    "/policies/simulator/actions",
    "/policies/editor/import",
)


def test_hostile_query_strings_are_answered_and_escaped(rich: Any) -> None:
    crawled = [url for url in root_pages(browser(), rich) if "?" in url]
    root = signed_in(browser(), rich.root)
    targets: list[tuple[str, dict[str, str]]] = []
    for page in LIST_PAGES:
        targets += [(page, {name: value}) for name in ("q", "page", "sort", "marker", "order") for value in HOSTILE]
    # Every query parameter the console itself renders, with each hostile value: once per page and parameter (a list
    # renders the same parameter in many links, such as a sort link per column, and each costs a page per value).
    tried: set[tuple[str, str]] = set()
    for url in crawled:
        path, query = url.split("?", 1)
        params = dict(parse_qsl(query))
        for name in params:
            if (path, name) not in tried:
                tried.add((path, name))
                targets += [(path, {**params, name: value}) for value in HOSTILE]
    problems = []
    for path, params in targets:
        response = root.get(path, params)
        html = body(response)
        where = f"{path}?{urlencode(params)[:80]}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        if "<script>alert(1)</script>" in html:
            problems.append(f"{where}: unescaped")
        problems += [f"{where}: debug text" for text in DEBUG_TEXT if text in html]
    assert problems == []
