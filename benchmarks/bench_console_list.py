"""Console lists: the server time of ``/users`` with 10,000 users and ``/roles`` with 10,000 roles, through the
list component (``console.list_page``: search, order and page done by the database), against the peer, the
read-everything-then-sort-in-Python way (``console.list_all`` + ``console.listing``) the console used before.

Creates a throwaway test database (``DATABASE_URL`` picks PostgreSQL or SQLite), stores ``ROWS`` users in the account
and as many in another account (so the account's rows must be found among others), and times full pages as root
through Django's test client: the first page, a page deep in the list, a sort on a column without an index, and a
search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_console_list.py [ROWS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.throwaway_db import throwaway_database  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
RUNS = 15


def _store_users(account_pk: int, prefix: str, count: int) -> None:
    from identities.models import User

    now = timezone.now()
    User.objects.bulk_create(
        (
            User(
                account_id=account_pk,
                user_id=f"AIDA{prefix}{index:012d}",
                name=f"{prefix}-user-{index:05d}",
                path="/" if index % 3 else "/engineering/",
                created_at=now,
            )
            for index in range(count)
        ),
        batch_size=2000,
    )


def _store_roles(account_pk: int, prefix: str, count: int) -> None:
    from identities.models import Role

    now = timezone.now()
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},'
    trust += '"Action":"sts:AssumeRole"}]}'
    Role.objects.bulk_create(
        (
            Role(
                account_id=account_pk,
                role_id=f"AROA{prefix}{index:012d}",
                name=f"{prefix}-role-{index:05d}",
                assume_role_policy_document=trust,
                created_at=now,
                last_used_at=now if index % 4 else None,
            )
            for index in range(count)
        ),
        batch_size=2000,
    )


def _median_ms(client: Client, url: str) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def main() -> None:
    from django.test.utils import setup_test_environment

    from iamconsole import console
    from iamconsole.actors import Actor
    from tests.factories import console_session, make_account

    setup_test_environment()
    settings.IAM_AUDIT_READS = False  # the list, not the audit insert, is what is measured
    with throwaway_database():
        account = make_account()
        other = make_account()
        started = time.perf_counter()
        _store_users(account.model.pk, "A", ROWS)
        _store_users(other.model.pk, "B", ROWS)
        _store_roles(account.model.pk, "A", ROWS)
        _store_roles(other.model.pk, "B", ROWS)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE identities_user")
                cursor.execute("ANALYZE identities_role")
        elapsed = time.perf_counter() - started
        stored = f"{ROWS:,} users and {ROWS:,} roles in each of two accounts"
        print(f"{connection.vendor}: stored {stored} in {elapsed:.1f} s")

        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = console_session(Actor.root(account.account_id))
        urls = {
            "first page": "/users",
            "page 300": "/users?page=300",
            "by last sign-in": "/users?sort=-last_sign_in",
            "search 'user-0999'": "/users?q=user-0999",
            "search 'engineering'": "/users?q=ENGINEERING&sort=-created",
        }
        for label, url in urls.items():
            print(f"iamconsole /users {label}: {_median_ms(client, url):.1f} ms (median of {RUNS})")
        # Issue 15's goals: the Roles list under 150 ms, its search under 100 ms (server time).
        for label, url in {
            "first page": "/roles",
            "by last activity": "/roles?sort=-last_activity",
            "search 'role-0999'": "/roles?q=role-0999",
        }.items():
            print(f"iamconsole /roles {label}: {_median_ms(client, url):.1f} ms (median of {RUNS})")

        # The peer: the same page reading every user through ListUsers' markers and sorting in Python. The page's row
        # reads columns the database computes for the window (identities.selectors.with_activity): the peer reads
        # them for every user too, in one more query.
        def read_all_then_sort(request: Any, name: str, params: Any = None, *, row: Any = None) -> Any:
            from identities.models import User
            from identities.selectors.users import with_activity

            users = console.list_all(request, name)
            columns = with_activity(User.objects.filter(pk__in=[user.pk for user in users])).in_bulk()
            rows = [row(columns[user.pk]) for user in users]
            return console.listing(
                request,
                rows,
                search=lambda row: (row.name, row.path),
                sorts={"name": lambda row: row.name, "last_sign_in": lambda row: row.last_sign_in},
                default_sort="name",
            )

        list_page = console.list_page
        console.list_page = read_all_then_sort
        try:
            for label in ("first page", "search 'user-0999'"):
                print(f"peer read-all-then-sort /users {label}: {_median_ms(client, urls[label]):.1f} ms")
        finally:
            console.list_page = list_page


if __name__ == "__main__":
    main()
