"""The calling principal and how `Principal` / `NotPrincipal` elements match it.

Mirrors "AWS JSON policy elements: Principal" and "NotPrincipal" in the IAM User Guide: an
element names principals by ARN, by account (`123456789012` or `arn:aws:iam::123456789012:root`,
which delegates to the account's own policies), by `"*"`, or as `Service`, `Federated` or
`CanonicalUser` principals. A role session is matched by its session ARN (a direct grant) or by
its role's ARN (a grant to the role, limited by the role's boundary and session policies).
`NotPrincipal` excludes a caller only when every ARN AWS evaluates for it (session, role or user,
and account) is listed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import lru_cache

from .document import PrincipalSpec, principal_is_account


class Grant(enum.IntEnum):
    """How specifically a resource-based policy statement names the caller."""

    NONE = 0
    ACCOUNT = 1  # the account: delegates to the account's identity-based policies
    ROLE = 2  # the role (or the IAM user behind a federated user session)
    DIRECT = 3  # the caller itself (user, role session, federated user session) or "*"


def _account_of(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: `arn` is the user, root, role session or federated user ARN.

    `role_arn` is the role's IAM ARN (with its path) for a role session; `source_user_arn` the
    IAM user behind a `GetFederationToken` session; `service`, `federated` and `canonical_user`
    describe non-IAM callers (a service principal such as `ec2.amazonaws.com`, an identity
    provider, an S3 canonical user). `account` defaults to the account in `arn`.
    """

    arn: str
    account: str = ""
    role_arn: str | None = None
    source_user_arn: str | None = None
    service: str | None = None
    federated: str | None = None
    canonical_user: str | None = None
    principal_type: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.account:
            object.__setattr__(self, "account", _account_of(self.arn))
        if not self.principal_type:
            object.__setattr__(self, "principal_type", self._type())

    def _type(self) -> str:
        resource = self.arn.split(":", 5)[-1]
        if resource == "root":
            return "Account"
        if resource.startswith("assumed-role/"):
            return "AssumedRole"
        if resource.startswith("federated-user/"):
            return "FederatedUser"
        if resource.startswith("user/"):
            return "User"
        if self.service:
            return "Service"
        return "WebIdentity" if self.federated else "Unknown"

    @property
    def is_root(self) -> bool:
        """The account root user."""
        return self.principal_type == "Account"

    @property
    def is_session(self) -> bool:
        """A role session or federated user session (subject to session policies)."""
        return self.principal_type in ("AssumedRole", "FederatedUser")


@dataclass(frozen=True, slots=True)
class _Names:
    wildcard: bool
    arns: frozenset[str]
    accounts: frozenset[str]
    services: frozenset[str]
    federated: frozenset[str]
    canonical: frozenset[str]


@lru_cache(maxsize=4096)
def _names(spec: PrincipalSpec) -> _Names:
    arns: set[str] = set()
    accounts: set[str] = set()
    wildcard = spec.wildcard or "*" in spec.aws
    for value in spec.aws:
        account = principal_is_account(value)
        if account is not None:
            accounts.add(account)
        else:
            arns.add(value)
    return _Names(
        wildcard,
        frozenset(arns),
        frozenset(accounts),
        frozenset(s.lower() for s in spec.service),
        frozenset(spec.federated),
        frozenset(spec.canonical_user),
    )


def grant_level(spec: PrincipalSpec, caller: Principal) -> Grant:
    """How the `Principal` element `spec` names `caller` (Grant.NONE when it does not)."""
    names = _names(spec)
    if spec.wildcard:
        return everyone(caller)
    if caller.service is not None:
        return Grant.DIRECT if caller.service.lower() in names.services else Grant.NONE
    if caller.federated is not None:
        return Grant.DIRECT if caller.federated in names.federated else Grant.NONE
    if caller.canonical_user is not None and caller.canonical_user in names.canonical:
        return Grant.DIRECT
    if names.wildcard:
        return everyone(caller)
    if caller.arn in names.arns:
        return Grant.DIRECT
    if caller.account in names.accounts:
        # The root user is the account itself; naming the account grants it directly.
        return Grant.DIRECT if caller.is_root else Grant.ACCOUNT
    if (caller.role_arn and caller.role_arn in names.arns) or (
        caller.source_user_arn and caller.source_user_arn in names.arns
    ):
        return Grant.ROLE
    return Grant.NONE


def everyone(caller: Principal) -> Grant:
    """A grant to everyone (`"*"`, or `NotPrincipal` not listing the caller).

    It names no session, so for a session it counts as a grant to the role (limited by the
    role's boundary and session policies, the cautious reading); for anyone else it is direct.
    """
    return Grant.ROLE if caller.is_session else Grant.DIRECT


def excluded_by(spec: PrincipalSpec, caller: Principal) -> bool:
    """True when a `NotPrincipal` element lists every ARN AWS evaluates for `caller`."""
    names = _names(spec)
    if names.wildcard:
        return True
    if caller.service is not None:
        return caller.service.lower() in names.services
    if caller.federated is not None:
        return caller.federated in names.federated
    if caller.account not in names.accounts:
        return False
    if caller.is_root:
        return True
    if caller.arn not in names.arns:
        return False
    via = caller.role_arn or caller.source_user_arn
    return via is None or via in names.arns
