"""Helpers for the faces' shared plumbing: IAM users with policies and keys, and console sessions."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore

from iamconsole import authentication, operations
from iamconsole.actors import Actor
from tests.identities.policy_factory import actor_for, document


def iam_user(account: Any, name: str, *statements: dict[str, Any], path: str = "/") -> Actor:
    """An IAM user of ``account`` whose inline policy holds ``statements`` (none: no permission at all)."""
    operations.run(account.root, "CreateUser", {"user_name": name, "path": path})
    if statements:
        params = {"user_name": name, "policy_name": "inline", "policy_document": document(*statements)}
        operations.run(account.root, "PutUserPolicy", params)
    return actor_for(account, name)


def access_key(account: Any, user_name: str) -> tuple[str, str]:
    """A new access key of the user: its id and secret."""
    created = operations.run(account.root, "CreateAccessKey", {"user_name": user_name})
    return created.access_key.access_key_id, created.secret_access_key


def console_session(actor: Actor) -> str:
    """The key of a stored console session of ``actor``, as signing in leaves it: the value of the session cookie."""
    session = SessionStore()
    session[authentication.SESSION_KEY] = authentication.console_session_data(actor)
    session.create()
    assert session.session_key is not None
    return session.session_key
