"""Secrets at rest: Fernet encryption with the keys of ``IAM_ENCRYPTION_KEY``.

The first key encrypts; every key decrypts, so keys rotate by putting a new key first and re-encrypting later.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.IAM_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    """Encrypt a secret for storage."""
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a stored secret with whichever configured key encrypted it."""
    return _current().decrypt(token.encode()).decode()


def token_digest(token: str) -> str:
    """A keyed digest of a high-entropy token (session tokens): enough to verify, useless to a database reader."""
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()
