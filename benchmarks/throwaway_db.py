"""The throwaway database the database benchmarks run in: created empty from the models (no migrations, as the test
runner does), dropped afterwards whatever happens. ``DATABASE_URL`` picks PostgreSQL or SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def throwaway_database() -> Iterator[None]:
    settings.DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
