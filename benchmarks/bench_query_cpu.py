"""CPU time per Query API request of the issue-20 mix, in this process (issue 20): GetCallerIdentity, GetRole,
AssumeRole, ListRoles of 200 roles, CreateRole and DeleteRole, each SigV4-signed by botocore and sent through Django's
whole WSGI stack (test client, every middleware, the audit record) on SQLite, as ``make run`` serves them.

The caller is an IAM user with one inline ``Allow *`` policy, as in bench_query_throughput.py. Printed per operation:
``time.process_time()`` per request, the best of ``--rounds`` rounds of ``--requests`` requests (the machine is shared:
load only ever adds time), and the number of SQL queries one request sends. ``--profile NAME`` prints cProfile's
top functions by cumulative time over ``--requests`` × ``--rounds`` requests of that operation instead.

    .venv/bin/python benchmarks/bench_query_cpu.py [--rounds 7] [--requests 20] [--profile GetRole]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "iamconsole.settings"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)
_VAR = tempfile.mkdtemp(prefix="iamconsole-bench-cpu-")
os.environ["IAM_VAR_DIR"] = _VAR

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from benchmarks.signed import Caller, setup_caller  # noqa: E402
from benchmarks.throwaway_db import throwaway_database  # noqa: E402

ROLES = 200
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},'
    '"Action":"sts:AssumeRole"}]}'
)
OPERATIONS = ("GetCallerIdentity", "GetRole", "AssumeRole", "ListRoles", "CreateRole", "DeleteRole")


def _mix(user: Caller, account_id: str) -> dict[str, Callable[[], Callable[[], Any]]]:
    """Each operation of the mix as a function that signs one request and returns its sender. CreateRole and DeleteRole
    take the next name of one sequence each, so that every DeleteRole removes a role a CreateRole made."""
    trust = TRUST % account_id
    created, deleted = itertools.count(), itertools.count()
    return {
        "GetCallerIdentity": lambda: user.prepare("sts", "GetCallerIdentity"),
        "GetRole": lambda: user.prepare("iam", "GetRole", RoleName="role-042"),
        "AssumeRole": lambda: user.prepare(
            "sts", "AssumeRole", RoleArn=f"arn:aws:iam::{account_id}:role/role-007", RoleSessionName="bench"
        ),
        "ListRoles": lambda: user.prepare("iam", "ListRoles", MaxItems=str(ROLES)),
        "CreateRole": lambda: user.prepare(
            "iam", "CreateRole", RoleName=f"tmp-{next(created)}", AssumeRolePolicyDocument=trust
        ),
        "DeleteRole": lambda: user.prepare("iam", "DeleteRole", RoleName=f"tmp-{next(deleted)}"),
    }


def _cpu_ms(prepare: Callable[[], Callable[[], Any]], requests: int) -> float:
    senders = [prepare() for _ in range(requests)]  # signed outside the timing
    started = time.process_time()
    for send in senders:
        send()
    return (time.process_time() - started) * 1000 / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=20, help="requests per round")
    parser.add_argument("--profile", choices=OPERATIONS, help="profile this operation instead of timing the mix")
    parser.add_argument("--queries", choices=OPERATIONS, help="print the SQL one request of this operation sends")
    parser.add_argument("--top", type=int, default=40, help="functions printed by --profile")
    options = parser.parse_args()
    setup_test_environment()
    settings.DEBUG = False
    settings.DATABASES["default"]["TEST"] = {"NAME": f"{_VAR}/test.sqlite3"}
    settings.DATABASES["attempts"]["TEST"] = {"NAME": f"{_VAR}/test-attempts.sqlite3"}
    with throwaway_database():
        client = Client()
        _account, user, account_id = setup_caller(client)
        create = user.prepare  # the roles are made through the stack too, as the throughput benchmark seeds them
        for index in range(ROLES):
            create("iam", "CreateRole", RoleName=f"role-{index:03d}", AssumeRolePolicyDocument=TRUST % account_id)()
        mix = _mix(user, account_id)
        for prepare in mix.values():  # warm-up: caches, compiled statements
            prepare()()
        if options.queries:
            if options.queries == "DeleteRole":
                mix["CreateRole"]()()
            send = mix[options.queries]()
            with CaptureQueriesContext(connection) as captured:
                send()
            for query in captured.captured_queries:
                print(query["sql"][:300])
            return 0
        if options.profile:
            # DeleteRole needs roles to delete: make them first, outside the profile.
            if options.profile == "DeleteRole":
                for _ in range(options.requests * options.rounds):
                    mix["CreateRole"]()()
            senders = [mix[options.profile]() for _ in range(options.requests * options.rounds)]
            profile = cProfile.Profile()
            profile.enable()
            for send in senders:
                send()
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(options.top)
            return 0
        print(f"{connection.vendor}, {os.cpu_count()} cores; best of {options.rounds} rounds of {options.requests}")
        print(f"{'operation':20} {'CPU ms/request':>15} {'queries':>8}")
        for name in OPERATIONS:
            best = min(_cpu_ms(mix[name], options.requests) for _ in range(options.rounds))
            send = mix[name]()
            with CaptureQueriesContext(connection) as captured:
                send()
            print(f"{name:20} {best:15.2f} {len(captured.captured_queries):8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
