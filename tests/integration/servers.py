"""Servers of the fault tests' own, on free loopback ports: a Redis server they stop and start again.

The shared Redis and PostgreSQL of the machine (and of CI) are never stopped: a test that needs an outage starts a
process of its own. A missing binary fails the test, never skips it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

START_TIMEOUT = 15.0


def iam_client(
    url: str, access_key_id: str, secret_access_key: str, *, connect_timeout: float = 60, read_timeout: float = 60
) -> Any:
    """A boto3 IAM client on the Query API at ``url`` that tries each call once: a fault test sees every failure.
    The timeouts default to botocore's own."""
    config = Config(retries={"max_attempts": 1}, connect_timeout=connect_timeout, read_timeout=read_timeout)
    return boto3.client(
        "iam",
        endpoint_url=f"{url}/aws",
        region_name="us-east-1",
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=config,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition: object, what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def binary(name: str, *candidates: str) -> str:
    """The path of a server binary; the test fails (it is never skipped) when none is installed."""
    found = shutil.which(name) or next((path for path in candidates if Path(path).exists()), None)
    if found is None:
        pytest.fail(f"{name} is needed by the fault tests and is not installed")
    return found


class RedisServer:
    """``redis-server`` on a free port, without persistence; ``stop()`` and ``start()`` again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [binary("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open(self.port), f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        wait_until(lambda: not port_open(self.port), f"redis-server on port {self.port} to stop")


#: Debian's and Ubuntu's PostgreSQL server binaries (not on PATH there), the newest installed version.
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name), default=Path("/nonexistent")
)


class PostgresCluster:
    """A PostgreSQL cluster of the test's own in a temporary directory, on a free loopback port, trusting local
    connections. PostgreSQL refuses to run as root: under root the server runs as the ``postgres`` user."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="iamconsole-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            pytest.fail(f"{' '.join(command)} failed: {result.stdout}{result.stderr}\n{log}")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        initdb = binary("initdb", str(PG_BIN / "initdb"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(self._pg_ctl(), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(self._pg_ctl(), "-D", str(self.data), "-m", mode, "-w", "stop")

    def _pg_ctl(self) -> str:
        return str(PG_BIN / "pg_ctl") if (PG_BIN / "pg_ctl").exists() else binary("pg_ctl")

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
