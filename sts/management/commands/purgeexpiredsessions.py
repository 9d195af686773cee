"""``manage.py purgeexpiredsessions``: the expiry sweep for cron, without Celery."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iamconsole import operations
from iamconsole.actors import Actor, RequestContext, Source


class Command(BaseCommand):
    help = "Delete expired temporary credentials (STS sessions) in batches; prints how many were deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = operations.run(
            Actor.system(), "PurgeExpiredSessions", {}, request=RequestContext(source=Source.COMMAND)
        )
        self.stdout.write(f"{deleted} expired sessions deleted")
