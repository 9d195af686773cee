"""Reads on accounts, each scoped to one account."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.db import connection
from django.db.models import DateTimeField, QuerySet
from django.utils import timezone

from accounts.models import Account, AuditEvent, FailedAttempt, PasswordPolicy, UsedCode
from iamconsole.dbvalues import aware_datetime
from iamconsole.domain import ascii_digits
from iamconsole.errors import NoSuchEntity
from iamconsole.pagination import check_max_items, decode_marker


@cache
def _account_sql() -> str:
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in Account._meta.concrete_fields)
    table = connection.ops.quote_name(Account._meta.db_table)
    return f"SELECT {columns} FROM {table} WHERE {connection.ops.quote_name('account_id')} = %s"  # noqa: S608


def find_account(account_id: str) -> Account | None:
    """The account with that 12-digit id, or None.

    Every call of every operation reads it, so the statement is composed once (see ``iamconsole.dbvalues``) and the
    row becomes a model instance as the ORM would make it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_account_sql(), [account_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        aware_datetime(value) if isinstance(field, DateTimeField) else value
        for field, value in zip(Account._meta.concrete_fields, row, strict=True)
    ]
    return Account.from_db(connection.alias, [field.attname for field in Account._meta.concrete_fields], values)


def get_account(account_id: str) -> Account:
    """The account with that id; ``NoSuchEntity`` when there is none."""
    account = find_account(account_id)
    if account is None:
        raise NoSuchEntity(f"The account {account_id} cannot be found.")
    return account


def find_account_by_id_or_alias(value: str) -> Account | None:
    """The account a sign-in page names, by 12-digit id or alias."""
    if ascii_digits(value):
        return find_account(value)
    return Account.objects.filter(alias=value.lower()).first()


def authenticate_root(*, email: str, password: str) -> Account | None:
    """The account whose root user has that email and password (for console sign-in), or None.

    Runs the password hasher even when the email is unknown, so response time does not reveal which emails exist.
    """
    account = Account.objects.filter(root_email__iexact=email.strip()).first()
    if account is None:
        make_password(password)  # spend the hashing time a real check would
        return None
    return account if check_password(password, account.root_password) else None


def list_account_aliases(*, account: Account, marker: str | None = None, max_items: int | None = None) -> list[str]:
    """The account's alias as a list of at most one, as ListAccountAliases answers (so never truncated)."""
    check_max_items(max_items)
    if marker:
        decode_marker(marker)  # a marker this server never issued is refused, as on every list
        return []
    return [account.alias] if account.alias else []


def get_account_password_policy(*, account: Account) -> PasswordPolicy:
    """The password policy; ``NoSuchEntity`` when none was set, as GetAccountPasswordPolicy answers."""
    policy = PasswordPolicy.objects.filter(account=account).first()
    if policy is None:
        raise NoSuchEntity(f"The Password Policy with domain name {account.account_id} cannot be found.")
    return policy


def find_password_policy(*, account: Account) -> PasswordPolicy | None:
    """The password policy or None (for the services that enforce it)."""
    return PasswordPolicy.objects.filter(account=account).first()


def list_audit_events(*, account: Account) -> QuerySet[AuditEvent]:
    """The account's audit trail, newest first."""
    return AuditEvent.objects.filter(account_id_value=account.account_id).order_by("-time", "-pk")


def count_failed_attempts(*, subject: str, window: timedelta) -> int:
    """How many times ``subject`` failed within the last ``window`` (read through the ``attempts`` connection)."""
    return FailedAttempt.objects.filter(subject=subject, time__gte=timezone.now() - window).count()


def last_used_step(*, subject: str) -> int | None:
    """The latest one-time code step of ``subject`` that was accepted, or None."""
    return UsedCode.objects.filter(subject=subject).order_by("-step").values_list("step", flat=True).first()
