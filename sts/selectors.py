"""Reads on temporary credentials: the credential resolver used by authentication, GetCallerIdentity,
GetAccessKeyInfo, and iamconsole's own lists of active sessions.

``find_temporary_key`` and ``find_role_by_arn`` are actor-less (authentication and AssumeRole need them before
any account scope exists); their names say so. Every other read is scoped to an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from iamconsole.actors import Actor
from iamconsole.arn import parse_arn
from iamconsole.dbvalues import RowReader, aware_datetime, fetch_row, json_value
from iamconsole.errors import InvalidAuthorizationMessageException, NoSuchEntity, ValidationError
from iamconsole.pagination import Page, paginate
from identities import selectors as identity_selectors
from identities.models import Role, User
from sts.models import StsSession, SwitchRoleHistory

#: A role by its account's 12-digit id and its name ignoring case (as ``identities.selectors.find_role`` reads it),
#: with its account and boundary: one precomposed query per AssumeRole.
_ROLE_BY_ARN = RowReader(
    Role,
    where="j_account.account_id = %s AND UPPER(t.name) = UPPER(%s) ORDER BY t.id LIMIT 1",
    related=("account", "permissions_boundary"),
)


def find_role_by_arn(role_arn: str) -> Role | None:
    """The role a ``RoleArn`` names, in whichever account it lives, or None.

    The path in the ARN must be the role's real path, as AWS matches the whole ARN; names compare ignoring case.
    """
    arn = parse_arn(role_arn)
    if arn is None or arn.service != "iam" or arn.resource_type != "role" or arn.region:
        return None
    role = _ROLE_BY_ARN.one([arn.account, arn.resource_name])
    if role is None or role.path != arn.path:
        return None
    return role


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """GetCallerIdentity's answer: ``aws:userid``, the account and the ARN of the caller."""

    user_id: str
    account: str
    arn: str


def get_caller_identity(*, actor: Actor) -> CallerIdentity:
    """Who is calling, as AWS answers it: the root user's account id, an IAM user's ``AIDA…`` id, or
    ``AROA…:SESSION`` and the ``assumed-role`` ARN for a role session, ``ACCOUNT:NAME`` and the ``federated-user`` ARN
    for a federated user session. Credentials from GetSessionToken answer as the user (or root) that obtained them.
    Never denied."""
    return CallerIdentity(user_id=actor.principal_id, account=actor.account_id, arn=actor.arn)


def decode_authorization_message(*, encoded_message: str) -> str:
    """DecodeAuthorizationMessage: STS decodes the encoded failure messages that some AWS services (EC2, for one)
    return with a denial. IAM and STS answer their denials in plain text, and so does iamconsole everywhere, so no
    message handed to it was encoded by it: each is refused with STS's error, as AWS refuses one it cannot read."""
    raise InvalidAuthorizationMessageException(
        "The encoded message is not an authorization message this service issued: iamconsole states its denials in "
        "plain text and encodes none.",
        field="encoded_message",
    )


def get_access_key_info(*, access_key_id: str) -> str:
    """The account that owns an access key id, long-term (``AKIA…``) or temporary (``ASIA…``)."""
    found = (
        find_temporary_key(access_key_id)
        if access_key_id.startswith("ASIA")
        else identity_selectors.find_long_term_key(access_key_id)
    )
    if found is not None:
        return found.account_id
    # AWS decodes the account from the key id itself; iamconsole's ids are random, so an unknown key has no account.
    raise ValidationError(f"The access key ID {access_key_id} is not valid.", field="access_key_id")


def _active(queryset: QuerySet[StsSession], now: datetime | None) -> QuerySet[StsSession]:
    return queryset.filter(expires_at__gte=now or timezone.now(), revoked_at__isnull=True).select_related(
        "role", "user"
    )


def list_role_sessions(
    *, account: Account, role_name: str, marker: str | None = None, max_items: int | None = None
) -> Page[StsSession]:
    """The role's unexpired, unrevoked sessions, oldest first (iamconsole's own; AWS has no such list)."""
    role = Role.objects.filter(account=account, name__iexact=role_name).first()
    if role is None:
        raise NoSuchEntity(f"The role with name {role_name} cannot be found.", field="role_name")
    sessions = _active(StsSession.objects.filter(account=account, role=role), None)
    return paginate(sessions, key="pk", marker=marker, max_items=max_items)


def list_account_sessions(
    *, account: Account, marker: str | None = None, max_items: int | None = None
) -> Page[StsSession]:
    """Every unexpired, unrevoked session of the account (role sessions and GetSessionToken sessions)."""
    sessions = _active(StsSession.objects.filter(account=account), None)
    return paginate(sessions, key="pk", marker=marker, max_items=max_items)


