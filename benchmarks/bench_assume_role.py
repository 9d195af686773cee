"""AssumeRole latency: the whole ``operations.run`` path (validation, trust-policy decision with the caller's
policies, credential generation, encryption, insert, audit record) and the temporary-key resolution a signed
request then costs, against the peer: moto's in-memory STS through boto3.

Creates a throwaway test database (``DATABASE_URL`` picks PostgreSQL or SQLite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_assume_role.py [N]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.throwaway_db import throwaway_database  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300


def _report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label}: median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms ({len(ordered)} calls)")


def _time(call: Callable[[int], object]) -> list[float]:
    samples = []
    for n in range(N):
        started = time.perf_counter()
        call(n)
        samples.append(time.perf_counter() - started)
    return samples


def _iamconsole() -> None:
    from accounts.management.commands.createaccount import create_account_with_key
    from iamconsole import authentication, operations
    from iamconsole.actors import Actor
    from identities.models import User

    account_id = create_account_with_key(alias=None, email=None, password=None)["account_id"]
    root = Actor.root(account_id)
    operations.run(root, "CreateUser", {"user_name": "alice"})
    alice = authentication.user_actor(User.objects.select_related("account").get(name="alice"))
    identity = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}],
    }
    operations.run(
        root, "PutUserPolicy", {"user_name": "alice", "policy_name": "p", "policy_document": json.dumps(identity)}
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {"StringEquals": {"sts:ExternalId": "bench-external-id"}},
            }
        ],
    }
    from django.utils import timezone

    from iamconsole import ids
    from identities.models import Role

    Role.objects.create(
        account_id=User.objects.get(name="alice").account_id,
        role_id=ids.unique_id(ids.IdPrefix.ROLE),
        name="Bench",
        assume_role_policy_document=json.dumps(trust),
        created_at=timezone.now(),
    )
    role_arn = f"arn:aws:iam::{account_id}:role/Bench"
    issued = []

    def assume(n: int) -> None:
        issued.append(
            operations.run(
                alice,
                "AssumeRole",
                {
                    "role_arn": role_arn,
                    "role_session_name": f"s{n}",
                    "external_id": "bench-external-id",
                    "tags": [{"key": "project", "value": "bench"}],
                },
            ).credentials
        )

    _report(f"iamconsole AssumeRole ({connection.vendor})", _time(assume))
    _report(
        "iamconsole resolve temporary key (per signed request)",
        _time(lambda n: authentication.resolve_access_key(issued[n].access_key_id, issued[n].session_token)),
    )


def _moto() -> None:
    try:
        import boto3
        from moto import mock_aws
    except ImportError:
        print("peer moto: not installed")
        return
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        sts = boto3.client("sts", region_name="us-east-1")
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
        }
        arn = iam.create_role(RoleName="Bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        _report(
            "peer moto AssumeRole (in memory, no trust evaluation)",
            _time(lambda n: sts.assume_role(RoleArn=arn, RoleSessionName=f"s{n}", ExternalId="bench-external-id")),
        )


def main() -> None:
    with throwaway_database():
        _iamconsole()
    _moto()


if __name__ == "__main__":
    main()
