"""Marker pagination as IAM's List operations do it (``Marker``, ``MaxItems``, ``IsTruncated``), and the console's
windows onto the same lists.

The marker is an opaque token holding the sort key of the last item returned (keyset pagination), so every page is
one query whatever its position, and items created or deleted meanwhile do not shift the pages.

A :class:`Window` is what a console list asks for instead: the items whose name contains a text, in a column's order,
page N. A List selector that takes ``window=`` answers it with :func:`paginate_window`: one query for the page and one
for the count, done by the database whatever the size of the list. Only internal faces pass it: botocore's models have
no such member, so the Query API cannot send one, and the REST API's serializers do not declare it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar, cast

from django.db.models import Case, F, Model, Q, QuerySet, Value, When
from django.db.models.expressions import BaseExpression, OrderBy

from iamconsole.errors import ValidationError, constraint_error

T = TypeVar("T", bound=Model)
#: An item of a page: a model instance, or a tuple of columns read with ``values_list``.
R = TypeVar("R")
DEFAULT_MAX_ITEMS = 100
MAX_MAX_ITEMS = 1000


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """One page of a list: the items, whether more follow, and the marker to ask for them."""

    items: Sequence[R]
    is_truncated: bool = False
    marker: str | None = None
    #: Answers to a :class:`Window` only: how many items match in all, and the window served (its order and page
    #: after an unknown column or a page past the end fell back).
    total: int | None = None
    window: Window | None = None

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def encode_marker(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([value]).encode()).decode()


def decode_marker(marker: str) -> Any:
    """The sort key a marker holds; ``ValidationError`` for anything this server did not issue."""
    try:
        (value,) = json.loads(base64.urlsafe_b64decode(marker.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise ValidationError("Invalid Marker.", field="marker") from None
    if not isinstance(value, str | int):
        raise ValidationError("Invalid Marker.", field="marker")
    return value


def check_max_items(max_items: int | None) -> int:
    """``MaxItems`` within AWS's bounds (1–1000), 100 when left out."""
    if max_items is None:
        return DEFAULT_MAX_ITEMS
    if max_items < 1:
        raise constraint_error(
            "MaxItems", max_items, "Member must have value greater than or equal to 1", field="max_items"
        )
    if max_items > MAX_MAX_ITEMS:
        raise constraint_error(
            "MaxItems", max_items, "Member must have value less than or equal to 1000", field="max_items"
        )
    return max_items


def paginate(
    queryset: QuerySet[Any, R],
    *,
    key: str,
    marker: str | None = None,
    max_items: int | None = None,
    descending: bool = False,
) -> Page[R]:
    """The page of ``queryset`` after ``marker``, ordered by ``key`` (a field or annotation unique in the set).

    A ``values_list`` queryset gives a page of tuples (no model instances built); ``key`` must then be one of its
    fields."""
    limit = check_max_items(max_items)
    ordered = queryset.order_by(f"-{key}" if descending else key)
    if marker:
        ordered = ordered.filter(**{f"{key}__{'lt' if descending else 'gt'}": decode_marker(marker)})
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows)
    items = rows[:limit]
    last: Any = items[-1]
    value = last[cast(Any, ordered)._fields.index(key)] if isinstance(last, tuple) else _key_value(last, key)
    return Page(items=items, is_truncated=True, marker=encode_marker(value))


def _key_value(row: Model, key: str) -> Any:
    value: Any = row
    for part in key.split("__"):
        value = getattr(value, part)
    return value


def page_shape(member: str, page: Page[Any], shape: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """A List output of the Query API: the items under ``member``, ``IsTruncated``, and ``Marker`` when truncated."""
    result: dict[str, Any] = {member: [shape(item) for item in page.items], "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result


#: Rows on one page of a console list.
WINDOW_SIZE = 25


@dataclass(frozen=True, slots=True)
class Window:
    """A console's view of a list: items whose searched columns contain ``search`` (ignoring case), ordered by the
    column ``sort`` (descending when ``descending``), page ``page`` of ``size`` rows. An empty ``sort`` is the
    list's own default order."""

    search: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1
    size: int = WINDOW_SIZE
    #: For pickers and search results: the item named exactly ``search`` first, then names that start with it.
    closest_first: bool = False


#: How a List selector orders its window: column key → a field name or expression (``Lower("name")``).
Sorts = Mapping[str, str | BaseExpression]


def paginate_window(
    queryset: QuerySet[T], window: Window, *, search: Sequence[str], sorts: Sorts, default_sort: str
) -> Page[T]:
    """The page of ``queryset`` that ``window`` asks for, searched, ordered and cut by the database.

    Two queries: the count, then the page. Rows without a value in the sort column (a user who never signed in)
    come last whichever the direction; ties fall back to the default order, then to the primary key, so a page
    never repeats or skips a row. An unknown column is the default order; a page past the end is the last page.
    """
    if window.search:
        needle = Q()
        for field in search:
            needle |= Q(**{f"{field}__icontains": window.search})
        queryset = queryset.filter(needle)
    if window.sort not in sorts:
        window = replace(window, sort=default_sort, descending=False)
    size = max(1, window.size)
    total = queryset.count()
    pages = max(1, -(-total // size))
    window = replace(window, page=min(max(1, window.page), pages), size=size)
    order = [_order_by(sorts[window.sort], descending=window.descending)]
    if window.closest_first and window.search:
        field = search[0]
        closeness = Case(
            When(**{f"{field}__iexact": window.search}, then=Value(0)),
            When(**{f"{field}__istartswith": window.search}, then=Value(1)),
            default=Value(2),
        )
        order.insert(0, closeness.asc())
    if window.sort != default_sort:
        order.append(_order_by(sorts[default_sort], descending=False))
    order.append(F("pk").asc())
    start = (window.page - 1) * size
    items = list(queryset.order_by(*order)[start : start + size])
    return Page(items=items, is_truncated=window.page < pages, total=total, window=window)


def _order_by(column: str | BaseExpression, *, descending: bool) -> OrderBy:
    expression: F | BaseExpression = F(column) if isinstance(column, str) else column
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
