"""Start-up and memory (issue 20): ``make run`` from a fresh clone to serving, and the resident memory of one web
process idle and after serving ListRoles over a large role list.

1. ``git clone`` of this checkout's HEAD into a temporary directory (nothing of the checkout's ``.venv`` or ``var``
   comes along), then ``make run`` there with ``PORT`` set to a free loopback port, as a user starts it (SQLite, the
   filesystem broker): the time until ``/healthz`` answers 200, the install of the lock included. Whether pip's cache
   (and any local wheel directory pip is configured with) was warm is printed: it decides most of that time.
2. The same ``make run`` stopped and started again in the installed clone: the start-up alone.
3. The resident set size (``VmRSS`` in /proc) of the gunicorn master and of each web worker, idle; then ``--roles``
   roles are written into the clone's database and listed in full through ListRoles (boto3, ``MaxItems=1000``, every
   page) and the workers' RSS is read again.

The process tree ``make run`` starts (make, scripts/run.py, gunicorn, the Celery worker and beat) runs in its own
process group and is killed at the end whatever happens; the clone is deleted.

    .venv/bin/python benchmarks/bench_startup.py [--roles 100000] [--timeout 600]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_query_throughput import _free_port  # noqa: E402


def _status(path: str, field: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(f"{field}:"):
            return line.split(":", 1)[1].strip()
    return ""


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: pid → (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                found[int(entry.name)] = (parent, (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


def _group(pgid: int) -> list[int]:
    """The live processes of process group ``pgid``."""
    members = []
    for pid in _processes():
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pgid:
                members.append(pid)
    return members


def _rss_mib(pid: int) -> float:
    return int(_status(f"/proc/{pid}/status", "VmRSS").split()[0]) / 1024


def _web_processes(pgid: int) -> tuple[int, list[int]]:
    """gunicorn's master and its workers among the group's processes."""
    table = _processes()
    gunicorn = [pid for pid in _group(pgid) if "gunicorn" in table.get(pid, (0, ""))[1]]
    master = next(pid for pid in gunicorn if table[pid][0] not in gunicorn)
    return master, sorted(pid for pid in gunicorn if table[pid][0] == master)


def _pip_cache() -> str:
    """What pip will find without the network: its cache's size and the local wheel directories it is told of."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    cache = subprocess.run([*pip, "cache", "dir"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    files = sum(len(names) for _, _, names in os.walk(cache)) if cache and Path(cache).is_dir() else 0
    links = subprocess.run(  # noqa: S603 - pip itself
        [*pip, "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    local = [line for line in links.splitlines() if "find-links" in line or "index-url='file:" in line]
    wheels = "; local wheel sources: " + ", ".join(line.split("=", 1)[1] for line in local) if local else ""
    return f"pip cache {cache or '(none)'}: {files} files ({'warm' if files else 'cold'}){wheels}"


@contextlib.contextmanager
def _make_run(clone: Path, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``make run`` in ``clone`` in its own process group; the whole group killed on the way out."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "IAM_VAR_DIR",
            "MAKEFLAGS",
            "MFLAGS",
            "MAKELEVEL",
        }
    }
    env["PORT"] = str(port)
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["make", "run"],  # noqa: S607
            cwd=clone,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the group (run.py stops its children), SIGKILL to whatever is left after 15 s."""
    pgid = process.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _group(pgid) and time.monotonic() < deadline:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    process.wait()
    left = _group(pgid)
    assert not left, f"processes left running: {left}"


def _wait_for_health(url: str, process: subprocess.Popen[bytes], timeout: float) -> float:
    """Seconds until ``url`` answers 200; an error if ``make run`` exits first or ``timeout`` passes."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"make run exited with {process.returncode} before serving")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            if response.status == 200:  # loopback only
                return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def _store_roles(database: Path, account_id: str, count: int) -> float:
    """``count`` roles in the account, one INSERT over a recursive sequence; seconds taken."""
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    started = time.monotonic()
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection, connection:
        (account_pk,) = connection.execute(
            "SELECT id FROM accounts_account WHERE account_id = ?", [account_id]
        ).fetchone()
        connection.execute(
            "INSERT INTO identities_role (account_id, role_id, name, path, assume_role_policy_document, description, "
            "max_session_duration, tags, created_at, last_used_region, linked_service) "
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) "
            "SELECT ?, 'AROA' || substr('00000000000000000' || n, -17, 17), 'memory-role-' || n, '/', ?, '', 3600, "
            "'{}', strftime('%Y-%m-%d %H:%M:%f', 'now'), '', '' FROM seq",
            [count, account_pk, trust],
        )
    return time.monotonic() - started


