"""Compiled policies cached by content (issue 20): the CPU time of GetRole, AssumeRole and a signed
GetCallerIdentity through the whole WSGI stack, with ``policies.engine``'s per-process cache of parsed policies as it
runs (an LRU keyed by the document text and kind: stored documents never change in place, so no invalidation) and
with that cache emptied before every request, as if each request parsed and compiled its caller's policies.

The caller is an IAM user with ``--policies`` attached managed policies of 5 statements (actions with wildcards,
two ARN resources, two conditions each) and one inline ``Allow *``; PostgreSQL as in bench_scale.py.

    .venv/bin/python benchmarks/bench_policy_cache.py [--policies 10] [--runs 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_scale  # sets Django up on PostgreSQL
from benchmarks.signed import setup_caller


def _attach_policies(account_id: str, count: int) -> None:
    from iamconsole import operations
    from iamconsole.actors import Actor

    root = Actor.root(account_id)
    for i in range(count):
        statements = [
            {
                "Sid": f"S{i}x{j}",
                "Effect": "Deny" if j == 4 else "Allow",
                "Action": [f"s3:Get{j}*", f"ec2:Describe{i}*", "dynamodb:*Item", f"sqs:Send{j}?essage"],
                "Resource": [
                    f"arn:aws:s3:::bucket-{i}-*/team-{j}/*",
                    f"arn:aws:dynamodb:us-east-1:{account_id}:table/T{j}*",
                ],
                "Condition": {
                    "StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]},
                    "Bool": {"aws:SecureTransport": "true"},
                },
            }
            for j in range(5)
        ]
        document = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
        operations.run(root, "CreatePolicy", {"policy_name": f"p{i}", "policy_document": document})
        arn = f"arn:aws:iam::{account_id}:policy/p{i}"
        operations.run(root, "AttachUserPolicy", {"user_name": "bench", "policy_arn": arn})


def _cpu_ms(prepare: Callable[[], Any], runs: int, *, parse_every_time: bool) -> float:
    """The median CPU time of one request in this process (server side: the test client runs the stack here)."""
    from policies.engine import document

    samples = []
    for index in range(runs + 5):
        send = prepare()
        if parse_every_time:
            document._parse_cached.cache_clear()
        started = time.process_time()
        send()
        if index >= 5:  # warm-up
            samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=10, help="managed policies attached to the caller (max 10)")
    parser.add_argument("--runs", type=int, default=60)
    options = parser.parse_args()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from benchmarks.throwaway_db import throwaway_database

    setup_test_environment()
    with throwaway_database():
        client = Client()
        account, user, account_id = setup_caller(client)
        trust = bench_scale.TRUST % account_id
        bench_scale._seed(account.pk, trust, (0, bench_scale.BASELINE), (0, bench_scale.BASELINE), (0, 1000))
        _attach_policies(account_id, options.policies)
        target = bench_scale._target(bench_scale.BASELINE)
        session = bench_scale._session(user, client, account_id, target)
        calls = bench_scale._calls(user, session, account_id, target, bench_scale._middle_marker(account.pk))
        print(f"caller: {options.policies} managed policies of 5 statements and one inline policy; CPU ms per request")
        print(f"{'call':28} {'cached':>8} {'parsed every request':>21}")
        for name in ("GetRole", "AssumeRole", "GetCallerIdentity (ASIA)"):
            cached = _cpu_ms(calls[name], options.runs, parse_every_time=False)
            parsed = _cpu_ms(calls[name], options.runs, parse_every_time=True)
            print(f"{name:28} {cached:8.2f} {parsed:21.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
