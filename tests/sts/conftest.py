"""Helpers for the STS tests: users and roles with policies, and calls through ``operations.run``."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from iamconsole import authentication, crypto, ids, operations
from iamconsole.actors import Actor, RequestContext, Source
from iamconsole.arn import iam_arn
from identities.models import MFADevice, Role, User
from identities.services import role_policies


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal: str | list[str], action: str | list[str] = "sts:AssumeRole", **extra: Any) -> str:
    return policy({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, **extra})


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
        params: dict[str, Any] = {"user_name": name}
        if tags:
            params["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        operations.run(self.root, "CreateUser", params)
        if policy_document:
            operations.run(
                self.root,
                "PutUserPolicy",
                {"user_name": name, "policy_name": "p", "policy_document": policy_document},
            )
        return authentication.user_actor(User.objects.select_related("account").get(account=self.account, name=name))

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
        Role.objects.create(
            account=self.account,
            role_id=ids.unique_id(ids.IdPrefix.ROLE),
            name=name,
            path=path,
            assume_role_policy_document=trust_policy,
            max_session_duration=max_session_duration,
            tags=tags or {},
            created_at=timezone.now(),
        )
        if policy_document:
            self.put_role_policy(name, "p", policy_document)
        return iam_arn(self.account_id, "role", name, path)

    def put_role_policy(self, role_name: str, policy_name: str, document: str) -> None:
        role_policies.put_role_policy(
            account=self.account, role_name=role_name, policy_name=policy_name, policy_document=document
        )

    def mfa_device(self, user_name: str | None) -> tuple[str, pyotp.TOTP]:
        """An enabled virtual MFA device of the user (root when None), and its TOTP to make codes."""
        seed = pyotp.random_base32()
        serial = f"arn:aws:iam::{self.account_id}:mfa/{user_name or 'root'}-device"
        user = User.objects.get(account=self.account, name=user_name) if user_name else None
        MFADevice.objects.create(
            account=self.account,
            serial_number=serial,
            name=f"{user_name or 'root'}-device",
            seed_encrypted=crypto.encrypt(seed),
            user=user,
            assigned_to_root=user is None,
            enabled_at=timezone.now() - timedelta(minutes=5),
            created_at=timezone.now() - timedelta(minutes=5),
        )
        return serial, pyotp.TOTP(seed)


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
