"""Redis down: every request that does not need the broker still succeeds, and work asked for meanwhile is kept.

A Redis server of the test's own is the cache and the broker of a live server; it is killed and started again while
boto3 and a console client keep making requests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from accounts.models import OutboxTask
from iamconsole import outbox
from identities.models import AccessKey
from tests.factories import make_account
from tests.integration.conftest import publishing_to
from tests.integration.servers import RedisServer, iam_client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(settings: Any, redis_server: RedisServer) -> RedisServer:
    """This process's cache is the test's Redis, as ``REDIS_URL`` makes it (``iamconsole.settings``)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return redis_server


def account_client(live_server: Any, account: Any) -> Any:
    return iam_client(live_server.url, account.access_key_id, account.secret_access_key)


@pytest.mark.usefixtures("aws_managed_policies")
def test_requests_succeed_and_enqueued_work_waits_while_redis_is_down(live_server, redis_cache, caplog):
    account = make_account(email="owner@example.test", password="Correct-Horse-9")
    iam = account_client(live_server, account)
    with publishing_to(redis_cache.url, {}):
        # Up: the last-used debounce really is in Redis.
        assert iam.list_users()["Users"] == []
        assert redis.Redis.from_url(redis_cache.url).exists(f":1:iam:key-used:{account.access_key_id}")

        redis_cache.stop()
        caplog.set_level(logging.WARNING, logger="iamconsole.authentication")
        AccessKey.objects.filter(access_key_id=account.access_key_id).update(last_used_at=None)
        iam.create_user(UserName="alice")
        assert [user["UserName"] for user in iam.list_users()["Users"]] == ["alice"]
        # The debounce is skipped: the use is written anyway, and the outage is logged once, not per request.
        assert AccessKey.objects.get(access_key_id=account.access_key_id).last_used_at is not None
        outage_logs = [r for r in caplog.records if "cache unreachable" in r.getMessage()]
        assert len(outage_logs) == 1
        # The console signs in (throttle and sessions are in the database) and serves pages.
        console = Client()
        signed_in = console.post("/signin", {"email": "owner@example.test", "password": "Correct-Horse-9"})
        assert signed_in.status_code == 302
        assert console.get("/").status_code == 200
        # Work that needs the broker is accepted and kept in the outbox.
        iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")
        role_name = "AWSServiceRoleForElasticBeanstalk"
        task_id = iam.delete_service_linked_role(RoleName=role_name)["DeletionTaskId"]
        assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task_id)["Status"] == "NOT_STARTED"
        kept = OutboxTask.objects.get()
        assert kept.attempts == 1 and kept.last_error

        redis_cache.start()
        assert outbox.send_outbox(older_than=timedelta(0)) == 1
        assert not OutboxTask.objects.exists()
        assert redis.Redis.from_url(redis_cache.url).llen("celery") == 1
        assert iam.list_users()["Users"]
        assert any("cache reachable again" in r.getMessage() for r in caplog.records)
