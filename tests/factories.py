"""Factories for test set-up: accounts, users, groups, roles, policies, access keys, MFA devices and console sessions.

Everything goes through ``operations.run`` as the account's root, as a client would, so the rows a test starts from
are the rows iamconsole itself writes. The two exceptions say why where they stand (an AWS managed policy with a
made-up document, and an MFA device enabled in the past). Policy documents are built with ``document``/``allow``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import pyotp
from django.utils import timezone

from iamconsole import authentication, crypto, ids, operations
from iamconsole.actors import Actor
from iamconsole.arn import aws_managed_policy_arn
from identities.models import Group, MFADevice, Role, User
from policies.models import ManagedPolicy, PolicyVersion


class HasAccountId(Protocol):
    """An ``AccountFixture`` or an ``accounts.models.Account``: either names the account."""

    @property
    def account_id(self) -> str: ...


# -- accounts -------------------------------------------------------------------------------------------------------


@dataclass
class AccountFixture:
    """A created account with its root credentials, as ``createaccount --json`` gives them."""

    account_id: str
    alias: str | None
    email: str
    password: str
    access_key_id: str
    secret_access_key: str

    @property
    def root(self) -> Actor:
        return Actor.root(self.account_id)

    @property
    def model(self) -> Any:
        from accounts.models import Account

        return Account.objects.get(account_id=self.account_id)


def make_account(alias: str | None = None, email: str | None = None, password: str | None = None) -> AccountFixture:
    """A new account with its root user and one root access key, made as ``createaccount`` makes it."""
    from accounts.management.commands.createaccount import create_account_with_key

    data = create_account_with_key(alias=alias, email=email, password=password)
    data.pop("console_url")
    return AccountFixture(**data)


def root_of(account: HasAccountId) -> Actor:
    return Actor.root(account.account_id)


def run(account: HasAccountId, operation: str, **params: Any) -> Any:
    """``operation`` run as the account's root, its parameters as keywords: for tests of the operation itself."""
    return operations.run(root_of(account), operation, params)


# -- policy documents -----------------------------------------------------------------------------------------------


def document(*statements: dict[str, Any]) -> str:
    """A policy document with these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(
    principal: str | list[str], action: str | list[str] = "sts:AssumeRole", *, kind: str = "AWS", **extra: Any
) -> str:
    """A role trust policy letting ``principal`` take ``action``: ARNs or account ids, or with ``kind="Federated"`` an
    identity provider's ARN (``kind="Service"``: a service)."""
    return document({"Effect": "Allow", "Principal": {kind: principal}, "Action": action, **extra})


def _tags(tags: dict[str, str] | None) -> dict[str, Any]:
    return {"tags": [{"key": key, "value": value} for key, value in tags.items()]} if tags else {}


# -- principals -----------------------------------------------------------------------------------------------------


def user(
    account: HasAccountId,
    name: str = "alice",
    *statements: dict[str, Any],
    path: str = "/",
    tags: dict[str, str] | None = None,
    boundary: str | None = None,
    password: str | None = None,
) -> User:
    """A new IAM user; ``statements`` become its inline policy ``inline`` (none: no permission at all), and a
    ``password`` its console password (CreateLoginProfile)."""
    params: dict[str, Any] = {"user_name": name, "path": path, **_tags(tags)}
    if boundary is not None:
        params["permissions_boundary"] = boundary
    created: User = operations.run(root_of(account), "CreateUser", params)
    if statements:
        put_user_policy(account, name, document(*statements))
    if password is not None:
        login_profile(account, name, password)
    return created


def login_profile(account: HasAccountId, user_name: str, password: str, *, reset_required: bool = False) -> None:
    """A console password for the user (CreateLoginProfile), to be changed at the next sign-in if ``reset_required``."""
    params: dict[str, Any] = {"user_name": user_name, "password": password}
    if reset_required:
        params["password_reset_required"] = True
    operations.run(root_of(account), "CreateLoginProfile", params)


def put_user_policy(account: HasAccountId, user_name: str, text: str, policy_name: str = "inline") -> None:
    params = {"user_name": user_name, "policy_name": policy_name, "policy_document": text}
    operations.run(root_of(account), "PutUserPolicy", params)


def actor_for(account: HasAccountId, user_name: str) -> Actor:
    """The actor of an IAM user of the account, as authentication builds it."""
    row = User.objects.select_related("account").get(account__account_id=account.account_id, name=user_name)
    return authentication.user_actor(row)


def iam_user(
    account: HasAccountId, name: str, *statements: dict[str, Any], path: str = "/", tags: dict[str, str] | None = None
) -> Actor:
    """A new IAM user whose inline policy holds ``statements``, as the actor its credentials authenticate as."""
    user(account, name, *statements, path=path, tags=tags)
    return actor_for(account, name)


def group(account: HasAccountId, name: str, path: str = "/", members: tuple[str, ...] = ()) -> Group:
    """A new group, with these users added to it."""
    created: Group = operations.run(root_of(account), "CreateGroup", {"group_name": name, "path": path})
    for member in members:
        operations.run(root_of(account), "AddUserToGroup", {"group_name": name, "user_name": member})
    return created


def put_group_policy(account: HasAccountId, group_name: str, text: str, policy_name: str = "inline") -> None:
    params = {"group_name": group_name, "policy_name": policy_name, "policy_document": text}
    operations.run(root_of(account), "PutGroupPolicy", params)