def _root_key(clone: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "IAM_VAR_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = "iamconsole.settings"
    output = subprocess.run(  # noqa: S603 - the clone's own manage.py
        [str(clone / ".venv/bin/python"), "manage.py", "createaccount", "--json"],
        cwd=clone,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    created: dict[str, str] = json.loads(output)
    return created


def _list_all_roles(endpoint: str, key: dict[str, str]) -> tuple[int, float]:
    iam = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key["access_key_id"],
        aws_secret_access_key=key["secret_access_key"],
        config=Config(retries={"total_max_attempts": 1}, read_timeout=120),
    )
    started = time.monotonic()
    count = 0
    for page in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 1000}):
        count += len(page["Roles"])
    return count, time.monotonic() - started


def _memory_line(label: str, pgid: int) -> None:
    master, workers = _web_processes(pgid)
    sizes = ", ".join(f"{_rss_mib(pid):.0f}" for pid in workers)
    print(f"{label}: gunicorn master {_rss_mib(master):.0f} MiB, web workers {sizes} MiB (RSS)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=100_000, help="roles listed before the second memory reading")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for the fresh clone to serve")
    options = parser.parse_args()
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"HEAD {head[:12]}{' (uncommitted changes are not in the clone)' if dirty else ''}, {os.cpu_count()} cores")
    print(_pip_cache())
    work = Path(tempfile.mkdtemp(prefix="iamconsole-startup-"))
    clone, log = work / "iamconsole", work / "make-run.log"
    try:
        started = time.monotonic()
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)  # noqa: S603, S607
        subprocess.run(["git", "checkout", "--quiet", head], cwd=clone, check=True)  # noqa: S603, S607
        cloned = time.monotonic() - started
        port = _free_port()
        health = f"http://127.0.0.1:{port}/healthz"
        with _make_run(clone, port, log) as process:
            serving = _wait_for_health(health, process, options.timeout)
            print(
                f"fresh clone: git clone {cloned:.1f} s, then make run (install, migrate, demo account, start) "
                f"to /healthz 200 in {serving:.1f} s: {cloned + serving:.1f} s in all"
            )
        port = _free_port()
        health = f"http://127.0.0.1:{port}/healthz"
        with _make_run(clone, port, log) as process:
            again = _wait_for_health(health, process, 120)
            print(f"second make run in the installed clone: /healthz 200 in {again:.1f} s")
            time.sleep(2)  # let the first requests' lazy imports settle
            _memory_line("idle", process.pid)
            key = _root_key(clone)
            stored = _store_roles(clone / "var/iamconsole.sqlite3", key["account_id"], options.roles)
            listed, seconds = _list_all_roles(f"http://127.0.0.1:{port}/aws", key)
            print(
                f"stored {options.roles:,} roles in {stored:.1f} s; "
                f"listed {listed:,} in {seconds:.1f} s (pages of 1,000)"
            )
            _memory_line(f"after ListRoles over {options.roles:,} roles", process.pid)
    except Exception:
        print(f"make run's output ({log}):")
        with contextlib.suppress(OSError):
            print(log.read_text()[-3000:])
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
