"""Verifying an OpenID Connect token for AssumeRoleWithWebIdentity.

Mirrors "AssumeRoleWithWebIdentity" and "Available keys for AWS OIDC federation" in the IAM User Guide: the token's
``iss`` must be the URL of an OIDC provider of the role's account; its signature (RS256/384/512, PS256/384/512,
ES256/384/512; never ``none`` nor a shared-secret HS*) is checked against the issuer's keys, found through
``ISSUER/.well-known/openid-configuration`` → ``jwks_uri`` over https (certificates checked against
``IAM_OIDC_CA_BUNDLE`` when set) and cached for ``IAM_OIDC_KEYS_CACHE_SECONDS``, or against the keys uploaded to the
provider (iamconsole's own, for installations without outbound network access); ``aud`` (or ``azp``) must be one of
the provider's client ids; ``exp``, ``nbf`` and ``iat`` are checked with :data:`CLOCK_SKEW` of leeway.

A valid token becomes the condition keys a trust policy can test (``HOST/PATH:aud``, ``:sub``, ``:amr``, ``:azp``,
``:oaud``), and its ``https://aws.amazon.com/tags`` and ``https://aws.amazon.com/source_identity`` claims become the
session's tags and source identity.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.conf import settings
from django.core.cache import cache

from accounts.models import Account
from iamconsole.errors import ExpiredTokenException, IDPCommunicationError, InvalidIdentityToken
from identities import selectors as identity_selectors
from identities.services.identity_providers import oidc_arn
from sts import domain

#: Signature algorithms accepted: public-key ones only, so a key published by the issuer can never be used as an HMAC
#: secret, and ``none`` is refused.
ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
#: Leeway on ``exp``, ``nbf`` and ``iat`` for clocks that disagree a little.
CLOCK_SKEW = 60
#: Discovery documents and key sets larger than this are refused, as no issuer needs more.
MAX_DOCUMENT_BYTES = 512 * 1024
FETCH_TIMEOUT_SECONDS = 5
TOKEN_MIN_LENGTH = 4
TOKEN_MAX_LENGTH = 20_000
TAGS_CLAIM = "https://aws.amazon.com/tags"
SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity"

INVALID_TOKEN_MESSAGE = (
    "The web identity token that was passed could not be validated by AWS. Get a new identity token from the "
    "identity provider and then retry the request."
)
COMMUNICATION_MESSAGE = (
    "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity "
    "documentation for requirements"
)


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """A token whose signature, issuer, audience and times held."""

    provider_arn: str
    #: The provider's URL as IAM keeps it (``HOST/PATH``), the prefix of its condition keys.
    provider_url: str
    subject: str
    audience: str
    claims: Mapping[str, Any]
    tags: Mapping[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None

    def condition_keys(self) -> dict[str, Any]:
        """The keys AWS fills from an OIDC token, prefixed with the provider's URL."""
        prefix = self.provider_url
        keys: dict[str, Any] = {
            f"{prefix}:sub": self.subject,
            f"{prefix}:aud": self.audience,
            "aws:FederatedProvider": self.provider_arn,
        }
        azp = self.claims.get("azp")
        if isinstance(azp, str):
            keys[f"{prefix}:azp"] = azp
            aud = self.claims.get("aud")
            keys[f"{prefix}:oaud"] = aud if isinstance(aud, str) else [str(a) for a in aud or ()]
        amr = self.claims.get("amr")
        if isinstance(amr, str):
            keys[f"{prefix}:amr"] = amr
        elif isinstance(amr, list):
            keys[f"{prefix}:amr"] = [str(a) for a in amr]
        return keys


def validate_token_text(token: Any) -> str:
    """``WebIdentityToken``: 4–20,000 characters (botocore's model)."""
    return domain.validate_credential_text(
        token, member="WebIdentityToken", field="web_identity_token", low=TOKEN_MIN_LENGTH, high=TOKEN_MAX_LENGTH
    )


def _invalid(message: str = INVALID_TOKEN_MESSAGE) -> InvalidIdentityToken:
    return InvalidIdentityToken(message, field="web_identity_token")


def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.IAM_OIDC_CA_BUNDLE)


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow an issuer's redirects only to other https URLs: keys fetched over plain http could be anyone's."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if urlsplit(newurl).scheme != "https":
            raise urllib.error.URLError("redirect away from https refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch_json(url: str) -> Any:
    """GET an https URL of the issuer and parse its JSON; ``IDPCommunicationError`` on any failure."""
    if urlsplit(url).scheme != "https":
        raise IDPCommunicationError(COMMUNICATION_MESSAGE)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (https only, above)
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_ssl_context()), _HttpsOnlyRedirects())
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError):
        raise IDPCommunicationError(COMMUNICATION_MESSAGE) from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise IDPCommunicationError(COMMUNICATION_MESSAGE)
    try:
        return json.loads(body)
    except ValueError:
        raise IDPCommunicationError(COMMUNICATION_MESSAGE) from None


def _cache_key(issuer: str) -> str:
    return "iam:oidc-jwks:" + hashlib.sha256(issuer.encode()).hexdigest()


def _fetch_keys(issuer: str) -> dict[str, Any]:
    """The issuer's JWKS through its discovery document (``jwks_uri``), fetched now."""
    discovery = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    jwks_uri = discovery.get("jwks_uri") if isinstance(discovery, dict) else None
    if not isinstance(jwks_uri, str):
        raise IDPCommunicationError(COMMUNICATION_MESSAGE)
    keys = _fetch_json(jwks_uri)
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise IDPCommunicationError(COMMUNICATION_MESSAGE)
    return keys


