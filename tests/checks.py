"""Checks that several test modules make the same way: a delete refused until each dependent is removed, a list read
in a constant number of queries, and a secret stored only encrypted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iamconsole import crypto, operations
from iamconsole.errors import DeleteConflict
from tests.factories import HasAccountId, root_of

#: One dependent: DeleteConflict's message while it is there, and the operation (with its own parameters) removing it.
ConflictStep = tuple[str, str, dict[str, Any]]


def assert_delete_conflicts(
    account: HasAccountId, delete: str, target: dict[str, Any], steps: Sequence[ConflictStep]
) -> None:
    """``delete`` of ``target`` is refused with each step's message in turn, until that step's operation removes the
    dependent; once all are gone it succeeds."""
    root = root_of(account)
    for message, remove, params in steps:
        with pytest.raises(DeleteConflict) as exc:
            operations.run(root, delete, target)
        assert exc.value.message == message
        operations.run(root, remove, {**target, **params})
    operations.run(root, delete, target)


def assert_constant_queries(fill: Callable[[int], None], read: Callable[[], int]) -> None:
    """Reading 2 and then 20 items takes as many queries: ``fill(n)`` makes n items exist, ``read()`` counts them."""
    counts = []
    for total in (2, 20):
        fill(total)
        with CaptureQueriesContext(connection) as queries:
            assert read() == total
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def assert_stored_encrypted(table: str, column: str, pk: int, secret: str) -> None:
    """The row holds ``secret`` only encrypted: read back as stored, it does not contain it and decrypts to it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names are the test's own)
        (stored,) = cursor.fetchone()
    assert secret not in stored
    assert crypto.decrypt(stored) == secret
