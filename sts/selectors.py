"""Reads on temporary credentials: the credential resolver used by authentication, GetCallerIdentity,
GetAccessKeyInfo, and iamconsole's own lists of active sessions.

``get_session_by_access_key`` and ``find_role_by_arn`` are actor-less (authentication and AssumeRole need them before
any account scope exists); their names say so. Every other read is scoped to an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from iamconsole.actors import Actor
from iamconsole.arn import parse_arn
from iamconsole.errors import NoSuchEntity, ValidationError
from iamconsole.pagination import Page, paginate
from identities import selectors as identity_selectors
from identities.models import Role
from sts.models import StsSession


def get_session_by_access_key(access_key_id: str) -> StsSession | None:
    """The session of a temporary key id with its account, role and user, for authentication only."""
    return StsSession.objects.select_related("account", "role", "user").filter(access_key_id=access_key_id).first()


def find_role_by_arn(role_arn: str) -> Role | None:
    """The role a ``RoleArn`` names, in whichever account it lives, or None.

    The path in the ARN must be the role's real path, as AWS matches the whole ARN; names compare ignoring case.
    """
    arn = parse_arn(role_arn)
    if arn is None or arn.service != "iam" or arn.resource_type != "role" or arn.region:
        return None
    role = (
        Role.objects.select_related("account", "permissions_boundary")
        .filter(account__account_id=arn.account, name__iexact=arn.resource_name)
        .first()
    )
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
    ``AROA…:SESSION`` and the ``assumed-role`` ARN for a role session. Credentials from GetSessionToken answer as
    the user (or root) that obtained them. Never denied."""
    return CallerIdentity(user_id=actor.principal_id, account=actor.account_id, arn=actor.arn)


def get_access_key_info(*, access_key_id: str) -> str:
    """The account that owns an access key id, long-term (``AKIA…``) or temporary (``ASIA…``)."""
    if access_key_id.startswith("ASIA"):
        session = StsSession.objects.select_related("account").filter(access_key_id=access_key_id).first()
        if session is not None:
            return session.account.account_id
    else:
        key = identity_selectors.get_access_key_owner(access_key_id)
        if key is not None:
            return key.account.account_id
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


def role_path(*, account: Account, role_name: str) -> str:
    """The path of the named role, or ``/`` when it does not exist (to name the resource of a request)."""
    path = Role.objects.filter(account=account, name__iexact=role_name).values_list("path", flat=True).first()
    return path or "/"
