"""Helpers for console view tests: signed-in test clients for root, a read-only IAM user (AWS managed
ReadOnlyAccess) and an IAM user without any permission."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.test import Client

from iamconsole.actors import Actor
from tests.factories import actor_for, attach, console_session, iam_user, user

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
READ_ONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def signed_in(client: Client, actor: Actor) -> Client:
    client.cookies[settings.SESSION_COOKIE_NAME] = console_session(actor)
    return client


def read_only_user(account: Any, name: str = "reader") -> Actor:
    """An IAM user with AWS's ReadOnlyAccess managed policy (needs the ``aws_managed_policies`` fixture)."""
    user(account, name)
    attach(account, READ_ONLY_ARN, user_name=name)
    return actor_for(account, name)


def no_permission_user(account: Any, name: str = "nobody") -> Actor:
    return iam_user(account, name)


def text(response: Any) -> str:
    return str(response.content.decode())


def missing_action(response: Any) -> list[str]:
    """The actions the access-denied panels of a page name."""
    return re.findall(r'<code class="missing-action">([^<]+)</code>', text(response))
