"""The ``createaccount`` command's contract (ARCHITECTURE.md, "Contracts that tools and users rely on")."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account
from identities.models import AccessKey

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FIELDS = {
    "account_id",
    "alias",
    "email",
    "password",
    "access_key_id",
    "secret_access_key",
    "console_url",
}


def createaccount(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("createaccount", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_json_output_keeps_the_contract(settings):
    settings.IAM_CONSOLE_URL = "https://iam.example.test"
    data = createaccount("--alias", "acme-corp", "--email", "Owner@Example.test", "--password", "S3cret!pass")
    assert set(data) == CONTRACT_FIELDS
    assert re.fullmatch(r"[1-9][0-9]{11}", data["account_id"])
    assert data["alias"] == "acme-corp"
    assert data["email"] == "Owner@Example.test"
    assert data["password"] == "S3cret!pass"
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", data["access_key_id"])
    assert len(data["secret_access_key"]) == 40
    assert data["console_url"] == "https://iam.example.test/signin"
    key = AccessKey.objects.get(access_key_id=data["access_key_id"])
    assert key.user is None and key.account.account_id == data["account_id"]


@pytest.mark.django_db
def test_generated_email_and_password_and_null_alias():
    data = createaccount()
    assert data["alias"] is None
    assert "@" in data["email"]
    assert len(data["password"]) >= 16


@pytest.mark.django_db
@pytest.mark.parametrize("alias", ["taken-alias", "Bad_Alias", "12345678901a-", "123456789012"])
def test_taken_or_invalid_alias_creates_nothing(alias):
    createaccount("--alias", "taken-alias")
    before = (Account.objects.count(), AccessKey.objects.count())
    with pytest.raises(CommandError):
        createaccount("--alias", alias)
    assert (Account.objects.count(), AccessKey.objects.count()) == before


def test_command_line_exit_status_and_stderr(tmp_path):
    """The real command: exit 0 with JSON on stdout, then exit 1 with the reason on stderr for the taken alias."""
    env = {**os.environ, "IAM_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)

    def create() -> subprocess.CompletedProcess[str]:
        command = [*manage, "createaccount", "--alias", "cli-test", "--json"]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)

    first = create()
    assert first.returncode == 0, first.stderr
    assert set(json.loads(first.stdout)) == CONTRACT_FIELDS
    second = create()  # the same alias again
    assert second.returncode == 1
    assert second.stdout == ""
    assert "The account alias cli-test already exists." in second.stderr
