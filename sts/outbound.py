"""Outbound web identity federation: GetWebIdentityToken's JWTs, and the issuer's discovery document and keys.

An account that enabled the feature (IAM's EnableOutboundWebIdentityFederation) has an issuer URL of its own; its
principals may ask STS for a JWT asserting who they are, signed with one of the account's keys (``RS256`` with RSA
2048, or ``ES384`` with P-384, as AWS offers), which a relying party verifies with the public keys the issuer
publishes at ``ISSUER/.well-known/jwks.json`` (found through ``ISSUER/.well-known/openid-configuration``). Claims
follow "Understanding token claims" in the IAM User Guide: ``iss``, ``sub`` (the caller's ARN, the role's for a role
session), ``aud``, ``iat``, ``exp``, ``jti``, and AWS's own under the ``https://sts.amazonaws.com/`` namespace
(``aws_account``, ``source_region``, ``principal_id``, ``principal_tags``, ``request_tags``).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import crypto
from iamconsole.actors import Actor, ActorKind
from iamconsole.domain import validate_tags
from iamconsole.errors import (
    JWTPayloadSizeExceededException,
    NoSuchEntity,
    OutboundWebIdentityFederationDisabledException,
    SessionDurationEscalationException,
    ValidationError,
    constraint_error,
)
from identities.models import AccountIamSettings
from sts.domain import validate_duration, validate_length
from sts.models import OutboundSigningKey

#: AWS's namespace for its own claims.
AWS_CLAIMS = "https://sts.amazonaws.com/"
ALGORITHMS = ("RS256", "ES384")
MIN_DURATION = 60
MAX_DURATION = 3_600
DEFAULT_DURATION = 300
MAX_AUDIENCES = 10
AUDIENCE_MAX_LENGTH = 1_000
#: AWS does not publish its payload limit; ours leaves room for fifty short tags (the number allowed) and refuses
#: payloads no relying party should have to read.
MAX_PAYLOAD_BYTES = 8_192
DISABLED_MESSAGE = "Outbound web identity federation is not enabled for this account."
#: Where the issuer's documents are served, below the issuer URL.
DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True, slots=True)
class WebIdentityToken:
    """GetWebIdentityToken's answer."""

    token: str
    expiration: datetime


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """GetWebIdentityToken's parameters, checked."""

    audiences: tuple[str, ...]
    algorithm: str
    duration: int
    tags: dict[str, str]


def _check_subject_mode(subject_mode: Any, scope: Any) -> None:
    """``SubjectMode=OriginIdentity`` needs a trusted identity propagation context, which no iamconsole session
    carries: AWS rejects such a request with a validation error, and ``Scope`` is only allowed with it."""
    if subject_mode not in (None, "AWSIdentity", "OriginIdentity"):
        raise constraint_error(
            "SubjectMode", subject_mode, "Member must satisfy enum value set: [AWSIdentity, OriginIdentity]",
            field="subject_mode",
        )  # fmt: skip
    if subject_mode == "OriginIdentity":
        raise ValidationError(
            "SubjectMode OriginIdentity requires the calling session's trusted identity propagation context to contain "
            "aws:OriginIdentity/Subject; this session has none.",
            field="subject_mode",
        )
    if scope is not None:
        raise ValidationError("Scope may be specified only when SubjectMode is OriginIdentity.", field="scope")


def token_request(
    *,
    audience: Any,
    signing_algorithm: Any,
    duration_seconds: Any = None,
    tags: Any = None,
    subject_mode: Any = None,
    scope: Any = None,
) -> TokenRequest:
    """Check GetWebIdentityToken's parameters against botocore's model (``ValidationError``)."""
    _check_subject_mode(subject_mode, scope)
    if not isinstance(audience, Sequence) or isinstance(audience, str) or not audience:
        raise constraint_error("Audience", None, "Member must have length greater than or equal to 1", field="audience")
    if len(audience) > MAX_AUDIENCES:
        raise constraint_error(
            "Audience", "[…]", f"Member must have length less than or equal to {MAX_AUDIENCES}", field="audience"
        )
    for value in audience:
        validate_length(value, member="Audience", field="audience", low=1, high=AUDIENCE_MAX_LENGTH)
    if signing_algorithm not in ALGORITHMS:
        raise ValidationError(
            f"Unsupported signing algorithm {signing_algorithm}: use one of {', '.join(ALGORITHMS)}.",
            field="signing_algorithm",
        )
    duration = validate_duration(duration_seconds, low=MIN_DURATION, high=MAX_DURATION)
    return TokenRequest(
        audiences=tuple(dict.fromkeys(audience)),
        algorithm=str(signing_algorithm),
        duration=DEFAULT_DURATION if duration is None else duration,
        tags=validate_tags(tags),
    )


def _enabled_issuer(account: Account) -> str:
    settings = AccountIamSettings.objects.filter(account=account).first()
    if settings is None or not settings.outbound_federation_enabled:
        raise OutboundWebIdentityFederationDisabledException(DISABLED_MESSAGE)
    return settings.outbound_issuer


def _new_private_key(algorithm: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65_537, key_size=2_048)
    return ec.generate_private_key(ec.SECP384R1())


