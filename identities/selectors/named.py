"""Lookups shared by the entities an account names and files under a path (roles, instance profiles): one by
name ignoring case, a page under a path prefix, a page of tags. Each caller gives its own ``NoSuchEntity``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db import models

from accounts.models import Account
from iamconsole import domain
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import Page, paginate
from identities.selectors.users import TagPage, page_tags

__all__ = ["get_named", "list_columns_under_path", "list_named_tags", "list_under_path"]

M = TypeVar("M", bound=models.Model)


def get_named(
    model: type[M], *, account: Account, name: str, not_found: Callable[[str], NoSuchEntity], related: tuple[str, ...]
) -> M:
    """The ``model`` row of that name in the account (ignoring case), with ``related`` joined; ``not_found`` else."""
    row = model._default_manager.select_related(*related).filter(account=account, name__iexact=name).first()
    if row is None:
        raise not_found(name)
    return row


def list_under_path(
    model: type[M],
    *,
    account: Account,
    path_prefix: str,
    related: tuple[str, ...],
    marker: str | None,
    max_items: int | None,
) -> Page[M]:
    """The account's ``model`` rows whose path starts with ``path_prefix``, oldest first, one query per page."""
    # Every row is the account's: it is handed to each row below rather than joined and built again per row (a
    # sixth of a 200-role ListRoles was building the same account 200 times).
    joined = tuple(name for name in related if name != "account")
    rows = _under_path(model, account, path_prefix).select_related(*joined)
    page = paginate(rows, key="pk", marker=marker, max_items=max_items)
    if "account" in related:
        account_field = cast(models.ForeignKey[Account, Account], model._meta.get_field("account"))
        for row in page.items:
            account_field.set_cached_value(row, account)
    return page


def list_columns_under_path(
    model: type[models.Model],
    *,
    account: Account,
    path_prefix: str,
    columns: tuple[str, ...],
    marker: str | None,
    max_items: int | None,
) -> Page[tuple[Any, ...]]:
    """The same page as :func:`list_under_path`, each row a tuple of ``columns`` (which must hold ``"pk"``): no model
    instance is built, which was half the CPU of a 200-role ListRoles on the Query API."""
    rows = _under_path(model, account, path_prefix).values_list(*columns)
    return paginate(rows, key="pk", marker=marker, max_items=max_items)


def _under_path(model: type[M], account: Account, path_prefix: str) -> models.QuerySet[M]:
    domain.validate_path_prefix(path_prefix)
    return model._default_manager.filter(account=account, path__startswith=path_prefix)


def list_named_tags(
    model: type[Any],
    *,
    account: Account,
    name: str,
    not_found: Callable[[str], NoSuchEntity],
    marker: str | None,
    max_items: int | None,
) -> TagPage:
    """The tags of the named ``model`` row, sorted by key; ``not_found`` when the account holds none of that name."""
    tags = model._default_manager.filter(account=account, name__iexact=name).values_list("tags", flat=True).first()
    if tags is None:
        raise not_found(name)
    return page_tags(tags, marker=marker, max_items=max_items)
