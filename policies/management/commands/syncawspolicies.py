"""``manage.py syncawspolicies``: put the AWS managed policy catalogue in the database (``make run`` after migrate).

Idempotent: adds the policies the database lacks and moves the ones whose default version changed in the catalogue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iamconsole import operations
from iamconsole.actors import Actor, RequestContext, Source


class Command(BaseCommand):
    help = "Load or refresh the AWS managed policies (arn:aws:iam::aws:policy/...) from the catalogue data file."

    def handle(self, *args: Any, **options: Any) -> None:
        added = operations.run(Actor.system(), "SyncAwsManagedPolicies", request=RequestContext(source=Source.COMMAND))
        if options["verbosity"] > 0:
            self.stdout.write(f"AWS managed policies: {added} added.")
