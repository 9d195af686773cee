"""AWS Signature Version 4 verification, as AWS's own endpoints check it.

AWS documents the algorithm in "Create a signed AWS API request" and publishes a test suite for it; this module
verifies the two forms the Query API accepts:

* header authentication: ``Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request,
  SignedHeaders=host;x-amz-date, Signature=…`` with ``X-Amz-Date`` (or ``Date``);
* presigned query authentication: ``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-SignedHeaders``,
  ``X-Amz-Signature`` and optionally ``X-Amz-Expires`` in the query string (never both forms at once).

The canonical request and the string to sign come from botocore's own ``SigV4Auth``, pointed at the request as it was
received (only the headers the client says it signed, the hash of the raw body bytes). Signing keys are derived once
per (secret, date, region, service) and cached, so a request costs two SHA-256 digests and one HMAC. Errors carry
AWS's codes and messages: ``MissingAuthenticationToken``, ``IncompleteSignature``, ``SignatureDoesNotMatch`` (also
for a request time more than 15 minutes away from the server's clock, "Signature expired: …").

The module is pure: it knows nothing of Django or of where secrets live. The view resolves the access key to its
secret (``iamconsole.authentication.resolve_access_key``) between :func:`parse_authorization` and :func:`verify`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, cast
from urllib.parse import quote, unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials
from botocore.utils import normalize_url_path

from iamconsole.errors import (
    IncompleteSignature,
    MalformedQueryString,
    MissingAuthenticationToken,
    SignatureDoesNotMatch,
)

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
#: AWS refuses a request whose time is further than this from its clock, either way.
MAX_CLOCK_SKEW = timedelta(minutes=15)
#: The longest ``X-Amz-Expires`` AWS accepts: seven days, the lifetime of a signing key's date.
MAX_PRESIGN_EXPIRES = 604_800
#: The services this endpoint answers for, by the name in the credential scope.
SERVICES = frozenset({"iam", "sts"})

_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_AMZ_DATE = re.compile(r"[0-9]{8}T[0-9]{6}Z")
_SCOPE_DATE = re.compile(r"[0-9]{8}")
# A region is a DNS label (botocore validates client regions the same way); botocore signs with whatever region
# the client was configured with when an endpoint URL is given, so any well-formed one is accepted.
_REGION = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
_PRESIGN_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature")
#: What RFC 3986 lets a path segment carry unescaped beyond the unreserved characters (``arn:aws:iam::…`` in a REST
#: path): see ``_paths_as_sent``.
_PATH_SAFE_AS_SENT = "/-_.~:@!$&'()*+,;="
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """An HTTP request as the server received it, in the terms SigV4 signs.

    ``path`` is the path in its on-the-wire (percent-encoded) form, as the client signed it, including any prefix a
    reverse proxy strips; ``query`` the raw query string; ``headers`` maps lower-case names to values (a repeated
    header joined with commas, as WSGI servers join them).
    """

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Authorization:
    """The parsed SigV4 authorization of a request: who claims to sign it, for what scope, when."""

    access_key_id: str
    scope_date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    request_time: datetime
    security_token: str | None
    presigned: bool
    expires: int | None = None

    @property
    def credential_scope(self) -> str:
        """``date/region/service/aws4_request``."""
        return f"{self.scope_date}/{self.region}/{self.service}/{TERMINATOR}"


def query_pairs(query: str) -> list[tuple[str, str]]:
    """Decode a raw query string into (name, value) pairs, keeping blanks and repeats, as SigV4 canonicalises it.

    Only percent-escapes are decoded (SigV4 signs ``+`` as a literal plus). Bad UTF-8 is ``MalformedQueryString``.
    """
    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        try:
            pairs.append((unquote(name, errors="strict"), unquote(value, errors="strict")))
        except UnicodeDecodeError:
            raise MalformedQueryString("The query string is not valid percent-encoded UTF-8.") from None
    return pairs


def is_unsigned(request: ReceivedRequest) -> bool:
    """True when the request carries no SigV4 authorization at all (neither the header nor presigned parameters)."""
    if request.headers.get("authorization") is not None:
        return False
    query = dict(query_pairs(request.query)) if request.query else {}
    return not any(name in query for name in _PRESIGN_PARAMS)


def parse_authorization(request: ReceivedRequest) -> Authorization:
    """Read the SigV4 authorization from the ``Authorization`` header or the presigned query parameters.

    Raises ``MissingAuthenticationToken`` when there is none, ``IncompleteSignature`` when it is malformed or uses
    another algorithm, and ``SignatureDoesNotMatch`` when its scope is not one this endpoint signs for (unknown
    service, malformed region, wrong terminator, or a scope date other than the request's date), as AWS does.
    """
    header = request.headers.get("authorization")
    query = dict(query_pairs(request.query)) if request.query else {}
    presigned = any(name in query for name in _PRESIGN_PARAMS)
    if header is not None and presigned:
        raise IncompleteSignature(
            "Only one authentication mechanism is allowed: either the Authorization header or "
            "the X-Amz-Algorithm, X-Amz-Credential and X-Amz-Signature query parameters."
        )
    if header is not None:
        return _parse_header(header, request)
    if presigned:
        return _parse_query(query, request)
    raise MissingAuthenticationToken("Request is missing Authentication Token")


def _parse_header(header: str, request: ReceivedRequest) -> Authorization:
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        if algorithm.startswith("AWS4-"):
            raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{algorithm}'.")
        raise IncompleteSignature(
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
            "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
            f"existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={header}"
        )
    fields: dict[str, str] = {}
    for part in rest.split(","):
        part = part.strip()
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals:
            raise IncompleteSignature(
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            )
        fields[name] = value
    amz_date = request.headers.get("x-amz-date")
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not fields.get(name)
    ]
    if amz_date is None and "date" not in request.headers:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if missing:
        raise IncompleteSignature(" ".join([*missing, f"Authorization={header}"]))
    if amz_date is None:
        request_time = _http_date(request.headers["date"])
        amz_date = request_time.strftime(_AMZ_DATE_FORMAT)
    else:
        request_time = _amz_date(amz_date)
    return _authorization(
        fields["Credential"],
        fields["SignedHeaders"],
        fields["Signature"],
        amz_date,
        request_time,
        request.headers.get("x-amz-security-token"),
        presigned=False,
        expires=None,
    )


def _parse_query(query: Mapping[str, str], request: ReceivedRequest) -> Authorization:
    missing = [name for name in (*_PRESIGN_PARAMS, "X-Amz-SignedHeaders", "X-Amz-Date") if not query.get(name)]
    if missing:
        raise IncompleteSignature(
            " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
            + " Re-examine the query-string parameters."
        )
    if query["X-Amz-Algorithm"] != ALGORITHM:
        raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{query['X-Amz-Algorithm']}'.")
    expires: int | None = None
    if "X-Amz-Expires" in query:
        raw = query["X-Amz-Expires"]
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PRESIGN_EXPIRES:
            raise IncompleteSignature(
                f"X-Amz-Expires must be a whole number of seconds from 1 to "
                f"{MAX_PRESIGN_EXPIRES} (seven days), not '{raw}'."
            )
        expires = int(raw)
    amz_date = query["X-Amz-Date"]
    return _authorization(
        query["X-Amz-Credential"],
        query["X-Amz-SignedHeaders"],
        query["X-Amz-Signature"],
        amz_date,
        _amz_date(amz_date),
        query.get("X-Amz-Security-Token"),
        presigned=True,
        expires=expires,
    )


def _authorization(
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: str,
    request_time: datetime,
    security_token: str | None,
    *,
    presigned: bool,
    expires: int | None,
) -> Authorization:
    parts = credential.split("/")
    if len(parts) != 5:
        raise IncompleteSignature(
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            f"keyid/date/region/service/term, got '{credential}'"
        )
    access_key_id, scope_date, region, service, terminator = parts
    if not _REGION.fullmatch(region):
        raise SignatureDoesNotMatch(f"Credential should be scoped to a valid region, not '{region}'. ")
    if service not in SERVICES:
        raise SignatureDoesNotMatch(
            f"Credential should be scoped to correct service: 'iam' or 'sts', not '{service}'. "
        )
    if terminator != TERMINATOR:
        raise SignatureDoesNotMatch(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'. "
        )
    if not _SCOPE_DATE.fullmatch(scope_date) or scope_date != amz_date[:8]:
        raise SignatureDoesNotMatch(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope_date}' != '{amz_date[:8]}', from '{amz_date}'."
        )
    names = tuple(name.strip().lower() for name in signed_headers.split(";") if name.strip())
    if "host" not in names:
        raise SignatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    return Authorization(
        access_key_id=access_key_id,
        scope_date=scope_date,
        region=region,
        service=service,
        signed_headers=names,
        signature=signature,
        amz_date=amz_date,
        request_time=request_time,
        security_token=security_token,
        presigned=presigned,
        expires=expires,
    )


def _amz_date(value: str) -> datetime:
    try:
        if not _AMZ_DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.strptime(value, _AMZ_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise IncompleteSignature(
            f"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ) from None


def _http_date(value: str) -> datetime:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise IncompleteSignature(
            f"Date must be in RFC 1123 format when X-Amz-Date is absent. Got '{value}'."
        ) from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def check_request_time(auth: Authorization, now: datetime) -> None:
    """Refuse a request signed more than 15 minutes before or after ``now`` (and a presigned URL past its expiry).

    AWS answers both with ``SignatureDoesNotMatch`` and the messages "Signature expired: … is now earlier than …
    (… - 15 min.)" and "Signature not yet current: … is still later than … (… + 15 min.)".
    """
    stamp = now.astimezone(UTC).strftime(_AMZ_DATE_FORMAT)
    if auth.request_time > now + MAX_CLOCK_SKEW:
        limit = (now + MAX_CLOCK_SKEW).strftime(_AMZ_DATE_FORMAT)
        raise SignatureDoesNotMatch(
            f"Signature not yet current: {auth.amz_date} is still later than {limit} ({stamp} + 15 min.)"
        )
    if auth.expires is not None:
        if now > auth.request_time + timedelta(seconds=auth.expires):
            limit = (now - timedelta(seconds=auth.expires)).strftime(_AMZ_DATE_FORMAT)
            raise SignatureDoesNotMatch(
                f"Signature expired: {auth.amz_date} is now earlier than {limit} ({stamp} - {auth.expires} sec.)"
            )
    elif auth.request_time < now - MAX_CLOCK_SKEW:
        limit = (now - MAX_CLOCK_SKEW).strftime(_AMZ_DATE_FORMAT)
        raise SignatureDoesNotMatch(
            f"Signature expired: {auth.amz_date} is now earlier than {limit} ({stamp} - 15 min.)"
        )


def check_signed_headers(request: ReceivedRequest, auth: Authorization) -> None:
    """Every ``x-amz-*`` header sent must be signed, so none can be added or changed in transit.

    (The AWS test suite's ``post-sts-header-after`` shows a token added after signing; AWS's IAM and STS endpoints
    refuse that, and so does this one.)
    """
    signed = set(auth.signed_headers)
    for name in request.headers:
        if name.startswith("x-amz-") and name not in signed:
            raise SignatureDoesNotMatch(f"'{name}' must be a 'SignedHeader' in the AWS Authorization.")


@lru_cache(maxsize=4096)
def signing_key(secret_access_key: str, scope_date: str, region: str, service: str) -> bytes:
    """The derived key ``HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")``.

    Cached: a client signs every request of a day with the same key, so this saves four HMACs per request.
    """
    key = f"AWS4{secret_access_key}".encode()
    for part in (scope_date, region, service, TERMINATOR):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


class _ReceivedRequestSigner(SigV4Auth):
    """botocore's SigV4 signer, pointed at a request that was received rather than one about to be sent.

    Three parts differ from signing: the headers are exactly those the client listed (botocore would add or leave
    out some), the payload hash is always that of the raw body (botocore trusts an ``X-Amz-Content-SHA256`` header),
    and the signing key comes from the cache.
    """

    def __init__(
        self, auth: Authorization, secret_access_key: str, body: bytes, canonical_path: str | None = None
    ) -> None:
        super().__init__(Credentials(auth.access_key_id, secret_access_key), auth.service, auth.region)
        self._auth = auth
        self._secret = secret_access_key
        self._body = body
        self._canonical_path = canonical_path

    def _normalize_url_path(self, path: str) -> str:
        if self._canonical_path is not None:
            return self._canonical_path
        return str(super()._normalize_url_path(path))  # type: ignore[misc]  # botocore's stubs leave it out

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        headers = HTTPHeaders()
        for name in self._auth.signed_headers:
            headers[name] = request.headers.get(name, "")
        return headers

    def payload(self, request: AWSRequest) -> str:
        return hashlib.sha256(self._body).hexdigest()

    def signature(self, string_to_sign: str, request: AWSRequest) -> str:
        key = signing_key(self._secret, self._auth.scope_date, self._auth.region, self._auth.service)
        return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _aws_request(request: ReceivedRequest, auth: Authorization) -> AWSRequest:
    pairs = query_pairs(request.query)
    if auth.presigned:
        pairs = [(name, value) for name, value in pairs if name != "X-Amz-Signature"]
    headers = {name: request.headers.get(name, "") for name in auth.signed_headers}
    # The host part of the URL is never read (the host header is signed as received); the path is the wire form.
    aws_request = AWSRequest(
        method=request.method, url=f"http://sigv4.invalid{request.path}", headers=headers, params=cast(Any, pairs)
    )
    aws_request.context["timestamp"] = auth.amz_date
    return aws_request


def canonical_request(request: ReceivedRequest, auth: Authorization, secret_access_key: str = "") -> str:
    """The SigV4 canonical request of ``request`` as ``auth`` says it was signed."""
    signer = _ReceivedRequestSigner(auth, secret_access_key, request.body)
    return signer.canonical_request(_aws_request(request, auth))


def string_to_sign(request: ReceivedRequest, auth: Authorization) -> str:
    """The SigV4 string to sign: algorithm, request time, credential scope, hash of the canonical request."""
    signer = _ReceivedRequestSigner(auth, "", request.body)
    aws_request = _aws_request(request, auth)
    return signer.string_to_sign(aws_request, signer.canonical_request(aws_request))


def expected_signature(request: ReceivedRequest, auth: Authorization, secret_access_key: str) -> str:
    """The signature a client holding ``secret_access_key`` computes for ``request``."""
    signer = _ReceivedRequestSigner(auth, secret_access_key, request.body)
    aws_request = _aws_request(request, auth)
    return signer.signature(signer.string_to_sign(aws_request, signer.canonical_request(aws_request)), aws_request)


def verify(request: ReceivedRequest, auth: Authorization, secret_access_key: str) -> None:
    """Check the signature of ``request`` against the one computed with the secret; ``SignatureDoesNotMatch`` if not.

    Compared in constant time. Like AWS, the error message shows the canonical request and string to sign the
    server expected (they hold no secret), which is what a client author needs to find the difference.
    """
    content_sha256 = request.headers.get("x-amz-content-sha256")
    if content_sha256 is not None and content_sha256 != hashlib.sha256(request.body).hexdigest():
        raise SignatureDoesNotMatch("The provided 'x-amz-content-sha256' header does not match what was computed.")
    aws_request = _aws_request(request, auth)
    given = auth.signature.lower()
    canonical = to_sign = ""
    for canonical_path in (None, *_paths_as_sent(request.path)):
        signer = _ReceivedRequestSigner(auth, secret_access_key, request.body, canonical_path)
        candidate = signer.canonical_request(aws_request)
        candidate_to_sign = signer.string_to_sign(aws_request, candidate)
        if canonical_path is None:
            canonical, to_sign = candidate, candidate_to_sign  # what the error shows: AWS's own rule
        if _SIGNATURE.fullmatch(given) and hmac.compare_digest(signer.signature(candidate_to_sign, aws_request), given):
            return
    raise SignatureDoesNotMatch(_mismatch_message(canonical, to_sign))


def _paths_as_sent(path: str) -> tuple[str, ...]:
    """Canonical paths of clients that sent the characters a path segment may carry unescaped (RFC 3986: an ARN's
    colons) as they are: botocore over such a URL signs them encoded once, curl before 8 signs them as they are. The
    server sees the path decoded and cannot tell ``:`` from ``%3A`` on the wire; every form names the same path."""
    as_sent = quote(unquote(path), safe=_PATH_SAFE_AS_SENT)
    if as_sent == path:
        return ()
    return (quote(normalize_url_path(as_sent), safe="/~"), as_sent)


def _mismatch_message(canonical: str, to_sign: str) -> str:
    return (
        f"{_SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have "
        f"been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{to_sign}'\n"
    )
