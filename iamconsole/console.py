"""The console's conventions, shared by every page: running operations, rendering pages and errors, and lists.

* :func:`run` and :func:`can_run` call the catalogue as the signed-in actor, with the request's context.
* :func:`page` renders a page, or only its named partial (django-template-partials) for an htmx request.
* :func:`render_error` is the one way a page shows an ``IamError``: ``AccessDenied`` as a panel naming the missing
  permission, any other error on the form (the field at fault, or the whole form) or, without a form, as a banner.
  The response carries the error's HTTP status, as the other faces do.
* :func:`list_all` and :func:`listing` are the list component: every item of a List operation, followed through its
  markers, then searched, sorted and cut into pages on the server, with the links of ``console/_listing.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.http import HttpResponse, QueryDict
from django.shortcuts import render

from iamconsole import operations, web
from iamconsole.actors import Source
from iamconsole.errors import AccessDenied, IamError
from iamconsole.middleware import SignedInRequest

T = TypeVar("T")

#: Rows on one page of a console list.
PER_PAGE = 25
#: The largest page a List operation returns (AWS's MaxItems bound): the fewest calls to read a whole list.
LIST_BATCH = 1000


def run(request: SignedInRequest, name: str, params: Mapping[str, Any] | None = None) -> Any:
    """``operations.run`` as the signed-in actor, with this request's context (source ``console``)."""
    return operations.run(request.actor, name, params, request=web.request_context(request, Source.CONSOLE))


def can_run(request: SignedInRequest, name: str, params: Mapping[str, Any] | None = None) -> bool:
    """Whether the signed-in actor may run ``name`` with ``params``: enables or disables a button."""
    return operations.can_run(request.actor, name, params, request=web.request_context(request, Source.CONSOLE))


def page(
    request: SignedInRequest, template: str, partial: str, context: Mapping[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or for an htmx request only its partial ``partial`` (also the id of the fragment)."""
    name = f"{template}#{partial}" if request.htmx and not request.htmx.boosted else template
    return render(request, name, dict(context), status=status)


def render_error(
    request: SignedInRequest,
    error: IamError,
    template: str,
    partial: str,
    context: Mapping[str, Any],
    *,
    form: forms.Form | None = None,
) -> HttpResponse:
    """Show ``error`` on the page: a denial as the access-denied panel, any other error on ``form`` or as a banner.

    Templates include ``console/_error.html`` where the page's content goes; it shows ``denied`` or ``error``.
    """
    context = dict(context)
    if isinstance(error, AccessDenied):
        context["denied"] = error
    elif form is not None:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    else:
        context["error"] = error
    return page(request, template, partial, context, status=error.http_status)


def list_all(request: SignedInRequest, name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Every item of the List operation ``name``, following its markers (one call per thousand items)."""
    items: list[Any] = []
    marker: str | None = None
    while True:
        batch = run(
            request, name, {**(params or {}), "max_items": LIST_BATCH, **({"marker": marker} if marker else {})}
        )
        items.extend(batch.items)
        if not batch.is_truncated:
            return items
        marker = batch.marker


@dataclass(frozen=True, slots=True)
class SortLink:
    """A sortable column header: where it leads, and whether the list is sorted by it now (and which way)."""

    url: str
    active: bool
    descending: bool


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """One page of a searched and sorted list, and the links to the other pages and orders.

    The state lives in the query string (``q``, ``sort`` with ``-`` for descending, ``page``), so every view of a
    list has its own URL, and links work without JavaScript as well as through htmx.
    """

    rows: Sequence[T]
    query: str
    sort: str
    descending: bool
    number: int
    pages: int
    total: int
    sort_keys: tuple[str, ...]
    params: QueryDict

    def url(self, **changes: Any) -> str:
        """The query string of this list with ``changes`` applied (a None or empty value drops the parameter)."""
        params = self.params.copy()
        for key, value in changes.items():
            if value in (None, ""):
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def sort_links(self) -> dict[str, SortLink]:
        """Each sortable column's link: ascending, or the other way round when it is the current sort."""
        links = {}
        for key in self.sort_keys:
            active = key == self.sort
            flip = active and not self.descending
            links[key] = SortLink(
                url=self.url(sort=f"-{key}" if flip else key, page=None),
                active=active,
                descending=active and self.descending,
            )
        return links

    @property
    def first_row(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1 if self.total else 0

    @property
    def previous_url(self) -> str | None:
        return self.url(page=self.number - 1 if self.number > 2 else None) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(page=self.number + 1) if self.number < self.pages else None


def _sort_key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def listing(
    request: SignedInRequest,
    items: Iterable[T],
    *,
    search: Callable[[T], Iterable[str]],
    sorts: Mapping[str, Callable[[T], Any]],
    default_sort: str,
) -> Listing[T]:
    """The page of ``items`` the query string asks for: matching ``q`` (any of ``search``'s texts contains it,
    ignoring case), ordered by ``sort``, page ``page``. Unknown orders and pages out of range fall back to the
    default order and the nearest page, as a list should rather than fail."""
    params = request.GET.copy()
    query = params.get("q", "").strip()
    sort = params.get("sort", default_sort)
    descending = sort.startswith("-")
    sort = sort.removeprefix("-")
    if sort not in sorts:
        sort, descending = default_sort, False
    needle = query.lower()
    rows = [item for item in items if not needle or any(needle in text.lower() for text in search(item))]
    key = sorts[sort]
    # Rows without a value (a user who never signed in) come after every row that has one, whichever the order.
    present = sorted(
        (row for row in rows if key(row) is not None), key=lambda row: _sort_key(key(row)), reverse=descending
    )
    rows = present + [row for row in rows if key(row) is None]
    pages = max(1, -(-len(rows) // PER_PAGE))
    try:
        number = min(max(1, int(params.get("page", "1"))), pages)
    except ValueError:
        number = 1
    start = (number - 1) * PER_PAGE
    return Listing(
        rows=rows[start : start + PER_PAGE],
        query=query,
        sort=sort,
        descending=descending,
        number=number,
        pages=pages,
        total=len(rows),
        sort_keys=tuple(sorts),
        params=params,
    )
