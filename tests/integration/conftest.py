"""A real Celery worker with embedded beat, started once for the integration tests, and a way to wait for it.

The worker is ``celery -A iamconsole worker -B`` in a subprocess, on the test database (a file on SQLite,
pytest-django's ``test_…`` database on PostgreSQL) and on a broker of its own: Redis database
``IAM_TEST_REDIS_DB`` (15) when ``REDIS_URL`` is set, as in CI, otherwise kombu's filesystem transport in a
temporary directory. This process publishes to the same broker. Nothing is skipped: without Redis the filesystem
transport is used.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 30.0


@dataclass
class Broker:
    """Where the worker listens: a URL and kombu transport options (the filesystem transport's folders)."""

    url: str
    transport_options: dict[str, Any]
    env: dict[str, str]


def _redis_url_for_tests(url: str) -> str:
    # One database per pytest-xdist worker (gw0 takes 15, gw1 14, ...): each flushes its own at the start.
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    database = int(os.environ.get("IAM_TEST_REDIS_DB", "15")) - worker
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def _broker(tmp: Path) -> Broker:
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        url = _redis_url_for_tests(redis_url)
        import redis

        redis.Redis.from_url(url).flushdb()
        return Broker(url=url, transport_options={"visibility_timeout": 3600}, env={"REDIS_URL": url})
    queue = tmp / "celery"
    folders = {name: queue / name for name in ("queue", "control", "processed")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "control_folder": str(folders["control"]),
        "processed_folder": str(folders["processed"]),
        "store_processed": False,
    }
    # The worker's settings put the queue under IAM_VAR_DIR/celery: the same folders.
    return Broker(url="filesystem://", transport_options=options, env={})


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or ''}{port}/{db['NAME']}"


def _reset_publisher_connections(app: Any) -> None:
    """Forget pooled broker connections so that the next publish uses the current ``broker_url``."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def publishing_to(url: str, transport_options: dict[str, Any]) -> Iterator[None]:
    """Make this process publish to ``url`` (the web side of a request) for the duration of the block."""
    from iamconsole.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.update(broker_url=url, broker_transport_options=transport_options)
    _reset_publisher_connections(app)
    try:
        yield
    finally:
        app.conf.update(broker_url=saved[0], broker_transport_options=saved[1])
        _reset_publisher_connections(app)


@dataclass
class Worker:
    """The running worker: its broker, its log, and helpers to wait for what it does."""

    broker: Broker
    log: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, probe: Callable[[], T | None], *, timeout: float = 60.0, what: str = "the worker") -> T:
        """Poll ``probe`` until it returns something other than None/False; fail with the worker's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = probe()
            if value:
                return value
            if self.process.poll() is not None:
                pytest.fail(
                    f"the worker exited ({self.process.returncode}) waiting for {what}:\n{self.output()[-4000:]}"
                )
            time.sleep(0.1)
        pytest.fail(f"timed out after {timeout}s waiting for {what}; worker log:\n{self.output()[-4000:]}")


def start_worker(tmp: Path, broker: Broker, database_url: str, **extra_env: str) -> Worker:
    """Start ``celery worker -B`` (solo pool) on ``database_url`` and ``broker``, and wait until it is ready."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    if database_url.startswith("postgres"):
        # The worker gives way within half a second to the flush that ends each transactional test: its beat runs
        # every second, and a lock it holds while waiting for the flush's TRUNCATE is a deadlock PostgreSQL breaks
        # after a second by failing either side, the test's teardown included.
        database_url += "?options=" + quote("-c lock_timeout=500")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "iamconsole.settings",
            "DATABASE_URL": database_url,
            "IAM_VAR_DIR": str(tmp),
            "SECRET_KEY": settings.SECRET_KEY,
            "IAM_ENCRYPTION_KEY": ",".join(settings.IAM_ENCRYPTION_KEYS),
            "IAM_OUTBOX_INTERVAL_SECONDS": "1",
            "IAM_SWEEP_INTERVAL_SECONDS": "1",
            "IAM_SERVICE_LINKED_ROLE_DELETION_DELAY_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
            **broker.env,
            **extra_env,
        }
    )
    log = tmp / f"worker-{time.monotonic_ns()}.log"
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "iamconsole",
        "worker",
        "-B",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
        f"--schedule={tmp / f'celerybeat-schedule-{time.monotonic_ns()}'}",
    ]
    with log.open("wb") as stream:
        # A process group of its own: its embedded beat, a child process, goes with it when the worker is killed.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = Worker(broker=broker, log=log, process=process)
    worker.wait_for(lambda: "ready." in worker.output(), timeout=READY_TIMEOUT, what="the worker to be ready")
    return worker


def kill_worker(worker: Worker) -> None:
    """SIGKILL the worker and its embedded beat, as a crash or the OOM killer would."""
    with suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


def stop_worker(worker: Worker) -> None:
    worker.process.send_signal(signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        worker.process.wait(timeout=10)
    kill_worker(worker)  # whatever of its group is left


@pytest.fixture
def database_url(django_db_setup: Any, django_db_blocker: Any) -> str:
    """The test database as a ``DATABASE_URL``, for processes of the test's own."""
    with django_db_blocker.unblock():
        return _database_url()


def new_broker(tmp: Path) -> Broker:
    """A broker of the test's own: ``REDIS_URL``'s test database when set (CI), else the filesystem transport."""
    return _broker(tmp)


@pytest.fixture(scope="module")
def celery_worker(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """A worker with embedded beat on the test database and a private broker; killed at the end of the module."""
    tmp = tmp_path_factory.mktemp("celery")
    broker = _broker(tmp)
    with django_db_blocker.unblock():
        database_url = _database_url()
    worker = start_worker(tmp, broker, database_url)
    try:
        with publishing_to(broker.url, broker.transport_options):
            yield worker
    finally:
        stop_worker(worker)
