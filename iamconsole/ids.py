"""Random identifiers in AWS's forms.

Unique ids of IAM entities are a four-letter prefix naming the kind (``AIDA`` user, ``AGPA`` group, ``AROA`` role,
``ANPA`` policy, ``AIPA`` instance profile) and 17 characters of base32 (A–Z, 2–7); access key ids are ``AKIA`` (long
term) or ``ASIA`` (temporary) and 16 such characters; account ids are 12 digits that do not start with 0.
"""

from __future__ import annotations

import secrets
import string
from enum import StrEnum

_BASE32 = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


class IdPrefix(StrEnum):
    """The prefixes AWS gives each kind of unique id."""

    USER = "AIDA"
    GROUP = "AGPA"
    ROLE = "AROA"
    POLICY = "ANPA"
    INSTANCE_PROFILE = "AIPA"
    ACCESS_KEY = "AKIA"
    TEMPORARY_ACCESS_KEY = "ASIA"
    SSH_PUBLIC_KEY = "APKA"
    SERVER_CERTIFICATE = "ASCA"
    SERVICE_SPECIFIC_CREDENTIAL = "ACCA"


def _base32(length: int) -> str:
    return "".join(secrets.choice(_BASE32) for _ in range(length))


def unique_id(prefix: IdPrefix) -> str:
    """A new unique id such as ``AIDAJQABLZS4A3QDU576Q`` (21 characters)."""
    return prefix + _base32(17)


def access_key_id(prefix: IdPrefix = IdPrefix.ACCESS_KEY) -> str:
    """A new access key id such as ``AKIAIOSFODNN7EXAMPLE`` (20 characters)."""
    return prefix + _base32(16)


def signing_certificate_id() -> str:
    """A new signing certificate id: 32 characters of base32, as AWS's ``certificateIdType`` (24–128 ``\\w``)."""
    return _base32(32)


def secret_access_key() -> str:
    """A new 40-character secret access key."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def account_id() -> str:
    """A new random 12-digit account id that does not start with 0."""
    return str(secrets.randbelow(9 * 10**11) + 10**11)
