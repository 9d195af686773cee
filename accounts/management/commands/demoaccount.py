"""``manage.py demoaccount``: the demo account of ``make run``, created on first start and shown on every start.

Its credentials are kept in ``var/demo-account.json`` (mode 0600, never in the database), so later starts can show
them again; the database only has the password's hash and the encrypted secret key.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.management.commands.createaccount import create_account_with_key
from iamconsole import operations
from iamconsole.actors import Actor, RequestContext, Source
from iamconsole.errors import NoSuchEntity


class Command(BaseCommand):
    help = "Create the demo account on first start and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.VAR_DIR / "demo-account.json"
        demo: dict[str, Any] | None = None
        if path.exists():
            demo = json.loads(path.read_text())
            try:
                operations.run(
                    Actor.system(demo["account_id"]),
                    "ListAccountAliases",
                    request=RequestContext(source=Source.COMMAND),
                )
            except NoSuchEntity:
                demo = None  # the database was reset: make a new one
        if demo is None:
            demo = create_account_with_key(alias=None, email="demo@iamconsole.local", password=None)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(demo, handle, indent=2)
            self.stdout.write(self.style.SUCCESS("Created the demo account."))
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  Console:            {settings.IAM_CONSOLE_URL}/signin",
                    f"  Account id:         {demo['account_id']}",
                    f"  Root email:         {demo['email']}",
                    f"  Root password:      {demo['password']}",
                    f"  Access key id:      {demo['access_key_id']}",
                    f"  Secret access key:  {demo['secret_access_key']}",
                    f"  AWS endpoint:       {settings.IAM_CONSOLE_URL}/aws",
                    "",
                ]
            )
        )
