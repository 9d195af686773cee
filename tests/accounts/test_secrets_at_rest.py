"""No secret or password is stored in plain text: read the raw rows, as someone with the database would."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection

from iamconsole import crypto
from tests.factories import make_account


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (fixed table names)
        return repr(cursor.fetchall())


@pytest.mark.django_db
def test_root_password_and_secret_key_never_appear_in_the_database():
    created = make_account(password="Plain-Text-Password-123")
    everything = raw_rows("accounts_account") + raw_rows("identities_accesskey") + raw_rows("accounts_auditevent")
    assert "Plain-Text-Password-123" not in everything
    assert created.secret_access_key not in everything
    assert created.access_key_id in everything  # the id is not secret; proves we read the right rows


@pytest.mark.django_db
def test_secret_decrypts_with_any_configured_key_and_new_secrets_use_the_first(settings):
    old_key = settings.IAM_ENCRYPTION_KEYS[0]
    token = crypto.encrypt("secret-value")
    settings.IAM_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]  # rotation: new key first
    assert crypto.decrypt(token) == "secret-value"
    rotated = crypto.encrypt("another")
    settings.IAM_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(InvalidToken):
        crypto.decrypt(rotated)
