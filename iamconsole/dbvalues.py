"""Decoding column values read with raw SQL, the same on SQLite and PostgreSQL.

The credential lookups on every API request read a handful of columns with one precomposed statement instead of the
ORM (whose query compilation costs twenty times the query itself); these helpers give their values the types the
ORM would, and :func:`fetch_row` runs the statement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

from django.db import connection
from django.db.models import ForeignKey, Model
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


M = TypeVar("M", bound=Model)
#: One model's share of a composed row: the model, its attribute names, each column's converters and expression, and
#: where its primary key is among its columns.
_Part = tuple[type[Model], list[str], list[list[Any]], list[Any], int]


class RowReader(Generic[M]):
    """One model's rows read with a precomposed statement, as model instances the ORM would have built.

    The statement selects every concrete column of ``model`` (alias ``t``) and of each forward foreign key in
    ``related``, LEFT JOINed under the alias ``j_NAME`` as ``select_related`` would; ``where`` (raw SQL over those
    aliases, with ``%s`` placeholders, and any ORDER BY or LIMIT) ends it. Each value goes through the converters the
    ORM applies to that column on this database (``get_db_converters``: datetimes on SQLite, JSON, booleans), then
    ``Model.from_db``; a joined row whose key is NULL is cached as None. Composing the statement and the converters
    happens once per process; the ORM compiles its query on every call, which costs several times the query itself.
    ``lock`` adds ``FOR UPDATE OF t`` where the database has it (as ``select_for_update`` would; SQLite, whose
    transactions take the write lock when they begin, has none).
    """

    def __init__(self, model: type[M], *, where: str, related: tuple[str, ...] = (), lock: bool = False) -> None:
        self.model = model
        self.related = tuple(cast("ForeignKey[Any, Any]", model._meta.get_field(name)) for name in related)
        self.where = where
        self.lock = lock

    @cached_property
    def _composed(self) -> tuple[str, list[_Part]]:
        def quote(name: object) -> str:
            return connection.ops.quote_name(str(name))

        parts: list[_Part] = []
        columns: list[str] = []
        joins: list[str] = []
        sources: list[tuple[type[Model], str]] = [(self.model, "t")]
        for field in self.related:
            alias = f"j_{field.name}"
            target = field.related_model
            sources.append((target, alias))
            joins.append(
                f" LEFT JOIN {quote(target._meta.db_table)} {alias} "
                f"ON {alias}.{quote(target._meta.pk.column)} = t.{quote(field.column)}"
            )
        for model, alias in sources:
            fields = list(model._meta.concrete_fields)
            columns.extend(f"{alias}.{quote(field.column)}" for field in fields)
            expressions = [field.get_col(alias) for field in fields]
            converters = [
                connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
                for expression in expressions
            ]
            parts.append(
                (model, [field.attname for field in fields], converters, expressions, fields.index(model._meta.pk))
            )
        sql = (
            f"SELECT {', '.join(columns)} FROM {quote(self.model._meta.db_table)} t{''.join(joins)} "  # noqa: S608
            f"WHERE {self.where}"
        )
        if self.lock and connection.features.has_select_for_update_of:
            sql += " FOR UPDATE OF t"
        return sql, parts

    def one(self, params: list[Any]) -> M | None:
        """The first row the statement reads with ``params``, or None."""
        sql, parts = self._composed
        row = fetch_row(sql, params)
        if row is None:
            return None
        built: list[Model | None] = []
        start = 0
        for model, attnames, converters, expressions, pk_index in parts:
            values = list(row[start : start + len(attnames)])
            start += len(attnames)
            for index, column_converters in enumerate(converters):
                for converter in column_converters:
                    values[index] = converter(values[index], expressions[index], connection)
            # The joined row of a NULL foreign key: every column NULL, the primary key among them.
            built.append(None if values[pk_index] is None else model.from_db(connection.alias, attnames, values))
        instance = cast(M, built[0])
        for field, related in zip(self.related, built[1:], strict=True):
            field.set_cached_value(instance, related)
        return instance
