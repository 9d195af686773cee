"""Event history: how fast ``LookupEvents`` filters an audit trail of a million events (target: under 200 ms).

Creates a throwaway test database (``DATABASE_URL`` picks PostgreSQL or SQLite), fills it with ``ROWS`` audit events of
one account (plus a tenth as many of another) by one set-based INSERT, spread over 90 days, 40 principals, 60
operations, 20,000 resources, three outcomes and 70 % reads; then times one page (50 rows, as the console asks) of
each filter the event history offers, a page deep in the trail (by keyset marker), and the whole ``operations.run``
call the console makes. The peer is the usual OFFSET pagination with a total count (Django's ``Paginator``) on the
same filter, at the same depth. PostgreSQL's plan for the principal filter is printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_event_history.py [ROWS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.throwaway_db import analyze, throwaway_database  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PAGE = 50
ACCOUNT_ID, OTHER_ID = "123456789012", "210987654321"
SPREAD_SECONDS = 90 * 24 * 3600


def _fill(account_pk: int, account_id: str, count: int, offset: int) -> None:
    """Insert ``count`` events in one statement (generate_series on PostgreSQL, a recursive CTE on SQLite); ``%%``
    is a literal ``%`` in a statement with parameters."""
    step = max(1, SPREAD_SECONDS // max(count, 1))
    columns = (
        "account_id, account_id_value, actor_arn, event_name, event_source, source, request_id, source_ip, "
        "user_agent, resource_arn, outcome, error_code, error_message, read_only, details, parameters, time"
    )
    values = (
        f"{account_pk}, '{account_id}', "
        f"'arn:aws:iam::{account_id}:user/user' || (n %% 40), "
        "'Operation' || (n %% 60), 'iam.amazonaws.com', 'console', 'req-' || n, '10.0.0.1', 'bench', "
        f"'arn:aws:iam::{account_id}:role/role' || (n %% 20000), "
        "CASE WHEN n %% 100 < 90 THEN 'success' WHEN n %% 100 < 97 THEN 'denied' ELSE 'failed' END, "
        "CASE WHEN n %% 100 < 90 THEN '' ELSE 'AccessDenied' END, '', "
        "(n %% 10) < 7, '{}', '{}', "
    )
    if connection.vendor == "postgresql":
        values += f"now() - (n * interval '{step} seconds')"
        sql = f"INSERT INTO accounts_auditevent ({columns}) SELECT {values} FROM generate_series(%s, %s) AS n"  # noqa: S608
        params = [offset, offset + count - 1]
    else:
        values = values.replace("(n %% 10) < 7", "CASE WHEN (n %% 10) < 7 THEN 1 ELSE 0 END")
        values += f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (n * {step}) || ' seconds')"
        sql = (
            "WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "  # noqa: S608
            f"INSERT INTO accounts_auditevent ({columns}) SELECT {values} FROM seq"
        )
        params = [offset, offset + count - 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _time(call: Callable[[], Any], runs: int = 7) -> float:
    """The median of ``runs`` calls, in milliseconds, after one warm-up call."""
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    from accounts import selectors
    from accounts.models import Account, AuditEvent
    from iamconsole import operations
    from iamconsole.actors import Actor

    settings.IAM_AUDIT_READS = False  # time the read itself, not the audit row of each timed call
    with throwaway_database():
        account = Account.objects.create(account_id=ACCOUNT_ID, root_email="bench@example.com", root_password="!")
        other = Account.objects.create(account_id=OTHER_ID, root_email="other@example.com", root_password="!")
        started = time.perf_counter()
        _fill(account.pk, ACCOUNT_ID, ROWS, 0)
        _fill(other.pk, OTHER_ID, max(ROWS // 10, 1), ROWS)
        analyze("accounts_auditevent")
        filled = time.perf_counter() - started
        print(f"{connection.vendor}: inserted {ROWS:,} + {max(ROWS // 10, 1):,} events in {filled:.1f} s")

        now = timezone.now()
        week = {"start_time": now - timedelta(days=50), "end_time": now - timedelta(days=43)}
        filters: dict[str, dict[str, Any]] = {
            "no filter (newest first)": {},
            "writes only (the console's default)": {"read_only": False},
            "principal": {"actor_arn": f"arn:aws:iam::{ACCOUNT_ID}:user/user7"},
            "operation": {"event_name": "Operation42"},
            "resource (one of 20,000)": {"resource_arn": f"arn:aws:iam::{ACCOUNT_ID}:role/role1234"},
            "outcome denied": {"outcome": "denied"},
            "one week, 50 days ago": week,
            "operation + outcome failed + writes": {
                "event_name": "Operation5",
                "outcome": "failed",
                "read_only": False,
            },
            "principal + one week": {"actor_arn": f"arn:aws:iam::{ACCOUNT_ID}:user/user3", **week},
        }
        worst = 0.0
        print(f"LookupEvents, one page of {PAGE} (median of 7):")
        for label, params in filters.items():

            def lookup(params: dict[str, Any] = params) -> Any:
                return selectors.lookup_events(account=account, max_items=PAGE, **params)

            elapsed = _time(lookup)
            worst = max(worst, elapsed)
            print(f"  {label:<40} {elapsed:8.1f} ms")

        # Deep in one principal's events by keyset marker, against OFFSET with a count at the same depth.
        params = {"actor_arn": f"arn:aws:iam::{ACCOUNT_ID}:user/user7"}
        depth = max(2, min(21, ROWS // 40 // PAGE))
        marker = None
        for _ in range(depth - 1):
            marker = selectors.lookup_events(account=account, max_items=PAGE, marker=marker, **params).marker
        deep = _time(lambda: selectors.lookup_events(account=account, max_items=PAGE, marker=marker, **params))
        worst = max(worst, deep)
        print(f"  {f'principal, page {depth} by marker':<40} {deep:8.1f} ms")
        queryset = AuditEvent.objects.filter(account_id_value=ACCOUNT_ID, **params).order_by("-time", "-pk")
        peer = _time(lambda: list(Paginator(queryset, PAGE).page(depth).object_list), runs=3)
        print(f"  {f'peer: Paginator (COUNT + OFFSET), page {depth}':<40} {peer:8.1f} ms")
        far = max(1, min(2000, ROWS // PAGE // 2))
        peer_none = _time(
            lambda: list(
                Paginator(AuditEvent.objects.filter(account_id_value=ACCOUNT_ID).order_by("-time", "-pk"), PAGE)
                .page(far)
                .object_list
            ),
            runs=3,
        )
        print(f"  peer: Paginator, no filter, page {far:<9,} {peer_none:8.1f} ms")
        marker = None
        for _ in range(far - 1):
            marker = selectors.lookup_events(account=account, max_items=PAGE, marker=marker).marker
        ours = _time(lambda: selectors.lookup_events(account=account, max_items=PAGE, marker=marker))
        print(f"  ours: no filter, page {far:,} by marker     {ours:8.1f} ms")

        root = Actor.root(ACCOUNT_ID)
        console = _time(lambda: operations.run(root, "LookupEvents", {"read_only": False, "max_items": PAGE}))
        print(f"  operations.run as root (authorize + read) {console:8.1f} ms")
        print(f"worst filter: {worst:.1f} ms (target < 200 ms) -> {'OK' if worst < 200 else 'TOO SLOW'}")

        if connection.vendor == "postgresql":
            sql, sql_params = (
                AuditEvent.objects.filter(account_id_value=ACCOUNT_ID, actor_arn=params["actor_arn"])
                .order_by("-time", "-pk")[: PAGE + 1]
                .query.sql_with_params()
            )
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", sql_params)
                print("plan of the principal filter:")
                for (line,) in cursor.fetchall():
                    print(f"  {line}")


if __name__ == "__main__":
    main()
