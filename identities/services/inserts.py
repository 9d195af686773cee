"""Inserting a row that a unique constraint may refuse.

The services check names and quotas under a lock first; the database's constraint still decides between concurrent
creates, and its refusal becomes the AWS error the caller names instead of an ``IntegrityError``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from iamconsole.errors import IamError

__all__ = ["insert_unique"]

M = TypeVar("M", bound=models.Model)


def insert_unique(model: type[M], *, duplicate: IamError, **fields: Any) -> M:
    """The new ``model`` row, inserted in a savepoint; ``duplicate`` when a unique constraint refuses it (the
    surrounding transaction stays usable)."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError as exc:
        raise duplicate from exc
