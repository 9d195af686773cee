"""If-Match under a real race on PostgreSQL: two automations holding the same ETag write at the same instant, and
exactly one wins; the other is answered 412 PreconditionFailed.

The race is made certain rather than hoped for: the test holds the row lock the write takes (a transaction of its
own, ``SELECT ... FOR UPDATE``) until both requests are waiting on it. Had either request compared its ETag before
taking the lock, both would have passed the comparison by then and both would win.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from identities.models import Role, User
from policies.models import ManagedPolicy
from tests import factories
from tests.api_client import ALLOW_S3, TRUST_EC2, policy, signed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and pg_stat_activity are PostgreSQL's"),
]

TRUST_LAMBDA = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
WRITE_S3 = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _race(lock: Callable[[], Any], send: Callable[[Any], tuple[int, Any, Any]], bodies: list[Any]) -> list[int]:
    """Both requests sent while ``lock`` holds the row, released once both wait on it; their statuses, in order."""
    statuses: dict[int, int] = {}

    def request(index: int) -> None:
        statuses[index] = send(bodies[index])[0]

    threads = [threading.Thread(target=request, args=(index,)) for index in range(2)]
    with transaction.atomic():
        lock()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks() < 2:
            assert time.monotonic() < deadline, "the two writes never both waited on the row lock"
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    return [statuses[0], statuses[1]]


def _one_won(statuses: list[int], success: int) -> int:
    assert sorted(statuses) == sorted([success, 412])
    return statuses.index(success)


def test_trust_policy(live_server, account):
    api = signed(live_server.url, account)
    api.post("/api/v1/roles/", {"role_name": "web", "assume_role_policy_document": TRUST_EC2})
    etag = api.get("/api/v1/roles/web/trust-policy/")[2].headers["ETag"]
    bodies = [{"policy_document": TRUST_LAMBDA}, {"policy_document": TRUST_EC2 | {"Id": "second"}}]
    statuses = _race(
        lambda: list(Role.objects.select_for_update().filter(name="web")),
        lambda body: api.put("/api/v1/roles/web/trust-policy/", body, headers={"If-Match": etag}),
        bodies,
    )
    winner = _one_won(statuses, 204)
    stored = api.get("/api/v1/roles/web/trust-policy/")[1]["assume_role_policy_document"]
    assert json.loads(stored) == bodies[winner]["policy_document"]


def test_inline_policy(live_server, account):
    api = signed(live_server.url, account)
    factories.user(account, "bob")
    url = "/api/v1/users/bob/inline-policies/read/"
    assert api.put(url, {"policy_document": ALLOW_S3})[0] == 204
    etag = api.get(url)[2].headers["ETag"]
    bodies = [{"policy_document": WRITE_S3}, {"policy_document": ALLOW_S3 | {"Id": "second"}}]
    statuses = _race(
        lambda: list(User.objects.select_for_update().filter(name="bob")),
        lambda body: api.put(url, body, headers={"If-Match": etag}),
        bodies,
    )
    winner = _one_won(statuses, 204)
    assert json.loads(api.get(url)[1]["policy_document"]) == bodies[winner]["policy_document"]


def test_new_default_policy_version(live_server, account):
    api = signed(live_server.url, account)
    created = api.post("/api/v1/policies/", {"policy_name": "reader", "policy_document": ALLOW_S3})[1]
    base = f"/api/v1/policies/{created['policy_id']}"
    etag = api.get(f"{base}/default-version/")[2].headers["ETag"]
    bodies = [{"policy_document": WRITE_S3, "set_as_default": True}] * 2
    statuses = _race(
        lambda: list(ManagedPolicy.objects.select_for_update().filter(arn=created["arn"])),
        lambda body: api.post(f"{base}/versions/", body, headers={"If-Match": etag}),
        bodies,
    )
    _one_won(statuses, 201)
    assert [row["version_id"] for row in api.get(f"{base}/versions/")[1]["results"]] == ["v2", "v1"]
