"""Scale: do the hot Query API calls stay as fast with 100,000 roles, 100,000 users and 1,000,000 sessions as with
1,000 roles, and does the expiry sweep delete a million expired sessions in under 30 s (issue 20)?

PostgreSQL only (the production database; ``DATABASE_URL`` when it names one, else ``BENCH_PG_URL``'s server): a
throwaway test database is created from the models and dropped at the end. The rows are seeded in bulk, one
set-based ``INSERT … SELECT … FROM generate_series`` per table, in two steps:

1. the baseline: 1,000 roles and 1,000 users in the benchmark's account, with ``sessions / roles`` role sessions per
   role (expired ones: a sweep that has not run yet, the worst case for every index on the table);
2. the same account grown to ``--roles`` roles and users and ``--sessions`` sessions.

After each step, every call is sent through Django's whole WSGI stack (test client, every middleware, the audit
record), SigV4-signed by botocore with an IAM user's key (GetCallerIdentity with temporary credentials AssumeRole
issued): GetRole, ListRoles (the first page and a page in the middle of the list, by ``Marker``), AssumeRole and
GetCallerIdentity, naming the newest role (the last one a scan in key order reaches). Printed: each call's fastest
and median latency at both sizes and the ratio of the fastest (goal: at most 1.2x), with the ``EXPLAIN ANALYZE`` of
the slowest read of a call that misses it. Then ``sts.services.purge_expired_sessions`` (the sweep the beat runs)
deletes every expired session (goal: a million in under 30 s).

    .venv/bin/python benchmarks/bench_scale.py [--roles 100000] [--sessions 1000000] [--runs 40] [--max-seconds 900]

``--max-seconds`` bounds the run: a step that would start after it is skipped, and said so.
"""

from __future__ import annotations

import argparse
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
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432") + "/bench_scale"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.bench_expiry_sweep import fill_sessions  # noqa: E402
from benchmarks.signed import Caller, setup_caller  # noqa: E402
from benchmarks.throwaway_db import analyze, throwaway_database  # noqa: E402

BASELINE = 1_000
GOAL_RATIO = 1.2
GOAL_SWEEP_SECONDS = 30.0
#: Every seeded role's trust policy (``%`` the account id): the account's principals may assume it.
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},'
    '"Action":"sts:AssumeRole"}]}'
)


def _insert_named(table: str, account_pk: int, first: int, count: int, *, trust: str | None) -> None:
    """Rows ``first`` … ``first + count - 1`` of ``scale-role-NNNNNN`` (with ``trust``) or ``scale-user-NNNNNN``, one
    INSERT; every third under ``/engineering/`` so that paths differ."""
    kind, prefix = ("role", "AROA") if trust is not None else ("user", "AIDA")
    columns = f"account_id, {kind}_id, name, path, tags, created_at"
    values = (
        f"%s, '{prefix}' || lpad(CAST(n AS TEXT), 17, '0'), 'scale-{kind}-' || lpad(CAST(n AS TEXT), 6, '0'), "
        "CASE WHEN n %% 3 = 1 THEN '/engineering/' ELSE '/' END, '{}', now()"
    )
    params: list[Any] = [account_pk]
    if trust is not None:
        columns += ", assume_role_policy_document, description, max_session_duration, last_used_region, linked_service"
        values += ", %s, '', 3600, '', ''"
        params.append(trust)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM generate_series(%s, %s) AS n",  # noqa: S608
            [*params, first, first + count - 1],
        )


def _seed(
    account_pk: int, trust: str, roles: tuple[int, int], users: tuple[int, int], sessions: tuple[int, int]
) -> str:
    """Roles, users and expired role sessions numbered in the given (first, count) ranges; a line saying so."""
    started = time.perf_counter()
    _insert_named("identities_role", account_pk, *roles, trust=trust)
    _insert_named("identities_user", account_pk, *users, trust=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), COUNT(*) FROM identities_role WHERE name LIKE 'scale-role-%%'")
        first_role, role_count = cursor.fetchone()
    fill_sessions(account_pk, sessions[1], timezone.now() - timedelta(hours=1), sessions[0], (first_role, role_count))
    analyze("identities_role", "identities_user", "sts_stssession")
    return f"{roles[1]:,} roles, {users[1]:,} users, {sessions[1]:,} sessions in {time.perf_counter() - started:.1f} s"


