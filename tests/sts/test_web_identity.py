"""AssumeRoleWithWebIdentity through ``operations.run``, against a real issuer served over https by the test.

The issuer's discovery document and keys are fetched over TLS checked against the test's own CA (the
``IAM_OIDC_CA_BUNDLE`` setting); tokens are signed by the test's keys.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from iamconsole import authentication, operations
from iamconsole.actors import Actor, ActorKind, RequestContext, Source
from iamconsole.errors import (
    AccessDenied,
    ExpiredTokenException,
    IDPCommunicationError,
    InvalidIdentityToken,
    InvalidInput,
    ValidationError,
)
from sts.awsapi import session_shape
from sts.models import StsSession
from tests.federation_idp import OidcIssuer, unsigned_token
from tests.sts.conftest import Env, policy

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcIssuer]:
    server = OidcIssuer(tmp_path_factory.mktemp("issuer"))
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _trust_the_issuer_ca(settings: Any, issuer: OidcIssuer) -> Iterator[None]:
    settings.IAM_OIDC_CA_BUNDLE = str(issuer.ca_bundle)
    cache.clear()
    issuer.serve_keys = True
    issuer.redirect_keys_to = None
    yield
    cache.clear()


def github_trust(provider_arn: str, prefix: str, sub: str = "repo:octo-org/octo-repo:ref:refs/heads/main") -> str:
    return policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{prefix}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{prefix}:sub": sub},
            },
        }
    )


def provider(env: Env, issuer: OidcIssuer, client_ids: tuple[str, ...] = ("sts.amazonaws.com",)) -> str:
    created = operations.run(
        env.root,
        "CreateOpenIDConnectProvider",
        {"url": issuer.url, "client_id_list": list(client_ids), "thumbprint_list": ["a" * 40]},
    )
    return str(created.arn)


def assume(role_arn: str, token: str, session_name: str = "gh-run", **params: Any) -> Any:
    return operations.run(
        Actor.anonymous(),
        "AssumeRoleWithWebIdentity",
        {"role_arn": role_arn, "role_session_name": session_name, "web_identity_token": token, **params},
        request=RequestContext(source=Source.QUERY, source_ip="203.0.113.7"),
    )


def test_a_github_token_assumes_the_role_it_is_trusted_by(env: Env, issuer: OidcIssuer) -> None:
    provider_arn = provider(env, issuer)
    role_arn = env.role("Deploy", github_trust(provider_arn, issuer.host_path))
    result = assume(role_arn, issuer.token())
    assert result.subject == "repo:octo-org/octo-repo:ref:refs/heads/main"
    assert result.audience == "sts.amazonaws.com"
    assert result.provider == issuer.url
    assert result.assumed.arn == f"arn:aws:sts::{env.account_id}:assumed-role/Deploy/gh-run"
    credentials = result.assumed.credentials
    session = authentication.resolve_access_key(credentials.access_key_id, credentials.session_token).actor
    assert session.kind is ActorKind.ROLE_SESSION and session.arn == result.assumed.arn
    # The keys were fetched through discovery, over https checked against the test's CA, then cached.
    assert issuer.requests[-2:] == [f"{issuer.path}/.well-known/openid-configuration", f"{issuer.path}/jwks"]
    fetched = len(issuer.requests)
    assume(role_arn, issuer.token(alg="ES256"), "gh-run-2")
    assert len(issuer.requests) == fetched
    # The session list and the audit trail name the provider's user.
    sessions = operations.run(env.root, "ListRoleSessions", {"role_name": "Deploy"})
    listed = next(s for s in sessions.items if s.access_key_id == credentials.access_key_id)
    shape = session_shape(listed)
    assert shape["IssuedTo"] == provider_arn and shape["RoleSessionName"] == "gh-run"
    assert shape["FederatedSubject"] == "repo:octo-org/octo-repo:ref:refs/heads/main"
    event = AuditEvent.objects.filter(event_name="AssumeRoleWithWebIdentity", outcome="success").first()
    assert event is not None and event.actor_arn == provider_arn and event.account_id_value == env.account_id
    assert event.details["userIdentity"]["type"] == "WebIdentityUser"
    assert event.details["assumedRoleArn"] == result.assumed.arn


def test_the_github_sub_condition_is_enforced(env: Env, issuer: OidcIssuer) -> None:
    provider_arn = provider(env, issuer)
    role_arn = env.role("Deploy", github_trust(provider_arn, issuer.host_path))
    with pytest.raises(AccessDenied):
        assume(role_arn, issuer.token(sub="repo:octo-org/octo-repo:ref:refs/heads/feature"))
    with pytest.raises(AccessDenied):
        assume(role_arn, issuer.token(sub="repo:evil-org/octo-repo:ref:refs/heads/main"))
    denied = AuditEvent.objects.filter(event_name="AssumeRoleWithWebIdentity", outcome="denied")
    assert denied.count() == 2 and {e.actor_arn for e in denied} == {provider_arn}
    wildcard = env.role("AnyBranch", github_trust(provider_arn, issuer.host_path, "repo:octo-org/octo-repo:*"))
    assert assume(wildcard, issuer.token(sub="repo:octo-org/octo-repo:ref:refs/heads/feature")).subject


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda i: i.token(lifetime=timedelta(minutes=-10)), ExpiredTokenException, "Token expired"),
        (lambda i: i.token(aud="someone-else"), InvalidIdentityToken, "Incorrect token audience"),
        (
            lambda i: i.token(key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
            InvalidIdentityToken,
            "could not be validated",
        ),
        (lambda i: i.token(issued=datetime.now(UTC) + timedelta(hours=1)), InvalidIdentityToken, "validated"),
        (lambda i: i.token()[:-8] + "AAAAAAAA", InvalidIdentityToken, "could not be validated"),
        (lambda i: "not.a.jwt", InvalidIdentityToken, "could not be validated"),
    ],
    ids=["expired", "wrong-audience", "wrongly-signed", "not-yet-valid", "tampered", "garbage"],
)
def test_bad_tokens_are_refused_with_aws_errors(
    env: Env, issuer: OidcIssuer, make: Any, error: type[Exception], message: str
) -> None:
    role_arn = env.role("Deploy", github_trust(provider(env, issuer), issuer.host_path))
    with pytest.raises(error, match=message):
        assume(role_arn, make(issuer))
    assert not StsSession.objects.exists()


def test_alg_none_and_hmac_tokens_are_refused(env: Env, issuer: OidcIssuer) -> None:
    role_arn = env.role("Deploy", github_trust(provider(env, issuer), issuer.host_path))
    claims = json.loads(json.dumps({"iss": issuer.url, "sub": "x", "aud": "sts.amazonaws.com", "exp": 2**40}))
    with pytest.raises(InvalidIdentityToken, match="algorithm none"):
        assume(role_arn, unsigned_token(claims))
    # An HMAC token "signed" with the issuer's public key, the classic confusion attack.
    hmac_token = jwt.encode({**claims, "iat": 0}, "public-key-material-used-as-an-hmac-secret", algorithm="HS256")
    with pytest.raises(InvalidIdentityToken, match="algorithm HS256"):
        assume(role_arn, hmac_token)


def test_an_issuer_that_is_no_provider_of_the_account_is_refused(env: Env, issuer: OidcIssuer) -> None:
    other = operations.run(
        env.root,
        "CreateOpenIDConnectProvider",
        {"url": "https://issuer.other.test", "client_id_list": ["sts.amazonaws.com"], "thumbprint_list": ["a" * 40]},
    )
    role_arn = env.role("Deploy", github_trust(str(other.arn), issuer.host_path))
    with pytest.raises(InvalidIdentityToken, match="No OpenIDConnect provider found in your account"):
        assume(role_arn, issuer.token())
    failed = AuditEvent.objects.get(event_name="AssumeRoleWithWebIdentity")
    assert failed.outcome == "failed" and failed.error_code == "InvalidIdentityToken"
    assert failed.account_id_value == env.account_id


def test_unreachable_keys_are_an_idp_communication_error(env: Env, issuer: OidcIssuer) -> None:
    role_arn = env.role("Deploy", github_trust(provider(env, issuer), issuer.host_path))
    issuer.serve_keys = False
    with pytest.raises(IDPCommunicationError):
        assume(role_arn, issuer.token())


def test_keys_are_fetched_over_https_only(env: Env, issuer: OidcIssuer) -> None:
    role_arn = env.role("Deploy", github_trust(provider(env, issuer), issuer.host_path))
    keys = json.dumps(issuer.jwks()).encode()

    class PlainHttp(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(keys)))
            self.end_headers()
            self.wfile.write(keys)

    plain = ThreadingHTTPServer(("127.0.0.1", 0), PlainHttp)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    try:
        # The right keys, but over plain http: a redirect there is not followed.
        issuer.redirect_keys_to = f"http://127.0.0.1:{plain.server_address[1]}/jwks"
        with pytest.raises(IDPCommunicationError):
            assume(role_arn, issuer.token())
    finally:
        plain.shutdown()
        plain.server_close()
    issuer.redirect_keys_to = f"{issuer.url}/moved-keys"  # https to https is followed (404 there: still an error)
    with pytest.raises(IDPCommunicationError):
        assume(role_arn, issuer.token())
    assert issuer.requests[-1] == f"{issuer.path}/moved-keys"


def test_an_untrusted_issuer_certificate_is_an_idp_communication_error(
    env: Env, issuer: OidcIssuer, settings: Any
) -> None:
    settings.IAM_OIDC_CA_BUNDLE = None  # the system's CAs do not know the test's CA
    role_arn = env.role("Deploy", github_trust(provider(env, issuer), issuer.host_path))
    with pytest.raises(IDPCommunicationError):
        assume(role_arn, issuer.token())


def test_a_rotated_key_is_fetched_once_and_made_up_key_ids_do_not_flood_the_issuer(
    env: Env, issuer: OidcIssuer
) -> None:
    role_arn = env.role("Deploy", github_trust(provider(env, issuer), issuer.host_path))
    assume(role_arn, issuer.token())
    issuer.rotate()
    before = len(issuer.requests)
    assert assume(role_arn, issuer.token(), "after-rotation").subject
    assert len(issuer.requests) == before + 2  # discovery and keys, once
    issuer.rotate()  # a second unknown key id within the minute: no refetch, refused
    with pytest.raises(InvalidIdentityToken):
        assume(role_arn, issuer.token(), "too-soon")
    assert len(issuer.requests) == before + 2


def test_uploaded_keys_need_no_network(env: Env, issuer: OidcIssuer, tmp_path: Any) -> None:
    provider_arn = provider(env, issuer)
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(issuer.jwks()))
    call_command("setoidckeys", provider_arn, str(jwks_file), stdout=StringIO())
    role_arn = env.role("Deploy", github_trust(provider_arn, issuer.host_path))
    issuer.serve_keys = False
    before = len(issuer.requests)
    assert assume(role_arn, issuer.token()).subject
    assert len(issuer.requests) == before
    # Keys that are not a JWKS are refused; --clear goes back to fetching.
    with pytest.raises(InvalidInput, match="JWKS"):
        operations.run(
            env.root,
            "SetOpenIDConnectProviderKeys",
            {"open_id_connect_provider_arn": provider_arn, "keys": '{"keys": "nope"}'},
        )
    call_command("setoidckeys", provider_arn, "--clear", stdout=StringIO())
    with pytest.raises(IDPCommunicationError):
        assume(role_arn, issuer.token(), "after-clear")
    with pytest.raises(CommandError, match="NoSuchEntity"):
        call_command("setoidckeys", provider_arn.replace("localhost", "elsewhere"), "--clear", stdout=StringIO())


def test_tags_and_source_identity_come_from_the_token(env: Env, issuer: OidcIssuer) -> None:
    provider_arn = provider(env, issuer)
    trust = json.loads(github_trust(provider_arn, issuer.host_path))
    trust["Statement"][0]["Action"] = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"]
    role_arn = env.role("Deploy", json.dumps(trust))
    claims: dict[str, Any] = {
        "https://aws.amazon.com/tags": {"principal_tags": {"team": ["platform"]}, "transitive_tag_keys": ["team"]},
        "https://aws.amazon.com/source_identity": "octocat",
    }
    token = issuer.token(**claims)
    result = assume(role_arn, token)
    assert result.assumed.source_identity == "octocat"
    row = StsSession.objects.get(access_key_id=result.assumed.credentials.access_key_id)
    assert row.session_tags == {"team": "platform"} and row.transitive_tag_keys == ["team"]


def test_provider_id_is_refused_and_the_role_must_exist(env: Env, issuer: OidcIssuer) -> None:
    provider_arn = provider(env, issuer)
    with pytest.raises(AccessDenied, match="Not authorized to perform sts:AssumeRoleWithWebIdentity"):
        assume(f"arn:aws:iam::{env.account_id}:role/Missing", issuer.token())
    role_arn = env.role("Deploy", github_trust(provider_arn, issuer.host_path))
    with pytest.raises(InvalidInput):
        assume(role_arn, issuer.token(), provider_id="www.amazon.com")
    with pytest.raises(ValidationError, match="roleArn"):
        assume("", issuer.token())
    with pytest.raises(ValidationError, match="webIdentityToken"):
        assume(role_arn, "")
