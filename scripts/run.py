"""Serve iamconsole for ``make run``: gunicorn on 127.0.0.1:$PORT, a Celery worker and beat; Ctrl-C stops all three.

Without ``REDIS_URL`` the worker and beat use kombu's filesystem transport under ``var/celery`` (see settings).
``IAM_WEB_WORKERS`` and ``IAM_WEB_THREADS`` set gunicorn's processes and threads per process (docs/performance.md
compares settings); ``IAM_WORKER_LOG_LEVEL`` (``warning``) the worker's and beat's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKER_LOG_LEVEL = os.environ.get("IAM_WORKER_LOG_LEVEL", "warning")


def main() -> int:
    port = os.environ.get("PORT", "8000")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "iamconsole.settings"}
    commands = {
        "web": [
            str(BIN / "gunicorn"),
            "iamconsole.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("IAM_WEB_WORKERS", "2"),
            "--threads",
            os.environ.get("IAM_WEB_THREADS", "4"),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ],
        "worker": [
            str(BIN / "celery"),
            "-A",
            "iamconsole",
            "--quiet",
            "worker",
            # Warnings only, and no banner: the outbox and sweep tasks run every few seconds, and their INFO lines
            # would bury the demo account's credentials and the access log.
            "-l",
            WORKER_LOG_LEVEL,
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "worker@%h",
        ],
        "beat": [str(BIN / "celery"), "-A", "iamconsole", "--quiet", "beat", "-l", WORKER_LOG_LEVEL],
    }
    processes = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()}
    print(f"iamconsole: serving http://127.0.0.1:{port}/ (console) and /aws (AWS API); Ctrl-C stops.", flush=True)

    def stop(*_: object) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_and_exit(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_and_exit)
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"iamconsole: {name} exited with {process.returncode}; stopping.", flush=True)
                    stop()
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
