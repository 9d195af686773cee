"""The REST API against its own OpenAPI schema, with schemathesis: requests generated from ``/api/schema/`` for every
operation, SigV4-signed as an IAM user with broad permissions, bounded in examples and time. No answer may be a
server error or break the schema; every list endpoint answers 2xx to a plain request."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import requests
import schemathesis
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from iamconsole import operations
from iamconsole.actors import Actor
from iamconsole.restapi import shapes
from tests.faces.conftest import access_key, iam_user
from tests.identities.policy_factory import allow
from tests.identities.test_identity_providers import metadata

#: The whole run stays under about a minute: examples per operation, and a budget after which it stops generating.
EXAMPLES = 2
BUDGET_SECONDS = 45
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


class SigV4(requests.auth.AuthBase):
    """Signs a prepared request as SigV4 clients do: path and query encoded first, then botocore's signer."""

    def __init__(self, key: tuple[str, str]) -> None:
        self.credentials = Credentials(*key)

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(str(prepared.url))
        path = quote(unquote(parts.path), safe="/-_.~")
        query = urlencode(parse_qsl(parts.query, keep_blank_values=True), quote_via=quote, safe="-_.~")
        prepared.url = urlunsplit((parts.scheme, parts.netloc, path, query, ""))
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        headers = {"Content-Type": prepared.headers["Content-Type"]} if "Content-Type" in prepared.headers else {}
        request = AWSRequest(method=prepared.method, url=prepared.url, data=body or b"", headers=headers)
        SigV4Auth(self.credentials, "iam", "us-east-1").add_auth(request)
        for name in ("Authorization", "X-Amz-Date"):
            prepared.headers[name] = request.headers[name]
        return prepared


def _admin_session(account: Any) -> requests.Session:
    iam_user(account, "fuzzer", allow(["iam:*", "sts:*", "access-analyzer:*", "cloudtrail:LookupEvents"]))
    session = requests.Session()
    session.auth = SigV4(access_key(account, "fuzzer"))
    return session


def _schema(live_server: Any) -> Any:
    raw = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30).json()
    return schemathesis.openapi.from_dict(raw)


def _asks_for_input(operation: Any) -> bool:
    """A GET with a required query parameter is a question (who can…), not a list: a plain request is a 400."""
    return any(parameter.get("required") for parameter in operation.definition.raw.get("parameters", []))


def test_every_list_endpoint_answers_2xx_within_its_schema(live_server, account):
    session = _admin_session(account)
    # The singletons that answer NoSuchEntity, ReportNotPresent or FeatureDisabled until they exist, as in AWS.
    session.post(f"{live_server.url}/api/v1/credential-report/", timeout=30)
    operations.run(Actor.system(account.account_id), "CompleteCredentialReport", {})  # the worker's step
    session.put(f"{live_server.url}/api/v1/account/password-policy/", json={"minimum_password_length": 12}, timeout=30)
    session.put(f"{live_server.url}/api/v1/account/outbound-web-identity-federation/", timeout=30)
    schema = _schema(live_server)
    listed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or "{" in operation.path or _asks_for_input(operation):
            continue
        case = operation.Case()
        response = case.call(base_url=live_server.url, session=session)
        assert 200 <= response.status_code < 300, (operation.path, response.status_code, response.text[:300])
        case.validate_response(response, checks=CHECKS)
        listed.append(operation.path)
    assert {
        "/api/v1/users/",
        "/api/v1/roles/",
        "/api/v1/policies/",
        "/api/v1/groups/",
        "/api/v1/account/summary/",
    } <= set(listed)


def test_generated_requests_never_break_the_server_or_the_schema(live_server, account):
    session = _admin_session(account)
    schema = _schema(live_server)
    # ARNs in a path hold a slash, which no generated path segment can: those endpoints are fuzzed on real ones.
    saml = operations.run(account.root, "CreateSAMLProvider", {"name": "Okta", "saml_metadata_document": metadata()})
    oidc = operations.run(
        account.root, "CreateOpenIDConnectProvider", {"url": "https://idp.example.com", "thumbprint_list": ["a" * 40]}
    )
    mfa = operations.run(account.root, "CreateVirtualMFADevice", {"virtual_mfa_device_name": "fuzz"})
    arns = {
        "saml_provider_arn": shapes.shaped("CreateSAMLProvider", saml)["SAMLProviderArn"],
        "open_id_connect_provider_arn": shapes.shaped("CreateOpenIDConnectProvider", oidc)["OpenIDConnectProviderArn"],
        "serial_number": shapes.shaped("CreateVirtualMFADevice", mfa)["VirtualMFADevice"]["SerialNumber"],
    }
    deadline = time.monotonic() + BUDGET_SECONDS
    endpoints = [result.ok() for result in schema.get_all_operations()]
    tried = []
    for operation in endpoints:
        if time.monotonic() > deadline:
            break
        slashed = {
            parameter["name"]
            for parameter in operation.definition.raw.get("parameters", [])
            if parameter["in"] == "path" and "/" in parameter.get("schema", {}).get("pattern", "").replace("[^/]", "")
        }
        assert slashed <= set(arns), f"{operation.path}: give the fuzzer real values for {slashed - set(arns)}"
        fixed = {name: arns[name] for name in slashed}

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(path_parameters=fixed or None))
        def check(case: Any) -> None:
            response = case.call(base_url=live_server.url, session=session)
            case.validate_response(response, checks=CHECKS)

        check()
        tried.append(f"{operation.method.upper()} {operation.path}")
    elapsed = BUDGET_SECONDS - (deadline - time.monotonic())
    print(f"schemathesis: {len(tried)} of {len(endpoints)} operations in {elapsed:.0f} s")  # shown with -s
    # The budget is generous enough for every operation; a slower machine still checks a good share of them.
    assert len(tried) >= min(len(endpoints), 60), json.dumps(tried)
