"""Verifying a SAML 2.0 response for AssumeRoleWithSAML and the console's ``/saml`` sign-in.

Mirrors "AssumeRoleWithSAML", "Configure SAML assertions for the authentication response" and "Available keys for
SAML-based AWS STS federation" in the IAM User Guide. The response (base64) must carry an XML signature, over the
Response or over its Assertion, made by a certificate of the provider's metadata (``KeyDescriptor`` for signing);
signxml checks it (canonicalisation, digests, the enveloped transform) and only the element it says was signed is
read afterwards, so content wrapped around a signed element is never believed. Then, as AWS does: the ``Audience``
and the bearer ``SubjectConfirmationData``'s ``Recipient`` must be one of :func:`accepted_recipients` (AWS's own
``https://signin.aws.amazon.com/saml``, which IdPs preconfigure, or this console's ``/saml``); ``NotBefore`` and
``NotOnOrAfter`` hold with :data:`CLOCK_SKEW` of leeway; the ``Role`` attribute must pair the role with the provider;
``RoleSessionName`` is required. An assertion is accepted once: its id is kept (through the autocommit ``attempts``
connection, as MFA codes are) so that a replayed response is refused even when the first request was rolled back.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from lxml import etree
from signxml.exceptions import SignXMLException
from signxml.verifier import XMLVerifier

from accounts import services as account_services
from accounts.models import Account
from iamconsole.arn import parse_arn
from iamconsole.errors import ExpiredTokenException, IDPRejectedClaim, InvalidIdentityToken
from identities import selectors as identity_selectors
from identities.models import SAMLProvider
from sts import domain

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"
ROLE_ATTRIBUTE = ATTRIBUTES + "Role"
SESSION_NAME_ATTRIBUTE = ATTRIBUTES + "RoleSessionName"
SESSION_DURATION_ATTRIBUTE = ATTRIBUTES + "SessionDuration"
SOURCE_IDENTITY_ATTRIBUTE = ATTRIBUTES + "SourceIdentity"
TAG_ATTRIBUTE_PREFIX = ATTRIBUTES + "PrincipalTag:"
TRANSITIVE_ATTRIBUTE = ATTRIBUTES + "TransitiveTagKeys"
AWS_SIGNIN_SAML = "https://signin.aws.amazon.com/saml"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
NAMEID_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:"
CLOCK_SKEW = timedelta(minutes=1)
ASSERTION_MIN_LENGTH = 4
ASSERTION_MAX_LENGTH = 100_000
#: The eduPerson and X.500 attributes AWS turns into ``SAML:`` condition keys, by their OID names.
OID_KEYS: Mapping[str, str] = {
    "urn:oid:2.5.4.3": "SAML:cn",
    "urn:oid:0.9.2342.19200300.100.1.1": "SAML:uid",
    "urn:oid:0.9.2342.19200300.100.1.3": "SAML:mail",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": "SAML:edupersonaffiliation",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": "SAML:edupersonprincipalname",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.7": "SAML:edupersonentitlement",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.9": "SAML:edupersonscopedaffiliation",
    "urn:oid:2.16.840.1.113730.3.1.241": "SAML:displayName",
    "urn:oid:2.5.4.42": "SAML:givenName",
    "urn:oid:2.5.4.4": "SAML:surname",
}


@dataclass(frozen=True, slots=True)
class RolePair:
    """One value of the ``Role`` attribute: a role the assertion lets its subject assume, through a provider."""

    role_arn: str
    provider_arn: str


@dataclass(frozen=True, slots=True)
class VerifiedAssertion:
    """A SAML assertion whose signature, audience, recipient and times held."""

    assertion_id: str
    issuer: str
    subject: str
    subject_type: str
    audience: str
    not_on_or_after: datetime
    roles: tuple[RolePair, ...]
    session_name: str | None
    session_duration: int | None = None
    source_identity: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    attribute_keys: Mapping[str, Any] = field(default_factory=dict)
    name_qualifier: str = ""
    provider_arn: str = ""
    issued_at: datetime | None = None

    def condition_keys(self) -> dict[str, Any]:
        """The ``SAML:`` keys a trust policy can test."""
        arn = parse_arn(self.provider_arn)
        provider_name = arn.resource_name if arn else ""
        keys: dict[str, Any] = {
            "SAML:aud": self.audience,
            "SAML:iss": self.issuer,
            "SAML:sub": self.subject,
            "SAML:sub_type": self.subject_type,
            "SAML:namequalifier": self.name_qualifier,
            "SAML:doc": f"{arn.account if arn else ''}/{provider_name}",
            "aws:FederatedProvider": self.provider_arn,
        }
        keys.update(self.attribute_keys)
        return keys


def accepted_recipients() -> frozenset[str]:
    """Where an assertion may be addressed: AWS's sign-in endpoint (what IdPs preconfigure for AWS) and this
    console's own ``/saml``."""
    return frozenset({AWS_SIGNIN_SAML, f"{settings.IAM_CONSOLE_URL}/saml"})


