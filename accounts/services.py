"""Writes on accounts: creation, aliases, the password policy, and audit records.

Each function mirrors one AWS action (or, for ``create_account`` and ``record_audit_event``, one of iamconsole's own)
and applies every AWS rule inside one transaction. They do not authorize: ``iamconsole.operations.run`` does.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from accounts import audit_batch, selectors
from accounts.models import Account, AuditEvent, FailedAttempt, PasswordPolicy, UsedCode
from accounts.routers import ATTEMPTS
from iamconsole import ids
from iamconsole.errors import EntityAlreadyExists, InvalidInput, NoSuchEntity, constraint_error

ALIAS_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$")
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*()_+-=[]{}|'"


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A created account with its root user's password, shown once."""

    account: Account
    root_email: str
    root_password: str


def generate_password(length: int = 20) -> str:
    """A random password with every character class, so it satisfies any password policy."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(not c.isalnum() for c in password)
        ):
            return password


def validate_alias(alias: str) -> None:
    """AWS's alias rules: 3–63 lowercase letters, digits and hyphens, no leading, trailing or double hyphen,
    and not a 12-digit number (it would read as an account id)."""
    if not 3 <= len(alias) <= 63:
        raise constraint_error("AccountAlias", alias, "Member must have length between 3 and 63", field="account_alias")
    if not ALIAS_PATTERN.fullmatch(alias):
        raise constraint_error(
            "AccountAlias",
            alias,
            "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
            field="account_alias",
        )
    if re.fullmatch(r"[0-9]{12}", alias):
        raise InvalidInput("The account alias cannot be a 12-digit number.", field="account_alias")


@transaction.atomic
def create_account(*, email: str | None = None, password: str | None = None, alias: str | None = None) -> NewAccount:
    """Create an account and its root user, with a random 12-digit id (iamconsole's own action).

    Fails with ``EntityAlreadyExists`` when the alias or the root email is taken, creating nothing.
    """
    if alias is not None:
        validate_alias(alias)
        if Account.objects.filter(alias=alias).exists():
            raise EntityAlreadyExists(f"The account alias {alias} already exists.", field="alias")
    password = password or generate_password()
    for _ in range(10):
        account_id = ids.account_id()
        root_email = email or f"root+{account_id}@iamconsole.local"
        try:
            with transaction.atomic():
                account = Account.objects.create(
                    account_id=account_id,
                    alias=alias,
                    root_email=root_email,
                    root_password=make_password(password),
                )
        except IntegrityError as exc:
            if alias is not None and Account.objects.filter(alias=alias).exists():
                raise EntityAlreadyExists(f"The account alias {alias} already exists.", field="alias") from exc
            if Account.objects.filter(root_email__iexact=root_email).exists():
                raise EntityAlreadyExists(
                    f"An account with the root email {root_email} already exists.", field="email"
                ) from exc
            continue  # the random account id was taken: draw another
        return NewAccount(account=account, root_email=root_email, root_password=password)
    raise InvalidInput("Could not allocate a unique account id.")


@transaction.atomic
def create_account_alias(*, account: Account, account_alias: str) -> None:
    """Give the account its alias, replacing any previous one (an account has at most one).

    Fails with ``EntityAlreadyExists`` when another account uses the alias.
    """
    validate_alias(account_alias)
    if Account.objects.filter(alias=account_alias).exclude(pk=account.pk).exists():
        raise EntityAlreadyExists(f"The account alias {account_alias} already exists.", field="account_alias")
    try:
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(alias=account_alias)
    except IntegrityError as exc:  # a concurrent request took it first
        raise EntityAlreadyExists(f"The account alias {account_alias} already exists.", field="account_alias") from exc
    account.alias = account_alias


@transaction.atomic
def delete_account_alias(*, account: Account, account_alias: str) -> None:
    """Remove the account's alias; ``NoSuchEntity`` when the account does not have that alias."""
    if account.alias != account_alias:
        raise NoSuchEntity(f"The account alias {account_alias} cannot be found.", field="account_alias")
    Account.objects.filter(pk=account.pk).update(alias=None)
    account.alias = None


def _bounded(member: str, field: str, value: int | None, low: int, high: int) -> int | None:
    if value is None:
        return None
    if value < low:
        raise constraint_error(member, value, f"Member must have value greater than or equal to {low}", field=field)
    if value > high:
        raise constraint_error(member, value, f"Member must have value less than or equal to {high}", field=field)
    return value


@transaction.atomic
def update_account_password_policy(
    *,
    account: Account,
    minimum_password_length: int | None = None,
    require_symbols: bool = False,
    require_numbers: bool = False,
    require_uppercase_characters: bool = False,
    require_lowercase_characters: bool = False,
    allow_users_to_change_password: bool = False,
    max_password_age: int | None = None,
    password_reuse_prevention: int | None = None,
    hard_expiry: bool = False,
) -> PasswordPolicy:
    """Set the account password policy; every parameter left out takes AWS's default, as UpdateAccountPasswordPolicy
    does (minimum length 6, nothing required, no expiry, reuse allowed).

    Bounds: minimum length 6–128, maximum age 1–1095 days, reuse prevention 1–24 passwords.
    """
    length = _bounded("MinimumPasswordLength", "minimum_password_length", minimum_password_length, 6, 128)
    values = {
        "minimum_password_length": length if length is not None else 6,
        "require_symbols": require_symbols,
        "require_numbers": require_numbers,
        "require_uppercase_characters": require_uppercase_characters,
        "require_lowercase_characters": require_lowercase_characters,
        "allow_users_to_change_password": allow_users_to_change_password,
        "max_password_age": _bounded("MaxPasswordAge", "max_password_age", max_password_age, 1, 1095),
        "password_reuse_prevention": _bounded(
            "PasswordReusePrevention", "password_reuse_prevention", password_reuse_prevention, 1, 24
        ),
        "hard_expiry": hard_expiry,
    }
    policy, _ = PasswordPolicy.objects.update_or_create(account=account, defaults=values)
    return policy


@transaction.atomic
def delete_account_password_policy(*, account: Account) -> None:
    """Remove the password policy; ``NoSuchEntity`` when there is none."""
    deleted, _ = PasswordPolicy.objects.filter(account=account).delete()
    if not deleted:
        raise NoSuchEntity(f"The Password Policy with domain name {account.account_id} cannot be found.")


@cache
def _audit_insert() -> tuple[str, tuple[Field[Any, Any], ...]]:
    """The audit INSERT and its fields in order, composed once: every call of every operation writes one."""
    fields = tuple(field for field in AuditEvent._meta.concrete_fields if not field.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) VALUES ({placeholders})", fields  # noqa: S608


def record_audit_event(
    *,
    account_id: str,
    account: Account | None = None,
    actor_arn: str,
    event_name: str,
    event_source: str,
    source: str,
    request_id: str,
    time: datetime,
    outcome: str,
    source_ip: str | None = None,
    user_agent: str | None = None,
    resource_arn: str = "",
    error_code: str = "",
    error_message: str = "",
    read_only: bool = False,
    details: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    batched: bool = False,
) -> None:
    """Write one audit record (called by ``operations.run`` only, inside or after the operation's transaction).

    ``account`` is the row ``run`` already loaded for the call, so the record costs one INSERT and no lookup; left
    out, it is looked up by ``account_id``. The INSERT is composed once and each value prepared by its model field, as
    ``AuditEvent.objects.create`` would (the ORM's compilation of it cost more than the write itself). ``batched``
    (a successful read) queues it for ``accounts.audit_batch``'s writer instead, when batches are on.
    """
    if account is None and account_id:
        account = selectors.find_account(account_id)
    event = AuditEvent(
        account=account,
        account_id_value=account_id,
        actor_arn=actor_arn,
        event_name=event_name,
        event_source=event_source,
        source=source,
        request_id=request_id,
        time=time,
        outcome=outcome,
        source_ip=source_ip,
        user_agent=(user_agent or "")[:1024],
        resource_arn=resource_arn[:2048],
        error_code=error_code,
        error_message=error_message,
        read_only=read_only,
        details=details or {},
        parameters=parameters or {},
    )
    sql, fields = _audit_insert()
    values = [field.get_db_prep_save(field.pre_save(event, add=True), connection) for field in fields]
    if batched and audit_batch.enabled():
        orphan = [None if field.name == "account" else value for field, value in zip(fields, values, strict=True)]
        audit_batch.add(sql, values, orphan)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


# --- attempt limits ------------------------------------------------------------------------------------------------
# Written through the ``attempts`` connection (``accounts.routers``), in autocommit: committed at once, never undone
# by the rollback of the request that made them, and shared by every web process.


def record_failed_attempt(*, subject: str, window: timedelta) -> None:
    """Count one failure against ``subject`` and forget its failures older than ``window``."""
    now = timezone.now()
    FailedAttempt.objects.filter(subject=subject, time__lt=now - window).delete()
    FailedAttempt.objects.create(subject=subject, time=now)


def forget_spent_codes(*, now: datetime | None = None) -> int:
    """Delete the records of one-time codes that could no longer be accepted anyway (the periodic sweep's part for
    codes whose subject is never seen again, such as a SAML assertion's id); how many went."""
    deleted, _ = UsedCode.objects.filter(forget_after__lt=now or timezone.now()).delete()
    return deleted


def clear_failed_attempts(*, subject: str) -> None:
    """Forget the failures of ``subject`` (after a successful sign-in)."""
    FailedAttempt.objects.filter(subject=subject).delete()


def use_code(*, subject: str, step: int, keep: timedelta) -> bool:
    """Mark one-time code ``step`` of ``subject`` used; False when it was used before (by any request, even one that
    was rolled back since). The record is kept for ``keep``, while the code could still be accepted."""
    now = timezone.now()
    UsedCode.objects.filter(subject=subject, forget_after__lt=now).delete()
    try:
        with transaction.atomic(using=ATTEMPTS):
            UsedCode.objects.create(subject=subject, step=step, forget_after=now + keep)
    except IntegrityError:
        return False
    return True
