"""The Celery app: settings from Django's (``CELERY_*``), tasks from each app's ``tasks.py``, beat schedule in code.

With ``REDIS_URL`` Redis is the broker; otherwise kombu's filesystem transport under ``var/celery``, so ``make run``
still has a real worker and beat with no other service.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

app = Celery("iamconsole", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#: Periodic work, declared here rather than in the admin (see ARCHITECTURE.md, Background work).
app.conf.beat_schedule = {}
