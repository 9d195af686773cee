"""Reads on accounts, each scoped to one account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import connection
from django.db.models import DateTimeField, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Account, AuditEvent, FailedAttempt, PasswordPolicy, UsedCode
from iamconsole.dbvalues import aware_datetime
from iamconsole.domain import ascii_digits
from iamconsole.errors import NoSuchEntity, ValidationError
from iamconsole.pagination import Page, check_max_items, decode_marker, encode_marker


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


def _moment(value: Any, field: str) -> datetime | None:
    """A time filter: a datetime or an ISO-8601 text (UTC when it names no zone); None when left out."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, datetime) else parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible (February 30th, hour 25, an offset of 99 hours)
        moment = None
    if moment is None:
        raise ValidationError(f"Invalid {field}: expected an ISO-8601 date and time, got '{value}'.", field=field)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _event_marker(event: AuditEvent) -> str:
    return encode_marker(f"{event.time.isoformat()}|{event.pk}")


def _after_marker(marker: str) -> Q:
    """Events older than the marker's (time, id): ``time <= t`` bounds the index scan, the rest breaks ties."""
    value = decode_marker(marker)
    try:
        stamp, _, pk = str(value).rpartition("|")
        moment, last = datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        raise ValidationError("Invalid Marker.", field="marker") from None
    return Q(time__lte=moment) & (Q(time__lt=moment) | Q(pk__lt=last))


def lookup_events(
    *,
    account: Account,
    event_id: int | str | None = None,
    actor_arn: str | None = None,
    event_name: str | None = None,
    resource_arn: str | None = None,
    outcome: str | None = None,
    read_only: bool | None = None,
    start_time: datetime | str | None = None,
    end_time: datetime | str | None = None,
    marker: str | None = None,
    max_items: int | None = None,
) -> Page[AuditEvent]:
    """The account's audit trail, newest first, filtered by exact principal ARN, operation, resource ARN, outcome and
    time range (``start_time`` inclusive, ``end_time`` exclusive), and reads or writes only (``read_only``, as
    CloudTrail's ``ReadOnly`` attribute), one page at a time (iamconsole's own operation,
    authorized as CloudTrail's ``cloudtrail:LookupEvents``).

    Keyset pagination on (time, id): every page is one indexed query, however deep (see ``AuditEvent.Meta``).
    """
    limit = check_max_items(max_items)
    events = AuditEvent.objects.filter(account_id_value=account.account_id)
    if event_id not in (None, ""):
        try:
            events = events.filter(pk=int(str(event_id)))
        except ValueError:
            raise ValidationError(f"Invalid event id '{event_id}'.", field="event_id") from None
    for field, value in (("actor_arn", actor_arn), ("event_name", event_name), ("resource_arn", resource_arn)):
        if value:
            events = events.filter(**{field: str(value)})
    if outcome:
        if outcome not in AuditEvent.Outcome.values:
            choices = ", ".join(AuditEvent.Outcome.values)
            raise ValidationError(f"Invalid outcome '{outcome}': expected one of {choices}.", field="outcome")
        events = events.filter(outcome=outcome)
    if read_only is not None:
        if not isinstance(read_only, bool):
            raise ValidationError(f"Invalid read_only '{read_only}': expected true or false.", field="read_only")
        events = events.filter(read_only=read_only)
    start, end = _moment(start_time, "start_time"), _moment(end_time, "end_time")
    if start is not None and end is not None and start >= end:
        raise ValidationError("The start time must be before the end time.", field="start_time")
    if start is not None:
        events = events.filter(time__gte=start)
    if end is not None:
        events = events.filter(time__lt=end)
    if marker:
        events = events.filter(_after_marker(marker))
    rows = list(events.order_by("-time", "-pk")[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows)
    return Page(items=rows[:limit], is_truncated=True, marker=_event_marker(rows[limit - 1]))


def count_failed_attempts(*, subject: str, window: timedelta) -> int:
    """How many times ``subject`` failed within the last ``window`` (read through the ``attempts`` connection)."""
    return FailedAttempt.objects.filter(subject=subject, time__gte=timezone.now() - window).count()


def last_used_step(*, subject: str) -> int | None:
    """The latest one-time code step of ``subject`` that was accepted, or None."""
    return UsedCode.objects.filter(subject=subject).order_by("-step").values_list("step", flat=True).first()
