"""``manage.py setoidckeys ARN FILE``: give an OpenID Connect provider its issuer's keys (a JWKS file), for
installations that cannot reach the issuer; ``--clear`` goes back to fetching them. See docs/federation.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iamconsole import operations
from iamconsole.actors import Actor, RequestContext, Source
from iamconsole.arn import parse_arn
from iamconsole.errors import IamError


class Command(BaseCommand):
    help = "Upload (or with --clear remove) the signing keys (JWKS) of an OpenID Connect provider."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("provider_arn", help="arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH")
        parser.add_argument("jwks_file", nargs="?", help="the issuer's JWKS document (JSON)")
        parser.add_argument("--clear", action="store_true", help="remove uploaded keys: fetch them from the issuer")

    def handle(self, *args: Any, **options: Any) -> None:
        arn = parse_arn(options["provider_arn"])
        if arn is None or arn.resource_type != "oidc-provider":
            raise CommandError("The first argument must be an OpenID Connect provider ARN.")
        if options["clear"] == bool(options["jwks_file"]):
            raise CommandError("Give either a JWKS file or --clear.")
        keys = "" if options["clear"] else Path(options["jwks_file"]).read_text(encoding="utf-8")
        try:
            operations.run(
                Actor.system(arn.account),
                "SetOpenIDConnectProviderKeys",
                {"open_id_connect_provider_arn": options["provider_arn"], "keys": keys},
                request=RequestContext(source=Source.COMMAND),
            )
        except IamError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS("Keys removed." if options["clear"] else "Keys uploaded."))