def validate_assertion_text(assertion: Any) -> str:
    """``SAMLAssertion``: 4–100,000 characters (botocore's model)."""
    return domain.validate_credential_text(
        assertion, member="SAMLAssertion", field="saml_assertion", low=ASSERTION_MIN_LENGTH, high=ASSERTION_MAX_LENGTH
    )


def _invalid(message: str) -> InvalidIdentityToken:
    return InvalidIdentityToken(message, field="saml_assertion")


def provider_certificates(provider: SAMLProvider) -> list[x509.Certificate]:
    """The signing certificates of the provider's metadata (``KeyDescriptor`` without ``use`` or ``use="signing"``)."""
    root = defused_fromstring(provider.metadata_document)
    certificates = []
    for descriptor in root.iter(f"{MD}KeyDescriptor"):
        if descriptor.get("use") not in (None, "signing"):
            continue
        for element in descriptor.iter(f"{DS}X509Certificate"):
            try:
                der = base64.b64decode("".join((element.text or "").split()))
                certificates.append(x509.load_der_x509_certificate(der))
            except (binascii.Error, ValueError):
                continue
    return certificates


def _decode(saml_response: str) -> bytes:
    try:
        document = base64.b64decode(saml_response, validate=False)
    except (binascii.Error, ValueError):
        raise _invalid("Invalid base64 SAML response.") from None
    try:
        # defusedxml refuses DTDs and entities before signxml's parser ever sees the document.
        defused_fromstring(document, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError):
        raise _invalid("The SAML response is not well-formed XML.") from None
    return document


def unverified_roles(saml_response: str) -> tuple[RolePair, ...]:
    """The ``Role`` pairs a response names, read before its signature is checked: only to choose which provider's
    certificates to check it against. Never trust them otherwise."""
    root = defused_fromstring(_decode(saml_response))
    return _role_pairs(root)


def _signed_assertion(document: bytes, certificates: Sequence[x509.Certificate]) -> etree._Element:
    """The Assertion that a signature of one of ``certificates`` covers (signing the Response covers its Assertion)."""
    if not certificates:
        raise _invalid("The SAML provider's metadata has no signing certificate.")
    signed = None
    for certificate in certificates:
        try:
            result = XMLVerifier().verify(document, x509_cert=certificate)
        except (SignXMLException, CryptoInvalidSignature, ValueError):
            continue
        signed = result[0].signed_xml if isinstance(result, list) else result.signed_xml
        break
    if signed is None:
        raise _invalid("Response signature invalid")
    if signed.tag == f"{SAML}Assertion":
        return signed
    if signed.tag == f"{SAMLP}Response":
        status = signed.find(f"{SAMLP}Status/{SAMLP}StatusCode")
        if status is None or status.get("Value") != SUCCESS:
            raise IDPRejectedClaim("The identity provider reported that authentication failed.")
        assertions = signed.findall(f"{SAML}Assertion")
        if len(assertions) == 1:
            return assertions[0]
    raise _invalid("The SAML response must sign exactly one Assertion.")


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(f"Invalid SAML time {text}.") from None


def _attributes(assertion: Any) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for attribute in assertion.iter(f"{SAML}Attribute"):
        name = attribute.get("Name") or ""
        values.setdefault(name, []).extend((v.text or "").strip() for v in attribute.findall(f"{SAML}AttributeValue"))
    return values


def _role_pairs(assertion: Any) -> tuple[RolePair, ...]:
    pairs = []
    for value in _attributes(assertion).get(ROLE_ATTRIBUTE, []):
        first, _, second = (part.strip() for part in value.partition(","))
        # AWS accepts the two ARNs in either order.
        role, provider = (first, second) if ":role/" in first else (second, first)
        if ":role/" in role and ":saml-provider/" in provider:
            pairs.append(RolePair(role_arn=role, provider_arn=provider))
    return tuple(pairs)


def _subject_type(name_format: str | None) -> str:
    """``SubjectType``: the NameID's ``Format`` without SAML 2.0's ``…:nameid-format:`` prefix, any other unchanged."""
    if not name_format:
        return "unspecified"
    return name_format.removeprefix(NAMEID_FORMAT)


