"""Decoding column values read with raw SQL, the same on SQLite and PostgreSQL.

The credential lookups on every API request read a handful of columns with one precomposed statement instead of the
ORM (whose query compilation costs twenty times the query itself); these helpers give their values the types the
ORM would, and :func:`fetch_row` runs the statement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils.dateparse import parse_datetime


def aware_datetime(value: Any) -> datetime | None:
    """A timezone-aware datetime from a column (SQLite hands back naive UTC text, PostgreSQL aware datetimes)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a datetime: {value!r}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def json_value(value: Any) -> Any:
    """A JSON column's value (text on SQLite and in Django's PostgreSQL set-up, already decoded elsewhere)."""
    if value is None:
        return None
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def fetch_row(sql: str, params: Sequence[Any]) -> Any:
    """The first row a precomposed statement reads (a tuple of column values), or None when it reads none."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
