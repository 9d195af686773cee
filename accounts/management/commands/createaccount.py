"""``manage.py createaccount``: an account, its root user and one root access key (the contract in ARCHITECTURE.md)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from iamconsole import operations
from iamconsole.actors import Actor, RequestContext, Source
from iamconsole.errors import IamError


def create_account_with_key(*, alias: str | None, email: str | None, password: str | None) -> dict[str, Any]:
    """Create the account and a root access key in one transaction; the result in the ``--json`` fields."""
    request = RequestContext(source=Source.COMMAND)
    with transaction.atomic():
        new = operations.run(
            Actor.system(), "CreateAccount", {"alias": alias, "email": email, "password": password}, request=request
        )
        key = operations.run(Actor.system(new.account.account_id), "CreateAccessKey", {}, request=request)
    return {
        "account_id": new.account.account_id,
        "alias": new.account.alias,
        "email": new.root_email,
        "password": new.root_password,
        "access_key_id": key.access_key.access_key_id,
        "secret_access_key": key.secret_access_key,
        "console_url": f"{settings.IAM_CONSOLE_URL}/signin",
    }


class Command(BaseCommand):
    help = "Create an account with its root user and one root access key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--alias", help="account alias (3-63 lowercase letters, digits and hyphens)")
        parser.add_argument("--email", help="root user email (generated when omitted)")
        parser.add_argument("--password", help="root user password (generated when omitted)")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_account_with_key(
                alias=options["alias"], email=options["email"], password=options["password"]
            )
        except IamError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(self.style.SUCCESS(f"Created account {result['account_id']}"))
        for label, key in (
            ("Alias", "alias"),
            ("Console", "console_url"),
            ("Root email", "email"),
            ("Root password", "password"),
            ("Access key id", "access_key_id"),
            ("Secret access key", "secret_access_key"),
        ):
            self.stdout.write(f"  {label + ':':<19}{result[key] or '-'}")
