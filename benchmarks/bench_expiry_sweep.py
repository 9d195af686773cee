"""Expiry sweep: how fast ``sts.services.purge_expired_sessions`` deletes a million expired sessions.

Creates a throwaway test database (``DATABASE_URL`` picks PostgreSQL or SQLite), fills it with ``rows`` expired
sessions plus some live ones by one set-based INSERT, times the sweep (raw ``DELETE … WHERE id BETWEEN …`` batches),
checks the live rows survived, and compares with the peer: Django's ``QuerySet.delete()`` on a tenth of the rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_expiry_sweep.py [rows]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.throwaway_db import throwaway_database  # noqa: E402

LIVE = 1_000


def fill_sessions(
    account_pk: int, count: int, expires_at: datetime, offset: int, roles: tuple[int, int] | None = None
) -> None:
    """Insert ``count`` sessions in one statement (generate_series on PostgreSQL, a recursive CTE on SQLite), their
    access key ids numbered from ``offset``; ``roles`` (first primary key, how many) spreads them over those roles
    round-robin, as role sessions."""
    columns = (
        "access_key_id, secret_encrypted, session_token_digest, account_id, session_name, issued_to_arn, issued_at, "
        "expires_at, source_identity, session_policy_document, session_policy_arns, session_tags, transitive_tag_keys, "
        "packed_policy_size, chained, federated, federated_subject, scope_policy_documents, role_id"
    )
    role = f"{int(roles[0])} + (n %% {int(roles[1])})" if roles else "NULL"
    values = (
        "'ASIA' || lpad(CAST(n AS TEXT), 16, '0'), 'x', 'd', %s, 's', 'arn', %s, %s, "
        f"'', '', '[]', '{{}}', '[]', 0, false, false, '', '[]', {role}"
    )
    if connection.vendor == "postgresql":
        source = "generate_series(%s, %s) AS n"
        sql = f"INSERT INTO sts_stssession ({columns}) SELECT {values} FROM {source}"  # noqa: S608
    else:
        values = values.replace("lpad(CAST(n AS TEXT), 16, '0')", "substr('0000000000000000' || n, -16, 16)")
        sql = (
            "WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "  # noqa: S608
            f"INSERT INTO sts_stssession ({columns}) SELECT {values.replace('false', '0')} FROM seq"
        )
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql, [account_pk, now - timedelta(hours=2), expires_at, offset, offset + count - 1])
        else:
            cursor.execute(sql, [offset, offset + count - 1, account_pk, now - timedelta(hours=2), expires_at])


def main() -> None:
    from accounts.models import Account
    from sts import services
    from sts.models import StsSession

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with throwaway_database():
        account = Account.objects.create(account_id="123456789012", root_email="bench@example.com", root_password="!")
        past = timezone.now() - timedelta(hours=1)
        started = time.perf_counter()
        fill_sessions(account.pk, rows, past, 0)
        fill_sessions(account.pk, LIVE, timezone.now() + timedelta(hours=1), rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE sts_stssession")
        filled = time.perf_counter() - started
        print(f"{connection.vendor}: inserted {rows:,} expired + {LIVE:,} live sessions in {filled:.1f} s")

        started = time.perf_counter()
        deleted = services.purge_expired_sessions()
        elapsed = time.perf_counter() - started
        assert deleted == rows, deleted
        assert StsSession.objects.count() == LIVE
        print(
            f"iamconsole purge_expired_sessions: {deleted:,} rows in {elapsed:.2f} s = {deleted / elapsed:,.0f} rows/s"
        )
        started = time.perf_counter()
        assert services.purge_expired_sessions() == 0
        print(f"  second run (idempotent, nothing to do): {(time.perf_counter() - started) * 1000:.1f} ms")

        peer_rows = max(rows // 10, 1)
        fill_sessions(account.pk, peer_rows, past, rows + LIVE)
        started = time.perf_counter()
        peer_deleted, _ = StsSession.objects.filter(expires_at__lt=timezone.now()).delete()
        peer = time.perf_counter() - started
        print(
            f"peer Django QuerySet.delete(): {peer_deleted:,} rows in {peer:.2f} s = {peer_deleted / peer:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()
