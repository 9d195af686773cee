"""PostgreSQL stopped and started again under load: requests during the outage get the face's own error (AWS's
``ServiceFailure`` with HTTP 503 on the Query API, a styled 503 page on the console), requests after it succeed with
nothing restarted (``CONN_HEALTH_CHECKS``), and no write that was acknowledged is lost.

A cluster of the test's own on a free port serves gunicorn with the production settings (persistent connections);
the shared PostgreSQL is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from cryptography.fernet import Fernet

from tests.integration.servers import PostgresCluster, free_port, iam_client, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Server:
    url: str
    credentials: dict[str, Any]
    cluster: PostgresCluster


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    cluster = PostgresCluster()
    process = None
    try:
        cluster.init()
        cluster.create_database("iam")
        env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        port = free_port()
        env.update(
            DJANGO_SETTINGS_MODULE="iamconsole.settings",
            DATABASE_URL=cluster.url("iam"),
            IAM_VAR_DIR=str(tmp_path),
            SECRET_KEY="fault-test-" + "k" * 40,
            IAM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
            IAM_CONSOLE_URL=f"http://127.0.0.1:{port}",
            IAM_AUDIT_READS="false",
        )
        manage = [sys.executable, "manage.py"]
        # One migrate: on PostgreSQL the ``attempts`` connection reaches the same database.
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
        created = subprocess.run(
            [*manage, "createaccount", "--email", "owner@example.test", "--password", "Correct-Horse-9", "--json"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        command = [str(BIN / "gunicorn"), "iamconsole.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        command += ["--threads", "2", "--graceful-timeout", "2"]
        log = (tmp_path / "gunicorn.log").open("wb")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: healthy(f"http://127.0.0.1:{port}"), "gunicorn", timeout=60)
        yield Server(url=f"http://127.0.0.1:{port}", credentials=json.loads(created.stdout), cluster=cluster)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        cluster.destroy()


def healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@dataclass
class Load:
    """Creates users one after another, remembering which were acknowledged and what every failure was."""

    iam: Any
    acknowledged: list[str] = field(default_factory=list)
    failures: list[tuple[float, str, int]] = field(default_factory=list)
    successes_at: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            name = f"user-{number}"
            started = time.monotonic()
            try:
                self.iam.create_user(UserName=name)
            except ClientError as error:
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                self.failures.append((started, error.response["Error"]["Code"], status))
                time.sleep(0.05)
                continue
            self.acknowledged.append(name)
            self.successes_at.append(started)


def console_session(url: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{url}/signin", timeout=30)
    token = session.cookies["csrftoken"]
    signed_in = session.post(
        f"{url}/signin",
        data={"email": "owner@example.test", "password": "Correct-Horse-9", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302
    return session


def test_requests_during_a_restart_get_503_and_nothing_acknowledged_is_lost(server):
    credentials = server.credentials
    keys = (credentials["access_key_id"], credentials["secret_access_key"])
    iam = iam_client(server.url, *keys, connect_timeout=5, read_timeout=30)
    console = console_session(server.url)
    load = Load(iam)
    worker = threading.Thread(target=load.run)
    worker.start()
    try:
        wait_until(lambda: len(load.acknowledged) >= 5, "writes before the outage", timeout=30)
        server.cluster.stop("immediate")  # as a crash would: no clean shutdown
        outage_started = time.monotonic()
        wait_until(lambda: any(at > outage_started for at, _, _ in load.failures), "a request during the outage")
        page = console.get(f"{server.url}/", timeout=30)
        assert page.status_code == 503
        assert "temporarily unavailable" in page.text and page.headers["Retry-After"]
        assert "<html" in page.text and "Traceback" not in page.text
        server.cluster.start()
        back = time.monotonic()
        wait_until(lambda: sum(at > back for at in load.successes_at) >= 10, "writes after the outage", timeout=30)
    finally:
        load.stop.set()
        worker.join(timeout=30)
    # Every failure was the Query API's own: ServiceFailure with 503, and none began after the database was back.
    assert load.failures
    assert {(code, status) for _, code, status in load.failures} == {("ServiceFailure", 503)}
    assert not [at for at, _, _ in load.failures if at > back]
    assert console.get(f"{server.url}/", timeout=30).status_code == 200
    # Nothing acknowledged was lost.
    names: set[str] = set()
    for page_of_users in iam.get_paginator("list_users").paginate():
        names.update(user["UserName"] for user in page_of_users["Users"])
    assert set(load.acknowledged) <= names
