"""Audit records of successful reads, written in batches by one thread per process (issue 20).

Every read of every face writes an audit record. Written in the request, each one was an INSERT of its own and, on
SQLite, a turn at the database's single write lock, which a read otherwise never needs. Here a successful read's
record (already prepared as the INSERT's values) joins a per-process queue, and a writer thread inserts the queue in
one statement once ``IAM_AUDIT_READ_BATCH`` records wait or ``IAM_AUDIT_READ_FLUSH_SECONDS`` after the first one
came, in autocommit on its own connection, so no request's transaction or rollback can take them along.

What a crash can lose: a process killed outright (SIGKILL, power loss) loses the records still queued, at most the
batch size and at most the flush interval's worth of reads. A normal exit (gunicorn's graceful stop, the end of a
management command) writes them first (``atexit``). Writes and refused or failed calls are never queued: they are
recorded in the request, as before. Readers of the audit trail in this process call :func:`flush` first, so a
request sees the reads this process made before it; another process's queued reads appear within the interval.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from django.conf import settings
from django.db import Error, close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

_ready = threading.Condition()
#: Queued records: (the INSERT, its values, its values without the account), in the order the reads finished.
Row = tuple[str, list[Any], list[Any]]
_queue: list[Row] = []
#: Flushes asked for and flushes done, counted: a caller of ``flush`` waits until the writer has done its own.
_asked = 0
_done = 0
_writer: threading.Thread | None = None
#: True while the writer inserts records it took off the queue (not yet committed).
_writing = False


def enabled() -> bool:
    return int(settings.IAM_AUDIT_READ_BATCH) > 1


def add(sql: str, values: list[Any], orphan: list[Any]) -> None:
    """Queue one prepared record; the writer thread inserts it with the others. ``orphan`` is the same record without
    its account, as ``on_delete=SET_NULL`` would leave it: what is written if the account is deleted meanwhile."""
    with _ready:
        _queue.append((sql, values, orphan))
        _start_writer()
        if len(_queue) == 1 or len(_queue) >= int(settings.IAM_AUDIT_READ_BATCH):
            _ready.notify_all()


def flush(timeout: float = 30.0) -> None:
    """Write every record queued so far in this process and wait until they are committed.

    Inside a transaction (a write that reads the trail) the queue is written here, in that transaction: on SQLite it
    holds the write lock the writer thread would wait for. Those records are lost if that transaction rolls back, and a
    batch the writer is inserting at that moment is not waited for.
    """
    global _asked
    if connection.in_atomic_block:
        with _ready:
            rows = list(_queue)
            _queue.clear()
        _write(rows)
        return
    with _ready:
        if not _queue and not _writing and _asked == _done:
            return
        _start_writer()
        _asked += 1
        wanted = _asked
        _ready.notify_all()
        if not _ready.wait_for(lambda: _done >= wanted, timeout):
            logger.error("audit records of reads were not written within %s s", timeout)


def pending() -> int:
    """How many records wait in this process's queue (for tests and benchmarks)."""
    with _ready:
        return len(_queue)


def _start_writer() -> None:
    # Called with ``_ready`` held. Started on first use, in the process that uses it (after gunicorn's fork).
    global _writer
    if _writer is None or not _writer.is_alive():
        _writer = threading.Thread(target=_write_forever, name="audit-batch-writer", daemon=True)
        _writer.start()


def _wanted(rows: int) -> bool:
    """Whether the writer should write now: ``rows`` records wait, or a flush was asked for."""
    return len(_queue) >= rows or _asked > _done


def _batch_full() -> bool:
    return _wanted(max(int(settings.IAM_AUDIT_READ_BATCH), 1))


def _write_forever() -> None:
    global _done, _writing
    while True:
        with _ready:
            _ready.wait_for(lambda: _wanted(1))
            _ready.wait_for(_batch_full, float(settings.IAM_AUDIT_READ_FLUSH_SECONDS))
            rows, wanted = list(_queue), _asked
            _queue.clear()
            _writing = True
        try:
            # The writer's connection obeys CONN_MAX_AGE and the health checks as a request's does, before and after.
            close_old_connections()
            _write(rows)
            close_old_connections()
        finally:
            with _ready:
                _writing = False
                _done = max(_done, wanted)
                _ready.notify_all()


def _write(rows: list[Row]) -> None:
    """Insert ``rows`` on this thread's connection; a batch that fails is retried row by row (a row whose account was
    deleted meanwhile without its account), so one bad record costs only itself, and what is lost is logged."""
    if not rows:
        return
    try:
        _insert([(sql, values) for sql, values, _orphan in rows])
    except Error:
        for sql, values, orphan in rows:
            try:
                _insert([(sql, values)])
            except Error:
                try:
                    _insert([(sql, orphan)])
                except Error:
                    logger.exception("audit record of a read could not be written: %r", values)


def _insert(rows: list[tuple[str, list[Any]]]) -> None:
    by_statement: dict[str, list[list[Any]]] = {}
    for sql, values in rows:
        by_statement.setdefault(sql, []).append(values)
    # In a transaction, a failed INSERT must not break it: each try gets a savepoint.
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, values_list in by_statement.items():
            cursor.executemany(sql, values_list)


atexit.register(flush)
