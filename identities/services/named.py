"""Writes shared by the entities an account names and files under a path (users, groups, roles, instance profiles,
server certificates): the locked lookup by name, and the rename/move of UpdateUser, UpdateGroup and
UpdateServerCertificate. Each caller gives its own names and ``NoSuchEntity``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

from accounts.models import Account
from iamconsole import domain
from iamconsole.errors import EntityAlreadyExists, NoSuchEntity
from identities.models import Group, InstanceProfile, Role, ServerCertificate, User

__all__ = ["lock_named", "rename_and_move"]

E = TypeVar("E", Group, InstanceProfile, Role, ServerCertificate, User)


def lock_named(model: type[E], account: Account, name: str, not_found: Callable[[str], NoSuchEntity]) -> E:
    """The ``model`` row of that name (ignoring case), locked for the rest of the transaction; ``not_found`` else."""
    row = model._default_manager.select_for_update().filter(account=account, name__iexact=name).first()
    if row is None:
        raise not_found(name)
    row.account = account
    return row


def rename_and_move(
    lock: Callable[[], Group | User | ServerCertificate],
    *,
    kind: str,
    new_name: str | None,
    new_path: str | None,
    member: str,
    field: str,
    max_length: int,
) -> None:
    """Update… : check the new name (``member``/``field``, at most ``max_length``) and path before ``lock`` finds the
    entity, then save both; ``EntityAlreadyExists`` ("KIND with name NAME already exists.", ``kind`` worded as AWS
    words it: "User", "The Server Certificate") when the name is taken."""
    if new_name is not None:
        domain.validate_name(new_name, member=member, field=field, max_length=max_length)
    if new_path is not None:
        domain.validate_path(new_path, member="NewPath", field="new_path")
    entity = lock()
    if new_name is not None:
        entity.name = new_name
    if new_path is not None:
        entity.path = new_path
    try:
        with transaction.atomic():
            entity.save(update_fields=["name", "path"])
    except IntegrityError:
        raise EntityAlreadyExists(f"{kind} with name {new_name} already exists.", field=field) from None
