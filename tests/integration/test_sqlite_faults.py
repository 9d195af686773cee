"""``make run``'s SQLite database read-only or its disk full: a clear error naming the file, never a traceback.

Both run real processes on a SQLite file of the test's own: ``manage.py migrate`` (the first thing ``make run`` does)
on a file this user cannot write, and gunicorn whose files cannot grow (``RLIMIT_FSIZE``, as a full disk).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError
from cryptography.fernet import Fernet

from tests.integration.servers import free_port, iam_client, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder of the test's own, outside pytest's private temporary folders."""
    path = Path(tempfile.mkdtemp(prefix="iamconsole-sqlite-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def environment(folder: Path, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="iamconsole.settings",
        DATABASE_URL=f"sqlite:///{database}",
        IAM_VAR_DIR=str(folder / "var"),
        SECRET_KEY="fault-test-" + "k" * 40,
        IAM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        IAM_AUDIT_READS="false",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def test_a_read_only_database_file_stops_make_run_with_the_files_name(folder):
    database = folder / "iamconsole.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE existing (id integer)")
    database.chmod(0o444)
    (folder / "var").mkdir(mode=0o777)
    (folder / "var").chmod(0o777)
    # Root writes any file: under root the process runs without its capabilities, so the file's mode holds.
    as_user = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [*as_user, sys.executable, "manage.py", "migrate", "--noinput"],
        env=environment(folder, database),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert f"The SQLite database {database} (default) cannot be written: attempt to write a readonly database" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout


def _no_growth(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_answers_service_failure_and_logs_the_files_name(folder, tmp_path):
    database = folder / "iamconsole.sqlite3"
    env = environment(folder, database)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    created = subprocess.run(
        [*manage, "createaccount", "--json"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    credentials = json.loads(created.stdout)
    connection = sqlite3.connect(database)
    # Django's REGEXP, which check constraints use, for VACUUM to rebuild the tables.
    connection.create_function("REGEXP", 2, lambda pattern, value: re.search(pattern, value or "") is not None)
    connection.execute("VACUUM")  # no free pages left: the next rows need the file to grow
    connection.close()
    # The attempts connection's file (a copy holds its tables too; migrating it again would take as long).
    shutil.copy(database, folder / "iamconsole-attempts.sqlite3")
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    command = [str(BIN / "gunicorn"), "iamconsole.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: _no_growth(database.stat().st_size),
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _healthy(url), "gunicorn", timeout=60)
        iam = iam_client(url, credentials["access_key_id"], credentials["secret_access_key"])
        failure = None
        for number in range(300):
            try:
                iam.create_user(UserName=f"user-{number}", Path="/" + "p" * 400 + "/")
            except ClientError as error:
                failure = error.response
                break
        assert failure is not None, "the database never ran out of room"
        assert failure["Error"]["Code"] == "ServiceFailure"
        assert failure["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert iam.list_users()["Users"]  # reads still work
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = log_path.read_text(errors="replace")
    assert f"the SQLite database {database} is unavailable" in output
    assert "Traceback" not in output


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False
