"""What authenticating one Query API request costs, end to end: the key lookup (one query), the secret, the actor,
and SigV4 verification of a boto3-signed request, for a long-term key and for temporary credentials.

Creates a throwaway test database (``DATABASE_URL`` picks PostgreSQL or SQLite):

    .venv/bin/python benchmarks/bench_authentication.py [N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_authentication.py

The peer is the same lookup through the ORM (``select_related`` + ``first()``), which is what the hand-composed
query replaces: its compilation alone costs far more than the query.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.bench_sigv4 import signed_request  # noqa: E402
from benchmarks.throwaway_db import throwaway_database  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
BODY = b"Action=ListUsers&Version=2010-05-08&MaxItems=100"


def _signed(access_key_id: str, secret: str, token: str | None) -> object:
    return signed_request(access_key_id, secret, token, BODY)


def _authenticate(received: object) -> Callable[[], object]:
    from iamconsole import authentication
    from iamconsole.awsquery import sigv4

    def run() -> object:
        auth = sigv4.parse_authorization(received)  # type: ignore[arg-type]
        sigv4.check_request_time(auth, datetime.now(UTC))
        sigv4.check_signed_headers(received, auth)  # type: ignore[arg-type]
        resolved = authentication.resolve_access_key(auth.access_key_id, auth.security_token)
        sigv4.verify(received, auth, resolved.secret_access_key)  # type: ignore[arg-type]
        return resolved.actor

    return run


def _measure(label: str, run: Callable[[], object]) -> float:
    for _ in range(100):
        run()
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples) * 1e6
    p95 = sorted(samples)[int(N * 0.95) - 1] * 1e6
    print(f"{label:<58} median {median:7.1f} µs   p95 {p95:7.1f} µs")
    return median


def _scenario() -> None:
    from accounts.management.commands.createaccount import create_account_with_key
    from iamconsole import operations
    from iamconsole.actors import Actor
    from identities.models import AccessKey

    created = create_account_with_key(alias=None, email=None, password=None)
    root = Actor.root(created["account_id"])
    operations.run(root, "CreateUser", {"user_name": "bench", "tags": [{"key": "team", "value": "red"}]})
    user_key = operations.run(root, "CreateAccessKey", {"user_name": "bench"})
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{created['account_id']}:user/bench"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    operations.run(root, "CreateRole", {"role_name": "Bench", "assume_role_policy_document": json.dumps(trust)})
    from iamconsole import authentication

    user = authentication.resolve_access_key(user_key.access_key.access_key_id).actor
    session = operations.run(
        user,
        "AssumeRole",
        {"role_arn": f"arn:aws:iam::{created['account_id']}:role/Bench", "role_session_name": "bench"},
    ).credentials

    print(f"Authentication of one signed request ({connection.vendor}), {N:,} requests each")
    long_term = _measure(
        "long-term key (AKIA): lookup + actor + SigV4 verify",
        _authenticate(_signed(user_key.access_key.access_key_id, user_key.secret_access_key, None)),
    )
    temporary = _measure(
        "temporary key (ASIA + token): lookup + actor + SigV4 verify",
        _authenticate(_signed(session.access_key_id, session.secret_access_key, session.session_token)),
    )
    key_id = user_key.access_key.access_key_id
    orm = _measure(
        "peer: the same key lookup alone through the ORM",
        lambda: AccessKey.objects.select_related("account", "user").filter(access_key_id=key_id).first(),
    )
    worst = max(long_term, temporary)
    verdict = "well under" if worst < 500 else ("under" if worst < 1000 else "NOT under")
    print(
        f"authentication adds at most {worst:.0f} µs per request ({verdict} a millisecond); "
        f"the ORM lookup alone would cost {orm:.0f} µs"
    )


def main() -> None:
    with throwaway_database():
        _scenario()


if __name__ == "__main__":
    main()