def _signing_key(account: Account, algorithm: str) -> OutboundSigningKey:
    """The account's key for ``algorithm``, made on first use (two racing first uses keep the first key)."""
    key = OutboundSigningKey.objects.filter(account=account, algorithm=algorithm).first()
    if key is not None:
        return key
    pem = (
        _new_private_key(algorithm)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    try:
        with transaction.atomic():
            return OutboundSigningKey.objects.create(
                account=account,
                algorithm=algorithm,
                kid=uuid.uuid4().hex,
                private_key_encrypted=crypto.encrypt(pem),
                created_at=timezone.now(),
            )
    except IntegrityError:
        return OutboundSigningKey.objects.get(account=account, algorithm=algorithm)


def _subject(actor: Actor) -> str:
    """The ARN a token asserts: a role session's is its role's, as AWS's tokens say."""
    return actor.role_arn if actor.kind is ActorKind.ROLE_SESSION and actor.role_arn else actor.arn


def get_web_identity_token(
    *, account: Account, actor: Actor, data: TokenRequest, now: datetime, region: str
) -> WebIdentityToken:
    """Sign a JWT asserting ``actor`` for ``data.audiences`` (GetWebIdentityToken).

    ``OutboundWebIdentityFederationDisabledException`` unless the account enabled the feature;
    ``SessionDurationEscalationException`` when the token would outlive the caller's temporary credentials;
    ``JWTPayloadSizeExceededException`` when the claims exceed ``MAX_PAYLOAD_BYTES``.
    """
    issuer = _enabled_issuer(account)
    issued = now.replace(microsecond=0)
    expiration = issued + timedelta(seconds=data.duration)
    if actor.session_expires_at is not None and expiration > actor.session_expires_at:
        raise SessionDurationEscalationException(
            "The requested token duration would extend the session beyond its original expiration time.",
            field="duration_seconds",
        )
    subject = _subject(actor)
    aws_claims: dict[str, Any] = {"aws_account": account.account_id, "source_region": region, "principal_id": subject}
    if actor.tags:
        aws_claims["principal_tags"] = dict(actor.tags)
    if data.tags:
        aws_claims["request_tags"] = data.tags
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": data.audiences[0] if len(data.audiences) == 1 else list(data.audiences),
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int(expiration.timestamp()),
        "jti": str(uuid.uuid4()),
        AWS_CLAIMS: aws_claims,
    }
    size = len(json.dumps(claims, separators=(",", ":")).encode())
    if size > MAX_PAYLOAD_BYTES:
        raise JWTPayloadSizeExceededException(
            f"The token payload of {size} bytes exceeds the maximum of {MAX_PAYLOAD_BYTES} bytes; "
            "pass fewer or shorter request tags.",
            field="tags",
        )
    key = _signing_key(account, data.algorithm)
    token = jwt.encode(claims, _private_key(key), algorithm=data.algorithm, headers={"kid": key.kid, "typ": "JWT"})
    return WebIdentityToken(token=token, expiration=expiration)


# --- the issuer's documents ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuerDocuments:
    """What an issuer publishes: its OpenID discovery document and its JSON Web Key Set."""

    configuration: dict[str, Any]
    jwks: dict[str, Any]


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _ec_coordinate(number: int) -> str:
    # RFC 7518 §6.2.1.2: P-384 coordinates are always 48 octets.
    return base64.urlsafe_b64encode(number.to_bytes(48, "big")).rstrip(b"=").decode()


def _private_key(key: OutboundSigningKey) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    private = serialization.load_pem_private_key(crypto.decrypt(key.private_key_encrypted).encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise TypeError(f"unexpected key type for {key.kid}")
    return private


def _jwk(key: OutboundSigningKey) -> dict[str, Any]:
    public = _private_key(key).public_key()
    common = {"kid": key.kid, "use": "sig", "alg": key.algorithm}
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {**common, "kty": "RSA", "n": _b64(numbers.n), "e": _b64(numbers.e)}
    if isinstance(public, ec.EllipticCurvePublicKey):
        point = public.public_numbers()
        return {**common, "kty": "EC", "crv": "P-384", "x": _ec_coordinate(point.x), "y": _ec_coordinate(point.y)}
    raise TypeError(f"unexpected key type for {key.kid}")


def get_outbound_issuer_documents(*, issuer_id: str) -> IssuerDocuments:
    """The discovery document and keys of the enabled issuer ``…/outbound/ISSUER_ID`` (``NoSuchEntity`` otherwise)."""
    settings = (
        AccountIamSettings.objects.filter(outbound_federation_enabled=True, outbound_issuer__endswith=f"/{issuer_id}")
        .select_related("account")
        .first()
    )
    if settings is None or not issuer_id:
        raise NoSuchEntity(f"The issuer {issuer_id} cannot be found.", field="issuer_id")
    issuer = settings.outbound_issuer
    keys = OutboundSigningKey.objects.filter(account=settings.account).order_by("pk")
    configuration = {
        "issuer": issuer,
        "jwks_uri": issuer + JWKS_PATH,
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(ALGORITHMS),
        "claims_supported": ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", AWS_CLAIMS],
    }
    return IssuerDocuments(configuration=configuration, jwks={"keys": [_jwk(key) for key in keys]})