#: A key id the cached set does not know refetches the keys at most this often per issuer, so tokens with made-up
#: key ids cannot turn iamconsole into a flood of requests to the issuer.
REFRESH_INTERVAL_SECONDS = 60


def issuer_keys(issuer: str, *, refresh: bool = False) -> dict[str, Any] | None:
    """The issuer's JWKS, from the cache unless ``refresh`` (a key id the cached set does not know: a rotation);
    None when a refresh was asked for too soon after the last one."""
    key = _cache_key(issuer)
    if refresh:
        if not cache.add(f"{key}:refreshed", 1, timeout=REFRESH_INTERVAL_SECONDS):
            return None
    else:
        cached = cache.get(key)
        if isinstance(cached, dict):
            return cached
    keys = _fetch_keys(issuer)
    cache.set(key, keys, timeout=settings.IAM_OIDC_KEYS_CACHE_SECONDS)
    return keys


def _signing_key(jwks: Mapping[str, Any], kid: str | None, alg: str) -> jwt.PyJWK | None:
    """The key of ``jwks`` that signed the token: the one with its ``kid`` and a key type fit for ``alg``, or without
    a ``kid`` the only such key."""
    try:
        key_set = jwt.PyJWKSet.from_dict(dict(jwks))
    except jwt.PyJWTError:
        return None
    key_type = "EC" if alg.startswith("ES") else "RSA"
    candidates = [
        k
        for k in key_set.keys
        if k.key_type == key_type and (kid is None or k.key_id == kid) and k.public_key_use in (None, "sig")
    ]
    if kid is None and len(candidates) != 1:
        return None
    return candidates[0] if candidates else None


def _tags(claims: Mapping[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Session tags from the ``https://aws.amazon.com/tags`` claim: ``principal_tags`` (each value a list of one
    string) and ``transitive_tag_keys``."""
    claim = claims.get(TAGS_CLAIM)
    if claim is None:
        return {}, ()
    if not isinstance(claim, dict):
        raise _invalid("The https://aws.amazon.com/tags claim must be an object.")
    tags: dict[str, str] = {}
    for key, value in (claim.get("principal_tags") or {}).items():
        values = value if isinstance(value, list) else [value]
        if len(values) != 1 or not isinstance(values[0], str):
            raise _invalid(f"The session tag {key} must have exactly one string value.")
        tags[str(key)] = values[0]
    transitive = claim.get("transitive_tag_keys") or []
    if not isinstance(transitive, list):
        raise _invalid("transitive_tag_keys must be a list.")
    return tags, tuple(str(key) for key in transitive)


def verify_web_identity_token(*, account: Account, token: str, now: datetime) -> VerifiedToken:
    """Check ``token`` as AWS does for a role of ``account``; AWS's error for each way it can fail.

    ``InvalidIdentityToken`` for a token that is not a JWT, an algorithm other than :data:`ALGORITHMS`, an issuer
    that is no provider of the account, a bad signature, a token not yet valid or an audience that is not one of the
    provider's client ids; ``ExpiredTokenException`` past ``exp``; ``IDPCommunicationError`` when the issuer's keys
    cannot be fetched.
    """
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _invalid() from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise _invalid(f"The token's signature algorithm {alg!s} is not accepted.")
    issuer = unverified.get("iss")
    if not isinstance(issuer, str):
        raise _invalid("The token's issuer (iss) must be an https URL.")
    parts = urlsplit(issuer)
    if parts.scheme != "https" or not parts.hostname:
        raise _invalid("The token's issuer (iss) must be an https URL.")
    provider_url = f"{parts.netloc}{parts.path}".rstrip("/")
    provider_arn = oidc_arn(account.account_id, provider_url)
    provider = identity_selectors.find_open_id_connect_provider(account=account, arn=provider_arn)
    if provider is None:
        raise _invalid(f"No OpenIDConnect provider found in your account for {issuer}")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    if provider.jwks:
        key = _signing_key(provider.jwks, kid, alg)
    else:
        key = _signing_key(issuer_keys(issuer) or {}, kid, alg)
        if key is None:
            key = _signing_key(issuer_keys(issuer, refresh=True) or {}, kid, alg)
    if key is None:
        raise _invalid()
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            issuer=issuer,
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iat", "iss", "sub", "aud"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        exp = unverified.get("exp")
        raise ExpiredTokenException(
            f"Token expired: current date/time {int(now.timestamp())} must be before the expiration date/time {exp}",
            field="web_identity_token",
        ) from None
    except jwt.PyJWTError:
        raise _invalid() from None
    audience = _audience(claims, provider.client_ids)
    tags, transitive = _tags(claims)
    source_identity = claims.get(SOURCE_IDENTITY_CLAIM)
    return VerifiedToken(
        provider_arn=provider_arn,
        provider_url=provider_url,
        subject=str(claims["sub"]),
        audience=audience,
        claims=claims,
        tags=tags,
        transitive_tag_keys=transitive,
        source_identity=source_identity if isinstance(source_identity, str) else None,
    )


def _audience(claims: Mapping[str, Any], client_ids: list[str]) -> str:
    """The client id the token was issued to: ``azp`` when present (several audiences), else ``aud``; it must be one
    of the provider's client ids."""
    azp = claims.get("azp")
    aud = claims.get("aud")
    auds = [aud] if isinstance(aud, str) else [a for a in aud or () if isinstance(a, str)]
    if isinstance(azp, str) and azp in client_ids:
        return azp
    for candidate in auds:
        if candidate in client_ids:
            return candidate
    raise _invalid("Incorrect token audience")
