"""How an IAM name sits in a console URL. ``/users/create`` and ``/roles/create`` are fixed pages (the URL map in
ARCHITECTURE.md), yet "create" is a legal user, group and role name. A reserved name's pages therefore live under an
escape, ``/users/~/create``: ``~`` can start no IAM name, so the escape shadows nothing.

The choice is made once, by the path converters: ``reverse`` (and ``{% url %}``) tries the plain pattern first, whose
converter refuses a reserved name, then the escaped one, so every link to an entity page is right for every name."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import path
from django.urls.resolvers import URLPattern

#: The first path segments of the fixed pages under /users, /groups and /roles (their create wizards). IAM names are
#: case-insensitive, so every spelling of one is escaped.
RESERVED = frozenset({"create"})


def is_reserved(name: str) -> bool:
    return name.lower() in RESERVED


class EntityName:
    """An entity name in its plain place, ``/users/<name>``: never a reserved word, never starting with ``~``."""

    regex = r"[^/~][^/]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if is_reserved(value):
            raise ValueError(value)  # reverse() falls through to the escaped pattern
        return value


class EscapedEntityName:
    """An entity name under the escape, ``/users/~/<name>``: chosen by reverse() only for reserved names, and open to
    any name when typed."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if not is_reserved(value):
            raise ValueError(value)
        return value


Route = tuple[str, Callable[..., HttpResponseBase], str]


def entity_paths(prefix: str, parameter: str, routes: list[Route]) -> list[URLPattern]:
    """Each page of one kind of entity at both places; ``routes`` are (suffix after the name, view, URL name)."""
    return [
        path(f"{prefix}/{slot}{suffix}", view, name=name)
        for suffix, view, name in routes
        for slot in (f"<iam-name:{parameter}>", f"~/<escaped-iam-name:{parameter}>")
    ]
