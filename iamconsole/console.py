"""The console's conventions, shared by every page: running operations, rendering pages and errors, and lists.

* :func:`run` and :func:`can_run` call the catalogue as the signed-in actor, with the request's context.
* :func:`page` renders a page, or only its named partial (django-template-partials) for an htmx request.
* :func:`render_error` is the one way a page shows an ``IamError``: ``AccessDenied`` as a panel naming the missing
  permission, any other error on the form (the field at fault, or the whole form) or, without a form, as a banner.
  The response carries the error's HTTP status, as the other faces do.
* :func:`list_page` is the list component: the page of a List operation that the query string asks for (``q``,
  ``sort``/``-sort``, ``page``), searched, sorted and cut by the database through the operation's ``window=``
  parameter (one query for the page and one for the count, whatever the list's size), authorized as the operation
  itself (``iam:ListUsers``). Its :class:`Listing` feeds ``console/_search.html``, ``console/_sort_header.html`` and
  ``console/_pagination.html``.
* :func:`list_all` and :func:`listing` do the same in Python for short lists whose operation takes no window (a
  user's attached policies): they read every item first.
* :func:`indented_json` is how a page shows a stored policy document: indented, or as written when it is no JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from iamconsole import operations, web
from iamconsole.actors import Source
from iamconsole.errors import AccessDenied, IamError
from iamconsole.middleware import SignedInRequest
from iamconsole.pagination import WINDOW_SIZE, Window

T = TypeVar("T")

#: Rows on one page of a console list.
PER_PAGE = WINDOW_SIZE
#: The longest search text a list takes (IAM names are at most 128 characters).
MAX_SEARCH = 128
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


def redirect(request: SignedInRequest, url: str) -> HttpResponse:
    """After a successful write: go to ``url`` (with the flash message the view added): a redirect, or for htmx a
    full navigation (``HX-Redirect``), so the whole next page shows, its messages included."""
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


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


def window(request: SignedInRequest) -> Window:
    """The :class:`Window` the query string asks for: ``q`` (name contains, ignoring case), ``sort`` (a column key,
    ``-key`` for descending) and ``page``. Anything odd becomes the default rather than an error: the selector falls
    back to its default order for an unknown column and to the last page for a page past the end."""
    sort = request.GET.get("sort", "")
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    # A NUL cannot be sent to PostgreSQL in a query; no name contains one anyway.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_SEARCH]
    return Window(search=search, sort=sort.removeprefix("-"), descending=sort.startswith("-"), page=number)


def list_page(
    request: SignedInRequest,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    row: Callable[[Any], T] | None = None,
) -> Listing[T]:
    """The page of the List operation ``name`` that the query string asks for, run as the signed-in actor.

    The operation's selector takes ``window=`` (see ``iamconsole.pagination.paginate_window``) and does the search,
    the order and the cut in the database; ``row`` turns each item into what the template shows. Raises the
    operation's ``IamError`` (``AccessDenied`` without ``iam:ListUsers``) for the view to pass to
    :func:`render_error`.
    """
    result = run(request, name, {**(params or {}), "window": window(request)})
    served: Window = result.window
    items = list(result.items)
    return Listing(
        rows=[row(item) for item in items] if row else items,
        query=served.search,
        sort=served.sort,
        descending=served.descending,
        number=served.page,
        pages=max(1, -(-result.total // served.size)),
        total=result.total,
        sort_keys=(),
        params=request.GET.copy(),
    )


def first_matches(
    request: SignedInRequest,
    name: str,
    query: str,
    *,
    limit: int,
    text: Callable[[Any], str] = lambda item: str(item.name),
    params: Mapping[str, Any] | None = None,
) -> tuple[list[Any], int]:
    """The first ``limit`` items of the List operation ``name`` whose name contains ``query`` (ignoring case), and how
    many match in all: for search results and pickers. An operation that takes ``window=`` searches in the database;
    the others are read whole and ``text`` of each item is searched."""
    if "window" in operations.accepted_parameters(operations.get_operation(name)):
        window = Window(search=query, size=limit, closest_first=True)
        result = run(request, name, {**(params or {}), "window": window})
        return list(result.items), int(result.total)
    needle = query.lower()
    items = [item for item in list_all(request, name, params) if needle in text(item).lower()]
    # The exact name first, then names that start with the text: "ReadOnlyAccess" before "AmazonS3ReadOnlyAccess".
    items.sort(key=lambda item: (text(item).lower() != needle, not text(item).lower().startswith(needle)))
    return items[:limit], len(items)


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
    def sort_links(self) -> SortLinks:
        """Each column's link (``listing.sort_links.name`` in a template): ascending, or the other way round when it
        is the current order."""
        return SortLinks(self)

    def sort_link(self, key: str) -> SortLink:
        active = key == self.sort
        flip = active and not self.descending
        url = self.url(sort=f"-{key}" if flip else key, page=None)
        return SortLink(url=url, active=active, descending=active and self.descending)

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


class SortLinks:
    """The sort links of a listing by column key, made when a template asks (``sort_links.created``): which columns
    sort is the selector's business (its ``Sorts``), so the view does not repeat them."""

    def __init__(self, listing: Listing[Any]) -> None:
        self._listing = listing

    def __getitem__(self, key: str) -> SortLink:
        if self._listing.sort_keys and key not in self._listing.sort_keys:
            raise KeyError(key)
        return self._listing.sort_link(key)


def indented_json(text: str, *, indent: int = 2) -> str:
    """A JSON document indented for reading; text that does not parse as JSON, as it is."""
    try:
        return json.dumps(json.loads(text), indent=indent)
    except ValueError:
        return text


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
