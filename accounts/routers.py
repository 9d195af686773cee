"""Database routing: attempt counters and used one-time codes go through the ``attempts`` connection.

That connection is a second one in autocommit (the same PostgreSQL database; a file of its own next to a SQLite
database, since a second connection to the same SQLite file would wait for the request's own write lock). A write
through it is committed at once, whatever the request's transaction on ``default`` does afterwards.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

ATTEMPTS = "attempts"
ATTEMPT_MODELS = frozenset({"failedattempt", "usedcode"})


def _is_attempt_model(model: type[Model]) -> bool:
    return model._meta.app_label == "accounts" and model._meta.model_name in ATTEMPT_MODELS


class AttemptsRouter:
    """Sends the attempt models to ``attempts`` and nothing else there; everything else is ``default``'s."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return ATTEMPTS if _is_attempt_model(model) else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return ATTEMPTS if _is_attempt_model(model) else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        is_attempt_model = app_label == "accounts" and model_name in ATTEMPT_MODELS
        if db == ATTEMPTS:
            return is_attempt_model
        # On PostgreSQL both connections reach one database, migrated through ``default``.
        return None
