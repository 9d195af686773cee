"""When the database cannot be reached or written: the face's own error, never a traceback.

PostgreSQL restarting, a network cut, or a SQLite file that became read-only or whose disk is full raise Django's
``OperationalError`` (``InterfaceError`` for a connection that died in use). The Query API answers AWS's
``ServiceFailure`` with HTTP 503 (``iamconsole.awsquery.views``); the console a styled 503 page (:func:`server_error`,
Django's ``handler500``). With ``CONN_HEALTH_CHECKS`` the next request after the outage opens a fresh connection,
so nothing has to be restarted. Before any of that, a system check (run by ``migrate``, hence by ``make run``) refuses
to start on a SQLite file that cannot be written or a disk that is full, naming the file.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

#: What a database that is down, restarting, read-only or out of space raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_problem(error: BaseException) -> str:
    """One line for the log and the page: which database, and what it said (for SQLite, the file's path)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        where = f"the SQLite database {database['NAME']}"
    else:
        where = f"the database {database.get('NAME')} on {database.get('HOST') or 'localhost'}"
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{where} is unavailable: {reason}"


def log_database_problem(error: BaseException) -> None:
    logger.error("request refused with 503: %s", database_problem(error))


def database_unavailable_page() -> HttpResponse:
    """The console's 503 page, rendered without touching the database (no session, no actor)."""
    body = render_to_string("503.html", {"actor": None, "retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage is a 503 page that says so; any other error is Django's plain 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        log_database_problem(error)
        return database_unavailable_page()
    return defaults.server_error(request)


#: Less free space than this next to a SQLite database is a full disk for the start-up check.
MINIMUM_FREE_BYTES = 1024 * 1024


def sqlite_write_problem(path: Path) -> str | None:
    """Why the SQLite database at ``path`` cannot be written by this process, or None when it can."""
    folder = path.parent
    if not folder.is_dir():
        return f"its folder {folder} does not exist"
    if shutil.disk_usage(folder).free < MINIMUM_FREE_BYTES:
        return f"the disk holding {folder} is full"
    if not path.exists():
        return None if _writable_folder(folder) else f"its folder {folder} is not writable"
    try:
        connection = sqlite3.connect(path, timeout=0.2)
        try:
            # A write that changes nothing, rolled back: a read-only file fails here, not at BEGIN.
            connection.execute("BEGIN IMMEDIATE")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            connection.execute(f"PRAGMA user_version = {int(version)}")
            connection.rollback()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):  # another process is writing: the file is writable
            return None
        return str(exc)
    return None


def _writable_folder(folder: Path) -> bool:
    probe = folder / ".iamconsole-write-probe"
    try:
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    return True


@register()
def check_sqlite_writable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``iamconsole.E001``: every SQLite database (``default`` and ``attempts``) can be written, with room on disk."""
    problems: list[CheckMessage] = []
    for alias, database in settings.DATABASES.items():
        if database["ENGINE"] != "django.db.backends.sqlite3" or str(database["NAME"]).startswith(":memory:"):
            continue
        path = Path(str(database["NAME"]))
        problem = sqlite_write_problem(path)
        if problem:
            problems.append(
                Error(
                    f"The SQLite database {path} ({alias}) cannot be written: {problem}.",
                    hint="Make the file and its folder writable by the user running iamconsole, free some disk "
                    "space, or point DATABASE_URL at another database.",
                    id="iamconsole.E001",
                )
            )
    return problems
