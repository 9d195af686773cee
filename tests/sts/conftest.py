"""Helpers for the STS tests: users and roles with policies, and calls through ``operations.run``."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from iamconsole import authentication, operations
from iamconsole.actors import Actor, RequestContext, Source
from iamconsole.arn import iam_arn
from tests import factories
from tests.factories import allow, document, trust

__all__ = ["allow", "policy", "trust"]  # the STS tests import them from here


def policy(*statements: dict[str, Any]) -> str:
    return document(*statements)


class Env:
    """One account's root plus builders for users and roles."""

    def __init__(self, fixture: Any) -> None:
        self.fixture = fixture
        self.account = fixture.model
        self.root = fixture.root
        self.request = RequestContext(source=Source.API, source_ip="203.0.113.10", user_agent="pytest")

    @property
    def account_id(self) -> str:
        return self.fixture.account_id

    def user(self, name: str, *, policy_document: str | None = None, tags: dict[str, str] | None = None) -> Actor:
        factories.user(self.fixture, name, tags=tags)
        if policy_document:
            factories.put_user_policy(self.fixture, name, policy_document, policy_name="p")
        return factories.actor_for(self.fixture, name)

    def role(
        self,
        name: str,
        trust_policy: str,
        *,
        path: str = "/",
        policy_document: str | None = None,
        max_session_duration: int = 3600,
        tags: dict[str, str] | None = None,
    ) -> str:
        factories.role(
            self.fixture,
            name,
            trust_policy,
            path=path,
            policy_document=policy_document,
            max_session_duration=max_session_duration,
            tags=tags,
        )
        return iam_arn(self.account_id, "role", name, path)

    def put_role_policy(self, role_name: str, policy_name: str, document: str) -> None:
        factories.put_role_policy(self.fixture, role_name, policy_name, document)

    def mfa_device(self, user_name: str | None) -> tuple[str, pyotp.TOTP]:
        """An enabled virtual MFA device of the user (root when None), and its TOTP to make codes."""
        return factories.mfa_device(self.fixture, user_name)


def assume(actor: Actor, role_arn: str, session_name: str = "session", *, request: Any = None, **params: Any) -> Any:
    return operations.run(
        actor,
        "AssumeRole",
        {"role_arn": role_arn, "role_session_name": session_name, **params},
        request=request or RequestContext(source=Source.API, source_ip="203.0.113.10"),
    )


def session_of(result: Any) -> Actor:
    """The actor the issued credentials authenticate as."""
    creds = result.credentials
    return authentication.resolve_access_key(creds.access_key_id, creds.session_token).actor


@pytest.fixture
def env(account: Any) -> Env:
    return Env(account)


@pytest.fixture
def other(other_account: Any) -> Env:
    return Env(other_account)
