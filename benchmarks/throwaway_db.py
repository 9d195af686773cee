"""The throwaway database the database benchmarks run in: created empty from the models (no migrations, as the test
runner does), dropped afterwards whatever happens. ``DATABASE_URL`` picks PostgreSQL or SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, connections


@contextmanager
def throwaway_database() -> Iterator[None]:
    """Also the ``attempts`` connection's: on PostgreSQL it is the same database (pointed at the throwaway one, as the
    test runner mirrors it); on SQLite its own file, created and dropped alike."""
    attempts = connections["attempts"]
    shared = attempts.settings_dict["NAME"] == connection.settings_dict["NAME"]
    for alias in ("default",) if shared else ("default", "attempts"):
        settings.DATABASES[alias].setdefault("TEST", {})["MIGRATE"] = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    old_attempts = attempts.settings_dict["NAME"]
    if shared:
        attempts.close()
        attempts.settings_dict["NAME"] = connection.settings_dict["NAME"]
    else:
        attempts.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        from accounts import audit_batch

        audit_batch.flush()  # the records of reads still queued belong to this database, not to the one after it
        if shared:
            attempts.close()
            attempts.settings_dict["NAME"] = old_attempts
        else:
            attempts.creation.destroy_test_db(old_attempts, verbosity=0)
        connection.creation.destroy_test_db(old_name, verbosity=0)


def analyze(*tables: str) -> None:
    """Refresh PostgreSQL's planner statistics of freshly filled ``tables``, so timed queries get the plans a live
    database would choose (SQLite keeps none to refresh)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
