"""Run one callable from several threads at once, each on its own database connection, for race tests.

On PostgreSQL the threads really overlap, so row locks and unique constraints are what keeps the outcome right. SQLite
locks whole tables and fails overlapping writers with "database table is locked" instead of waiting, so there the
calls are serialized: the test still checks the outcome, without the race.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections


def run_concurrently(count: int, target: Callable[[], Any]) -> list[Any]:
    """Call ``target`` from ``count`` threads released together; each result, or the exception raised, in a list."""
    barrier = threading.Barrier(count)
    serial = threading.Lock() if connection.vendor == "sqlite" else None
    results: list[Any] = []

    def worker() -> None:
        try:
            barrier.wait()
            with serial or contextlib.nullcontext():
                results.append(target())
        except Exception as exc:  # collected: the test asserts on the mix of outcomes
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def race(target: Callable[[int], Any], count: int = 2) -> list[BaseException | None]:
    """Call ``target(index)`` from ``count`` threads released together; None or the exception raised, per index."""
    barrier = threading.Barrier(count)
    results: list[BaseException | None] = [None] * count
    # SQLite cannot upgrade concurrent read transactions to writes: there the racers take turns (serialized).
    turn = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def worker(index: int) -> None:
        try:
            barrier.wait()
            with turn:
                target(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