def _target(roles: int) -> str:
    """The role the calls name: the newest one, the last a scan in key order would reach."""
    return f"scale-role-{roles - 1:06d}"


def _calls(
    user: Caller, session: Caller, account_id: str, target: str, deep_marker: str
) -> dict[str, Callable[[], Any]]:
    """Each measured call, as a function that signs and returns the sender."""
    # Seeded roles numbered 1 modulo 3 live under /engineering/ (_insert_named): the ARN must carry the real path.
    path = "/engineering/" if int(target.rsplit("-", 1)[1]) % 3 == 1 else "/"
    role_arn = f"arn:aws:iam::{account_id}:role{path}{target}"
    return {
        "GetRole": lambda: user.prepare("iam", "GetRole", RoleName=target),
        "ListRoles first page": lambda: user.prepare("iam", "ListRoles"),
        "ListRoles middle page": lambda: user.prepare("iam", "ListRoles", Marker=deep_marker),
        "AssumeRole": lambda: user.prepare("sts", "AssumeRole", RoleArn=role_arn, RoleSessionName="bench"),
        "GetCallerIdentity (ASIA)": lambda: session.prepare("sts", "GetCallerIdentity"),
    }


def _measure(calls: dict[str, Callable[[], Any]], runs: int) -> dict[str, tuple[float, float]]:
    """The fastest and the median wall time of each call in ms over ``runs`` rounds, the calls interleaved so that
    the shared machine's load falls on all of them alike; one warm-up round first. The goal is judged on the fastest:
    other engineers' load only ever adds time, and it moved the medians of one run by 3x between the two sizes."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for round_ in range(runs + 1):
        for name, prepare in calls.items():
            send = prepare()
            started = time.perf_counter()
            send()
            if round_:
                samples[name].append((time.perf_counter() - started) * 1000)
    return {name: (min(values), statistics.median(values)) for name, values in samples.items()}


def _explain_slowest(prepare: Callable[[], Any]) -> None:
    """The plan of the call's slowest read, as PostgreSQL runs it: every SELECT the call sends is run again under
    ``EXPLAIN ANALYZE`` (one sample of each query's own time says little on a shared machine)."""
    send = prepare()
    with CaptureQueriesContext(connection) as captured:
        send()
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                lines = [line for (line,) in cursor.fetchall()]
                took = float(lines[-1].rsplit(":", 1)[1].split()[0])  # "Execution Time: 0.123 ms"
                plans.append((took, query["sql"], lines))
    took, sql, lines = max(plans)
    print(f"    slowest of its {len(plans)} reads ({took:.2f} ms in EXPLAIN ANALYZE): {sql[:400]}")
    for line in lines:
        print(f"      {line}")


def _middle_marker(account_pk: int) -> str:
    """A marker the server would issue in the middle of the account's role list (the key of the role there)."""
    from iamconsole.pagination import encode_marker
    from identities.models import Role

    roles = Role.objects.filter(account_id=account_pk).order_by("pk").values_list("pk", flat=True)
    return encode_marker(roles[roles.count() // 2])


def _session(user: Caller, client: Client, account_id: str, target: str) -> Caller:
    """Temporary credentials for the target role, issued by AssumeRole through the stack."""
    from xml.etree import ElementTree

    # Seeded roles numbered 1 modulo 3 live under /engineering/ (_insert_named): the ARN must carry the real path.
    path = "/engineering/" if int(target.rsplit("-", 1)[1]) % 3 == 1 else "/"
    role_arn = f"arn:aws:iam::{account_id}:role{path}{target}"
    body = user.prepare("sts", "AssumeRole", RoleArn=role_arn, RoleSessionName="caller")().content
    namespace = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}
    found = ElementTree.fromstring(body).find(".//sts:Credentials", namespace)  # noqa: S314 - our own answer
    assert found is not None, body[:300]
    key, secret, token = (
        found.findtext(f"sts:{name}", namespaces=namespace) or ""
        for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")
    )
    return Caller(client, key, secret, token)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", type=int, default=100_000, help="roles and users at scale (default 100,000)")
    parser.add_argument("--sessions", type=int, default=1_000_000, help="sessions at scale (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=40, help="timed rounds of every call at each size")
    parser.add_argument("--max-seconds", type=float, default=900, help="start no step after this many seconds")
    options = parser.parse_args()
    if options.roles <= BASELINE or options.sessions < options.roles:
        parser.error(f"--roles must exceed {BASELINE:,} and --sessions must be at least --roles")
    deadline = time.monotonic() + options.max_seconds
    per_role = options.sessions // options.roles
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DEBUG = False
    with throwaway_database():
        client = Client()
        account, user, account_id = setup_caller(client)
        trust = TRUST % account_id
        print(
            f"{connection.vendor} {connection.cursor().connection.info.server_version // 10000}, {os.cpu_count()} cores"
        )
        print("baseline: " + _seed(account.pk, trust, (0, BASELINE), (0, BASELINE), (0, BASELINE * per_role)))
        target = _target(BASELINE)
        session = _session(user, client, account_id, target)
        small = _measure(_calls(user, session, account_id, target, _middle_marker(account.pk)), options.runs)

        large: dict[str, tuple[float, float]] = {}
        if time.monotonic() < deadline:
            more = options.roles - BASELINE
            grown = _seed(
                account.pk,
                trust,
                (BASELINE, more),
                (BASELINE, more),
                (BASELINE * per_role, options.sessions - BASELINE * per_role),
            )
            print(f"grown by {grown}")
            target = _target(options.roles)
            session = _session(user, client, account_id, target)
            calls = _calls(user, session, account_id, target, _middle_marker(account.pk))
            large = _measure(calls, options.runs)
        else:
            print("scale step skipped: --max-seconds passed")

        print(
            f"{'call':28} {f'{BASELINE:,} roles':>18} {f'{options.roles:,} roles':>18} {'ratio':>7}  (fastest/median)"
        )
        missed = []
        for name, (fastest, median) in small.items():
            if name not in large:
                print(f"{name:28} {fastest:7.2f}/{median:7.2f} ms {'—':>18}")
                continue
            ratio = large[name][0] / fastest
            verdict = "goal met" if ratio <= GOAL_RATIO else "GOAL NOT MET"
            print(
                f"{name:28} {fastest:7.2f}/{median:7.2f} ms {large[name][0]:7.2f}/{large[name][1]:7.2f} ms "
                f"{ratio:6.2f}x  {verdict} (medians: {large[name][1] / median:.2f}x)"
            )
            if ratio > GOAL_RATIO:
                missed.append(name)
        for name in missed:
            print(f"  {name}: EXPLAIN of its slowest query at {options.roles:,} roles")
            _explain_slowest(calls[name])

        if time.monotonic() < deadline:
            from sts.services import purge_expired_sessions

            started = time.perf_counter()
            deleted = purge_expired_sessions()
            elapsed = time.perf_counter() - started
            verdict = "goal met" if elapsed < GOAL_SWEEP_SECONDS * deleted / 1_000_000 else "GOAL NOT MET"
            print(
                f"expiry sweep: {deleted:,} expired sessions deleted in {elapsed:.2f} s "
                f"(goal: 1,000,000 in under {GOAL_SWEEP_SECONDS:g} s, pro rata): {verdict}"
            )
        else:
            print("expiry sweep skipped: --max-seconds passed")
    # Goals missed are printed, not an exit status: `make bench` runs every benchmark whatever the figures.
    return 0


if __name__ == "__main__":
    sys.exit(main())
