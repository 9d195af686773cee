"""SQLite in write-ahead-log mode: ``make run``'s web processes and worker read while one of them writes.

With SQLite's default rollback journal a reader waits for a writer to commit and a writer for every reader to
finish, so concurrent requests queue behind each other (issue 20's long p99). The mode is persistent in the file;
setting it on every new connection also converts a database made before this existed.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created)
def use_write_ahead_log(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
    except OperationalError:
        pass  # a read-only file or a full disk: the start-up check iamconsole.E001 names the file and the reason
