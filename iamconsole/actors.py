"""Who makes a request, and in what circumstances.

An :class:`Actor` carries everything authorization needs about the principal (ids, ARN, account, tags, MFA facts,
session policies, source identity, token issue time) so that the authorizer never has to guess what kind of caller it
is dealing with. :class:`RequestContext` carries the facts of the request itself (which face, from where, when).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType

from iamconsole.arn import root_arn


class ActorKind(StrEnum):
    """The kinds of principal that can make a request."""

    ROOT = "root"
    USER = "user"
    ROLE_SESSION = "role_session"
    FEDERATED_USER = "federated_user"
    #: A user of an identity provider (a web identity token or a SAML assertion) asking to assume a role: its ARN is
    #: the provider's, which the role's trust policy names as ``Federated``.
    FEDERATED = "federated"
    #: An unsigned request (AssumeRoleWithWebIdentity and AssumeRoleWithSAML only), before its token is read.
    ANONYMOUS = "anonymous"
    SYSTEM = "system"


#: The value of ``aws:PrincipalType`` for each kind, as AWS documents it.
PRINCIPAL_TYPES: Mapping[ActorKind, str] = MappingProxyType(
    {
        ActorKind.ROOT: "Account",
        ActorKind.USER: "User",
        ActorKind.ROLE_SESSION: "AssumedRole",
        ActorKind.FEDERATED_USER: "FederatedUser",
    }
)


@dataclass(frozen=True, slots=True)
class Actor:
    """The principal of one request.

    ``principal_id`` is the value of ``aws:userid``: the account id for root, the user's ``AIDA…`` id, or
    ``AROA…:SESSION`` for a role session. ``session_id`` is set for temporary credentials (AssumeRole or
    GetSessionToken); ``session_policies`` then holds the session policy documents and managed policy ARNs that
    narrow it.
    """

    kind: ActorKind
    account_id: str
    arn: str
    principal_id: str
    name: str = ""
    user_pk: int | None = None
    role_pk: int | None = None
    role_arn: str | None = None
    session_pk: int | None = None
    access_key_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    mfa_authenticated: bool = False
    mfa_authenticated_at: datetime | None = None
    token_issued_at: datetime | None = None
    session_policy_documents: tuple[str, ...] = ()
    session_policy_arns: tuple[str, ...] = ()
    source_identity: str | None = None
    #: When the temporary credentials of the request expire (None for long-term keys and console sessions).
    session_expires_at: datetime | None = None
    #: GetScopedCredentials' scope-down policies, each a further layer that must allow the request.
    scope_policy_documents: tuple[str, ...] = ()
    #: Credentials from GetSessionToken: AWS restricts what they may call (see sts).
    from_session_token: bool = False
    #: A console session (the console works with temporary credentials, as AWS's does).
    console: bool = False

    @property
    def is_root(self) -> bool:
        return self.kind is ActorKind.ROOT

    @property
    def is_system(self) -> bool:
        return self.kind is ActorKind.SYSTEM

    @property
    def principal_type(self) -> str:
        """The ``aws:PrincipalType`` value (``Account``, ``User``, ``AssumedRole``, ``FederatedUser``), and CloudTrail's
        ``WebIdentityUser`` or ``SAMLUser`` for an identity provider's user."""
        if self.kind is ActorKind.FEDERATED:
            return "SAMLUser" if ":saml-provider/" in self.arn else "WebIdentityUser"
        return PRINCIPAL_TYPES.get(self.kind, "")

    @property
    def temporary_credentials(self) -> bool:
        """STS credentials or a console session: ``aws:MultiFactorAuthPresent`` is then always in the context."""
        return self.session_pk is not None or self.console

    @property
    def has_session_policies(self) -> bool:
        return bool(self.session_policy_documents or self.session_policy_arns)

    @classmethod
    def root(cls, account_id: str, *, access_key_id: str | None = None) -> Actor:
        """The root user of an account."""
        return cls(
            kind=ActorKind.ROOT,
            account_id=account_id,
            arn=root_arn(account_id),
            principal_id=account_id,
            access_key_id=access_key_id,
        )

    @classmethod
    def anonymous(cls) -> Actor:
        """The caller of an unsigned request, until the token it carries names a federated principal."""
        return cls(kind=ActorKind.ANONYMOUS, account_id="", arn="anonymous", principal_id="anonymous")

    @classmethod
    def federated(cls, *, account_id: str, provider_arn: str, principal_id: str, subject: str) -> Actor:
        """The user ``subject`` of the identity provider ``provider_arn`` (a role's trust policy names it as
        ``"Federated": provider_arn``)."""
        return cls(
            kind=ActorKind.FEDERATED, account_id=account_id, arn=provider_arn, principal_id=principal_id, name=subject
        )

    @classmethod
    def system(cls, account_id: str = "") -> Actor:
        """iamconsole itself (Celery tasks and management commands): always allowed, audited as such."""
        return cls(
            kind=ActorKind.SYSTEM, account_id=account_id, arn="iamconsole:system", principal_id="system", name="system"
        )


class Source(StrEnum):
    """The face a request came through, recorded on every audit event."""

    CONSOLE = "console"
    API = "api"
    QUERY = "query"
    TASK = "task"
    COMMAND = "command"


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Facts of one request that policies may test (``aws:SourceIp``, ``aws:SecureTransport``…) and audit records."""

    source: Source = Source.COMMAND
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    source_ip: str | None = None
    user_agent: str | None = None
    secure_transport: bool = False
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    region: str = "us-east-1"