def name_qualifier(issuer: str, account_id: str, provider_name: str) -> str:
    """``SAML:namequalifier``: base64 of the SHA-1 of issuer, account id and ``/`` provider name, as AWS defines it."""
    digest = hashlib.sha1(f"{issuer}{account_id}/{provider_name}".encode(), usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def _check_times(assertion: Any, now: datetime) -> datetime:
    """``NotBefore``/``NotOnOrAfter`` of the Conditions (and the bearer confirmation's), with leeway; the earliest
    end."""
    conditions = assertion.find(f"{SAML}Conditions")
    ends = []
    starts = []
    if conditions is not None:
        starts.append(_moment(conditions.get("NotBefore")))
        ends.append(_moment(conditions.get("NotOnOrAfter")))
    for data in assertion.iter(f"{SAML}SubjectConfirmationData"):
        ends.append(_moment(data.get("NotOnOrAfter")))
    for start in starts:
        if start is not None and now + CLOCK_SKEW < start:
            raise _invalid("The SAML assertion is not yet valid (NotBefore).")
    known_ends = [end for end in ends if end is not None]
    if not known_ends:
        raise _invalid("The SAML assertion has no NotOnOrAfter.")
    end = min(known_ends)
    if now - CLOCK_SKEW >= end:
        raise ExpiredTokenException("Token must be redeemed within 5 minutes of issuance", field="saml_assertion")
    return end


def verify_saml_response(
    *, account: Account, provider_arn: str, saml_response: str, now: datetime
) -> VerifiedAssertion:
    """Check a base64 SAML response against the account's provider ``provider_arn`` as AWS does.

    ``InvalidIdentityToken`` for an unknown provider, an unsigned or wrongly signed or tampered response, a wrong
    audience or recipient, a replayed assertion or one without ``RoleSessionName``; ``ExpiredTokenException`` past
    ``NotOnOrAfter``. It does not mark the assertion used: a sign-in then calls :func:`consume_assertion`.
    """
    provider = identity_selectors.find_saml_provider(account=account, arn=provider_arn)
    if provider is None:
        raise _invalid("Specified provider doesn't exist.")
    document = _decode(saml_response)
    assertion = _signed_assertion(document, provider_certificates(provider))
    issuer_element = assertion.find(f"{SAML}Issuer")
    issuer = (issuer_element.text or "").strip() if issuer_element is not None else ""
    end = _check_times(assertion, now)
    audiences = {(a.text or "").strip() for a in assertion.iter(f"{SAML}Audience")}
    accepted = accepted_recipients()
    if not audiences & accepted:
        raise _invalid("Incorrect SAML assertion audience.")
    recipients = [
        data.get("Recipient") or ""
        for confirmation in assertion.iter(f"{SAML}SubjectConfirmation")
        if confirmation.get("Method") == BEARER
        for data in confirmation.findall(f"{SAML}SubjectConfirmationData")
    ]
    recipient = next((r for r in recipients if r in accepted), None)
    if recipient is None:
        raise _invalid("The SAML assertion's Recipient is not this endpoint.")
    name_id = assertion.find(f"{SAML}Subject/{SAML}NameID")
    subject = (name_id.text or "").strip() if name_id is not None else ""
    attributes = _attributes(assertion)
    session_names = attributes.get(SESSION_NAME_ATTRIBUTE) or []
    durations = attributes.get(SESSION_DURATION_ATTRIBUTE) or []
    duration = None
    if durations:
        try:
            duration = int(durations[0])
        except ValueError:
            raise _invalid("SessionDuration must be a number of seconds.") from None
    source_identities = attributes.get(SOURCE_IDENTITY_ATTRIBUTE) or []
    tags = {
        name[len(TAG_ATTRIBUTE_PREFIX) :]: values[0]
        for name, values in attributes.items()
        if name.startswith(TAG_ATTRIBUTE_PREFIX) and values
    }
    assertion_id = assertion.get("ID") or ""
    if not assertion_id:
        raise _invalid("The SAML assertion has no ID.")
    issued_at = _moment(assertion.get("IssueInstant"))
    if issued_at is None:
        raise _invalid("The SAML assertion has no IssueInstant.")
    arn = parse_arn(provider_arn)
    verified = VerifiedAssertion(
        assertion_id=assertion_id,
        issuer=issuer,
        subject=subject,
        subject_type=_subject_type(name_id.get("Format") if name_id is not None else None),
        audience=recipient,
        not_on_or_after=end,
        roles=_role_pairs(assertion),
        session_name=session_names[0] if session_names else None,
        session_duration=duration,
        source_identity=source_identities[0] if source_identities else None,
        tags=tags,
        transitive_tag_keys=tuple(attributes.get(TRANSITIVE_ATTRIBUTE) or ()),
        attribute_keys={OID_KEYS[name]: values for name, values in attributes.items() if name in OID_KEYS},
        name_qualifier=name_qualifier(issuer, account.account_id, arn.resource_name if arn else ""),
        provider_arn=provider_arn,
        issued_at=issued_at,
    )
    return verified


def consume_assertion(assertion: VerifiedAssertion, now: datetime) -> None:
    """Mark the assertion used; ``InvalidIdentityToken`` when it was used before.

    The mark outlives every moment at which the assertion could still be presented: from its ``IssueInstant`` (no
    first use can be earlier) to its end.
    """
    subject = "saml-assertion:" + hashlib.sha256(f"{assertion.issuer}\0{assertion.assertion_id}".encode()).hexdigest()
    issued_at = assertion.issued_at or now
    keep = max(assertion.not_on_or_after - now, timedelta(0)) + max(now - issued_at, timedelta(0)) + 2 * CLOCK_SKEW
    if not account_services.use_code(subject=subject, step=0, keep=keep):
        raise _invalid("The SAML assertion has already been used.")
