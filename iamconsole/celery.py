"""The Celery app: settings from Django's (``CELERY_*``), tasks from each app's ``tasks.py``, beat schedule in code.

With ``REDIS_URL`` Redis is the broker; otherwise kombu's filesystem transport under ``var/celery``, so ``make run``
still has a real worker and beat with no other service. Tasks are enqueued through ``iamconsole.outbox``, which
keeps them in the database while the broker is unreachable; beat hands them over when it is back.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

app = Celery("iamconsole", task_cls="celery.contrib.django.task:DjangoTask", include=["iamconsole.outbox"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A web request publishing while Redis is down must fail fast (the outbox keeps the task), not hang for minutes.
app.conf.broker_connection_timeout = 2


@worker_init.connect
def _audit_reads_in_the_task(**_: object) -> None:
    # A worker's pool processes can end without running atexit (billiard's children), so a task's reads are recorded
    # in the task, not batched (accounts.audit_batch). Set before the pool forks: every child inherits it.
    settings.IAM_AUDIT_READ_BATCH = 0


SWEEP = settings.IAM_SWEEP_INTERVAL  # IAM_SWEEP_INTERVAL_SECONDS, 60 by default

#: Periodic work, declared here rather than in the admin (see ARCHITECTURE.md, Background work).
app.conf.beat_schedule = {
    "send-outbox": {"task": "iamconsole.outbox.send_outbox_task", "schedule": settings.IAM_OUTBOX_INTERVAL},
    # Expired credentials are refused at the request; the sweep only removes their rows.
    "purge-expired-sessions": {"task": "sts.tasks.purge_expired_sessions_task", "schedule": SWEEP},
    # A task lost with a worker killed mid-task is sent again: nothing stays IN_PROGRESS for ever.
    "resume-stalled-tasks": {"task": "identities.tasks.resume_stalled_tasks_task", "schedule": SWEEP},
}
