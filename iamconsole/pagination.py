"""Marker pagination as IAM's List operations do it (``Marker``, ``MaxItems``, ``IsTruncated``).

The marker is an opaque token holding the sort key of the last item returned (keyset pagination), so every page is
one query whatever its position, and items created or deleted meanwhile do not shift the pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

from iamconsole.errors import ValidationError, constraint_error

T = TypeVar("T", bound=Model)
DEFAULT_MAX_ITEMS = 100
MAX_MAX_ITEMS = 1000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: the items, whether more follow, and the marker to ask for them."""

    items: Sequence[T]
    is_truncated: bool = False
    marker: str | None = None

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
    queryset: QuerySet[T],
    *,
    key: str,
    marker: str | None = None,
    max_items: int | None = None,
    descending: bool = False,
) -> Page[T]:
    """The page of ``queryset`` after ``marker``, ordered by ``key`` (a field or annotation unique in the set)."""
    limit = check_max_items(max_items)
    ordered = queryset.order_by(f"-{key}" if descending else key)
    if marker:
        ordered = ordered.filter(**{f"{key}__{'lt' if descending else 'gt'}": decode_marker(marker)})
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows)
    items = rows[:limit]
    return Page(items=items, is_truncated=True, marker=encode_marker(_key_value(items[-1], key)))


def _key_value(row: Model, key: str) -> Any:
    value = row
    for part in key.split("__"):
        value = getattr(value, part)
    return value


def page_shape(member: str, page: Page[Any], shape: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """A List output of the Query API: the items under ``member``, ``IsTruncated``, and ``Marker`` when truncated."""
    result: dict[str, Any] = {member: [shape(item) for item in page.items], "IsTruncated": page.is_truncated}
    if page.marker:
        result["Marker"] = page.marker
    return result