def role(
    account: HasAccountId,
    name: str,
    trust_policy: str | None = None,
    *,
    path: str = "/",
    policy_document: str | None = None,
    max_session_duration: int | None = None,
    tags: dict[str, str] | None = None,
    boundary: str | None = None,
    description: str | None = None,
) -> Role:
    """A new role trusted by ``trust_policy`` (default: its own account's root); ``policy_document`` becomes its
    inline policy ``p``."""
    params: dict[str, Any] = {
        "role_name": name,
        "path": path,
        "assume_role_policy_document": trust_policy or trust(account.account_id),
        **_tags(tags),
    }
    if max_session_duration is not None:
        params["max_session_duration"] = max_session_duration
    if description is not None:
        params["description"] = description
    if boundary is not None:
        params["permissions_boundary"] = boundary
    created: Role = operations.run(root_of(account), "CreateRole", params)
    if policy_document:
        put_role_policy(account, name, "p", policy_document)
    return created


def put_role_policy(account: HasAccountId, role_name: str, policy_name: str, text: str) -> None:
    params = {"role_name": role_name, "policy_name": policy_name, "policy_document": text}
    operations.run(root_of(account), "PutRolePolicy", params)


# -- managed policies -----------------------------------------------------------------------------------------------


def managed_policy(
    account: HasAccountId,
    name: str,
    text: str,
    *,
    path: str = "/",
    description: str | None = None,
    tags: dict[str, str] | None = None,
) -> ManagedPolicy:
    """A customer managed policy of the account with ``text`` as its default version ``v1`` (CreatePolicy)."""
    params: dict[str, Any] = {"policy_name": name, "policy_document": text, "path": path, **_tags(tags)}
    if description is not None:
        params["description"] = description
    created: ManagedPolicy = operations.run(root_of(account), "CreatePolicy", params)
    return created


def aws_managed_policy(name: str, text: str, *, path: str = "/") -> ManagedPolicy:
    """An AWS managed policy with a document of the test's choosing. Stored directly: no operation creates AWS managed
    policies but the catalogue sync, whose documents are AWS's."""
    now = timezone.now()
    created = ManagedPolicy.objects.create(
        account=None,
        policy_id=ids.unique_id(ids.IdPrefix.POLICY),
        name=name,
        path=path,
        arn=aws_managed_policy_arn(name, path),
        created_at=now,
        updated_at=now,
    )
    PolicyVersion.objects.create(policy=created, version_id="v1", document=text, is_default=True, created_at=now)
    return created


def make_policy(
    account: HasAccountId | None, name: str, text: str, *, path: str = "/", aws_managed: bool = False
) -> Any:
    """A managed policy: the account's own (``managed_policy``), or AWS managed (``aws_managed_policy``)."""
    if aws_managed or account is None:
        return aws_managed_policy(name, text, path=path)
    return managed_policy(account, name, text, path=path)


def attach(account: HasAccountId, policy: ManagedPolicy | str, **principal: str) -> None:
    """Attach a managed policy (or the policy of that ARN) to one principal: ``user_name=``, ``group_name=`` or
    ``role_name=``."""
    ((key, value),) = principal.items()
    kind = {"user_name": "User", "group_name": "Group", "role_name": "Role"}[key]
    arn = policy if isinstance(policy, str) else policy.arn
    operations.run(root_of(account), f"Attach{kind}Policy", {key: value, "policy_arn": arn})


# -- activity -------------------------------------------------------------------------------------------------------


def audit_event(
    account: HasAccountId, actor_arn: str, name: str, *, source: str = "iam.amazonaws.com", days_ago: int = 0
) -> None:
    """A successful call ``name`` made by ``actor_arn`` ``days_ago`` days ago, as the audit trail records it: what
    last-accessed reports read. Recorded directly: an operation would stamp "now" and the caller's own ARN."""
    from accounts import services as account_services

    account_services.record_audit_event(
        account_id=account.account_id,
        actor_arn=actor_arn,
        event_name=name,
        event_source=source,
        source="api",
        request_id="test",
        time=timezone.now() - timedelta(days=days_ago),
        outcome="success",
    )


# -- credentials ----------------------------------------------------------------------------------------------------


def access_key(account: HasAccountId, user_name: str) -> tuple[str, str]:
    """A new access key of the user: its id and secret."""
    created = operations.run(root_of(account), "CreateAccessKey", {"user_name": user_name})
    return created.access_key.access_key_id, created.secret_access_key


def console_session(actor: Actor) -> str:
    """The key of a stored console session of ``actor``, as signing in leaves it: the value of the session cookie."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[authentication.SESSION_KEY] = authentication.console_session_data(actor)
    session.create()
    assert session.session_key is not None
    return session.session_key


def mfa_device(account: HasAccountId, user_name: str | None) -> tuple[str, pyotp.TOTP]:
    """An enabled virtual MFA device of the user (root when None), and its TOTP to make codes.

    Stored directly: enabling through EnableMFADevice spends two codes and stamps "now", while these tests need every
    code unspent and a device enabled minutes ago (``aws:MultiFactorAuthAge``)."""
    seed = pyotp.random_base32()
    name = f"{user_name or 'root'}-device"
    owner = User.objects.get(account__account_id=account.account_id, name=user_name) if user_name else None
    then = timezone.now() - timedelta(minutes=5)
    MFADevice.objects.create(
        account_id=owner.account_id if owner else _account_pk(account),
        serial_number=f"arn:aws:iam::{account.account_id}:mfa/{name}",
        name=name,
        seed_encrypted=crypto.encrypt(seed),
        user=owner,
        assigned_to_root=owner is None,
        enabled_at=then,
        created_at=then,
    )
    return f"arn:aws:iam::{account.account_id}:mfa/{name}", pyotp.TOTP(seed)


def _account_pk(account: HasAccountId) -> Any:
    from accounts.models import Account

    return Account.objects.only("pk").get(account_id=account.account_id).pk
