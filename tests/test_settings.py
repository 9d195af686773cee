"""Settings come from the environment; secrets fall back to var/secrets.env except in production."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRINT_KEYS = "from django.conf import settings; print(settings.SECRET_KEY); print(settings.IAM_ENCRYPTION_KEYS[0])"


def django_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='iamconsole.settings'; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "IAM_ENCRYPTION_KEY", "IAM_ENV"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "IAM_VAR_DIR": str(tmp_path), **extra}


def test_secrets_file_is_created_once_and_shared_by_every_command(tmp_path):
    first = django_python(f"{PRINT_KEYS}", clean_env(tmp_path))
    assert first.returncode == 0, first.stderr
    second = django_python(f"{PRINT_KEYS}", clean_env(tmp_path))
    assert first.stdout == second.stdout
    secrets_file = tmp_path / "secrets.env"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert "SECRET_KEY=" in secrets_file.read_text()


def test_environment_wins_over_the_secrets_file(tmp_path):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    result = django_python(PRINT_KEYS, clean_env(tmp_path, SECRET_KEY="from-the-environment", IAM_ENCRYPTION_KEY=key))
    assert result.stdout.split() == ["from-the-environment", key]


def test_production_fails_fast_without_secrets(tmp_path):
    result = django_python("print('started')", clean_env(tmp_path, IAM_ENV="production"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when IAM_ENV=production" in result.stderr
    assert not (tmp_path / "secrets.env").exists()


def test_bad_encryption_key_is_refused(tmp_path):
    result = django_python("print('started')", clean_env(tmp_path, IAM_ENCRYPTION_KEY="not-a-fernet-key"))
    assert result.returncode != 0
    assert "IAM_ENCRYPTION_KEY must be Fernet keys" in result.stderr


def test_debug_defaults_to_false(tmp_path):
    result = django_python("from django.conf import settings; print(settings.DEBUG)", clean_env(tmp_path))
    assert result.stdout.strip() == "False"


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return clean_env(tmp_path, IAM_ENV="production", IAM_ENCRYPTION_KEY=Fernet.generate_key().decode(), **extra)


def test_production_refuses_the_placeholder_or_a_short_secret_key(tmp_path):
    for key in ("change-me-to-a-long-random-value", "short-but-not-empty", "a" * 60):
        result = django_python("print('started')", production_env(tmp_path, SECRET_KEY=key))
        assert result.returncode != 0, key
        assert "SECRET_KEY must be a random value of at least 50 characters" in result.stderr
    good = django_python("print('started')", production_env(tmp_path, SECRET_KEY="k3y-" + "x7Qz" * 15))
    assert good.returncode == 0, good.stderr


def test_trusted_proxies_and_hsts_settings(tmp_path):
    show = (
        "from django.conf import settings; "
        "print(settings.IAM_TRUSTED_PROXIES, settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_HSTS_SECONDS)"
    )
    plain = django_python(show, clean_env(tmp_path))
    assert plain.stdout.split("\n")[0] == "() None 0"
    behind = django_python(
        show,
        clean_env(tmp_path, IAM_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1", IAM_CONSOLE_URL="https://iam.example.test"),
    )
    assert behind.returncode == 0, behind.stderr
    assert behind.stdout.strip() == (
        "(IPv4Network('10.0.0.0/8'), IPv4Network('192.0.2.1/32')) ('HTTP_X_FORWARDED_PROTO', 'https') 31536000"
    )
    bad = django_python(show, clean_env(tmp_path, IAM_TRUSTED_PROXIES="10.0.0.0/8,proxy.local"))
    assert bad.returncode != 0
    assert "IAM_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network" in bad.stderr
