"""When the database cannot be reached or written: the face's own error, never a traceback.

PostgreSQL restarting, a network cut, or a SQLite file that became read-only or whose disk is full raise Django's
``OperationalError`` (``InterfaceError`` for a connection that died in use). The Query API answers AWS's
``ServiceFailure`` with HTTP 503 (``iamconsole.awsquery.views``); the console a styled 503 page (:func:`server_error`,
Django's ``handler500``). With ``CONN_HEALTH_CHECKS`` the next request after the outage opens a fresh connection,
so nothing has to be restarted.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
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