@dataclass(frozen=True, slots=True)
class TemporaryKey:
    """Temporary credentials as authentication needs them, read in one precomposed query (no ORM compilation).

    ``role_*`` are set for role sessions; ``user_*`` for GetSessionToken and federated user sessions of an IAM user;
    neither for the root user's. ``federated`` marks GetFederationToken's sessions (``session_name`` is the federated
    user's name). ``owner_missing`` says the session named a role or user that no longer exists.
    ``scope_policy_documents`` are GetScopedCredentials' scope-down layers.
    """

    pk: int
    access_key_id: str
    secret_encrypted: str
    session_token_digest: str
    revoked: bool
    issued_at: datetime
    expires_at: datetime
    mfa_authenticated_at: datetime | None
    session_name: str
    source_identity: str
    session_policy_document: str
    session_policy_arns: tuple[str, ...]
    session_tags: dict[str, str]
    account_id: str
    role_pk: int | None
    role_id: str | None
    role_name: str | None
    role_path: str | None
    role_tags: dict[str, str]
    user_pk: int | None
    user_id: str | None
    user_name: str | None
    user_path: str | None
    user_tags: dict[str, str]
    owner_missing: bool
    federated: bool
    scope_policy_documents: tuple[str, ...] = ()


@cache
def _temporary_key_sql() -> str:
    session, account = StsSession._meta.db_table, Account._meta.db_table
    role, user = Role._meta.db_table, User._meta.db_table
    return (
        "SELECT s.id, s.secret_encrypted, s.session_token_digest, s.revoked_at, s.issued_at, s.expires_at, "  # noqa: S608
        "s.mfa_authenticated_at, s.session_name, s.source_identity, s.session_policy_document, "
        "s.session_policy_arns, s.session_tags, a.account_id, s.role_id, r.role_id, r.name, r.path, r.tags, "
        "s.user_id, u.user_id, u.name, u.path, u.tags, s.federated, s.scope_policy_documents, p.revoked_at "
        f"FROM {session} s JOIN {account} a ON a.id = s.account_id "
        f"LEFT JOIN {role} r ON r.id = s.role_id LEFT JOIN {user} u ON u.id = s.user_id "
        f"LEFT JOIN {session} p ON p.id = s.scoped_from_id "
        "WHERE s.access_key_id = %s"
    )


def find_temporary_key(access_key_id: str) -> TemporaryKey | None:
    """The temporary credentials of an ``ASIA…`` key id, for authentication only (the key names its account)."""
    row = fetch_row(_temporary_key_sql(), [access_key_id])
    if row is None:
        return None
    (pk, secret, digest, revoked_at, issued_at, expires_at, mfa_at, session_name, source_identity, policy_document,
     policy_arns, session_tags, account_id, role_fk, role_id, role_name, role_path, role_tags,
     user_fk, user_id, user_name, user_path, user_tags, federated,
     scope_documents, parent_revoked_at) = row  # fmt: skip
    return TemporaryKey(
        pk=pk,
        access_key_id=access_key_id,
        secret_encrypted=secret,
        session_token_digest=digest,
        # Scoped-down credentials end with the session they were scoped from.
        revoked=revoked_at is not None or parent_revoked_at is not None,
        issued_at=_required(aware_datetime(issued_at)),
        expires_at=_required(aware_datetime(expires_at)),
        mfa_authenticated_at=aware_datetime(mfa_at),
        session_name=session_name,
        source_identity=source_identity,
        session_policy_document=policy_document,
        session_policy_arns=tuple(json_value(policy_arns) or ()),
        session_tags=dict(json_value(session_tags) or {}),
        account_id=account_id,
        role_pk=role_fk,
        role_id=role_id,
        role_name=role_name,
        role_path=role_path,
        role_tags=dict(json_value(role_tags) or {}),
        user_pk=user_fk,
        user_id=user_id,
        user_name=user_name,
        user_path=user_path,
        user_tags=dict(json_value(user_tags) or {}),
        # The foreign keys cascade, so a dangling one only shows inside a concurrent delete: refuse it all the same.
        owner_missing=(role_fk is not None and role_id is None) or (user_fk is not None and user_id is None),
        federated=bool(federated),
        scope_policy_documents=tuple(json_value(scope_documents) or ()),
    )


def _required(value: datetime | None) -> datetime:
    if value is None:
        raise ValueError("a required timestamp is missing")
    return value


def list_switch_role_history(*, user_pk: int) -> list[SwitchRoleHistory]:
    """The roles the user last switched to in the console, most recent first."""
    return list(SwitchRoleHistory.objects.filter(user_id=user_pk).order_by("-used_at", "-pk")[:5])
