"""A transactional outbox for Celery tasks: enqueued on commit, never lost while the broker is down.

``enqueue`` writes the task to ``accounts.OutboxTask`` inside the caller's transaction and, once that transaction
commits, hands it to the broker and deletes the row. If the broker cannot be reached (Redis down), the request still
succeeds: the row stays, and beat's ``send_outbox_task`` sends it when the broker is back. A crash between the commit
and the hand-over leaves the row as well. A task may therefore run twice (sent on commit and by beat in the same
moment); every task is idempotent, so that costs nothing.

The rows live in ``accounts`` (the ground floor app) because every app enqueues through them and ``iamconsole``
itself holds no models.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import OutboxTask

logger = logging.getLogger(__name__)

#: Rows younger than this are left to the commit hook that is about to send them.
GRACE = timedelta(seconds=5)
#: Rows sent per beat run; the next run takes the rest.
BATCH = 500
#: Publishing gives up fast when the broker is down: the row keeps the task, a request must not hang.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue(task_name: str, *args: Any, countdown: float | None = None) -> OutboxTask:
    """Run ``task_name(*args)`` once the current transaction commits (never if it rolls back).

    Arguments are ids and primitives only (JSON). ``countdown`` delays the run by that many seconds.
    """
    row = OutboxTask.objects.create(
        task_name=task_name, args=list(args), countdown=countdown, created_at=timezone.now()
    )
    transaction.on_commit(partial(_send_and_forget, row.pk), robust=True)
    return row


def _publish(task_name: str, args: Sequence[Any], countdown: float | None) -> None:
    from iamconsole.celery import app

    app.send_task(task_name, args=list(args), countdown=countdown, retry=True, retry_policy=RETRY_POLICY)


def _send_and_forget(pk: int) -> None:
    row = OutboxTask.objects.filter(pk=pk).first()
    if row is None:  # beat already sent it
        return
    try:
        _publish(row.task_name, row.args, row.countdown)
    except (BrokerError, OSError) as exc:
        logger.warning("broker unreachable, %s kept in the outbox: %s", row, exc)
        OutboxTask.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=str(exc)[:2000])
        return
    OutboxTask.objects.filter(pk=pk).delete()


def send_outbox(*, older_than: timedelta = GRACE, batch: int = BATCH) -> int:
    """Send the tasks left in the outbox, oldest first; returns how many the broker took.

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``, so several beat or worker processes share the work
    without sending a row twice. Stops at the first broker error: the broker is still down.
    """
    sent = 0
    with transaction.atomic():
        rows = list(
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(created_at__lte=timezone.now() - older_than)
            .order_by("pk")[:batch]
        )
        for row in rows:
            try:
                _publish(row.task_name, row.args, row.countdown)
            except (BrokerError, OSError) as exc:
                OutboxTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=str(exc)[:2000])
                logger.warning("broker still unreachable, %d tasks wait in the outbox", len(rows) - sent)
                break
            OutboxTask.objects.filter(pk=row.pk).delete()
            sent += 1
    return sent


@shared_task(name="iamconsole.outbox.send_outbox_task", ignore_result=True)
def send_outbox_task() -> int:
    """Beat's periodic hand-over of the outbox to the broker."""
    return send_outbox()
