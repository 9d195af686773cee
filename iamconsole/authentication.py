"""Authentication: the only place that turns credentials into an :class:`~iamconsole.actors.Actor`.

Access keys (and session tokens) for the APIs, console sessions for the console. Expired, revoked or deactivated
credentials are refused here, at the moment of the request, whatever the cleanup jobs have done yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from accounts import selectors as account_selectors
from iamconsole import crypto
from iamconsole.actors import Actor, ActorKind
from iamconsole.arn import assumed_role_arn, iam_arn
from iamconsole.errors import ExpiredToken, InvalidClientTokenId
from identities import selectors as identity_selectors
from identities import services as identity_services
from identities.models import AccessKey, User
from sts import selectors as sts_selectors
from sts import services as sts_services
from sts.models import StsSession

INVALID_KEY_MESSAGE = "The security token included in the request is invalid."
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"
#: Last use of a key is written at most this often per key: authentication must not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """The secret to verify a signature with, and the actor the key stands for."""

    secret_access_key: str
    actor: Actor


def user_actor(user: User, *, access_key_id: str | None = None) -> Actor:
    """The actor of an IAM user signing with long-term credentials or a console password."""
    return Actor(
        kind=ActorKind.USER,
        account_id=user.account.account_id,
        arn=iam_arn(user.account.account_id, "user", user.name, user.path),
        principal_id=user.user_id,
        name=user.name,
        user_pk=user.pk,
        access_key_id=access_key_id,
        tags=dict(user.tags),
    )


def _key_actor(key: AccessKey) -> Actor:
    if key.user is None:
        return Actor.root(key.account.account_id, access_key_id=key.access_key_id)
    return user_actor(key.user, access_key_id=key.access_key_id)


def resolve_access_key(access_key_id: str, session_token: str | None = None) -> ResolvedKey:
    """The secret and actor of an access key id; ``InvalidClientTokenId`` when unknown or inactive.

    Temporary keys (``ASIA…``) need their session token and are refused with ``ExpiredToken`` once expired.
    """
    if access_key_id.startswith("ASIA"):
        return _resolve_temporary_key(access_key_id, session_token)
    key = identity_selectors.get_access_key_owner(access_key_id)
    if key is None or key.status != AccessKey.Status.ACTIVE:
        raise InvalidClientTokenId(INVALID_KEY_MESSAGE)
    if session_token:
        # A long-term key never comes with a session token.
        raise InvalidClientTokenId(INVALID_KEY_MESSAGE)
    return ResolvedKey(secret_access_key=crypto.decrypt(key.secret_encrypted), actor=_key_actor(key))


def session_actor(session: StsSession) -> Actor:
    """The actor of temporary credentials: a role session, or the user (or root) of a GetSessionToken session.

    A role session's principal tags are the role's tags overlaid by the session tags (a session tag wins over a role
    tag whose key differs only in case); its MFA facts, token issue time, session policies and source identity are
    the session's, and its permissions are the role's as they are now.
    """
    account_id = session.account.account_id
    mfa = session.mfa_authenticated_at
    common: dict[str, Any] = {
        "access_key_id": session.access_key_id,
        "session_pk": session.pk,
        "mfa_authenticated": mfa is not None,
        "mfa_authenticated_at": mfa,
        "token_issued_at": session.issued_at,
    }
    role = session.role
    if role is None:
        base = user_actor(session.user) if session.user is not None else Actor.root(account_id)
        return replace(base, from_session_token=True, **common)
    overridden = {key.lower() for key in session.session_tags}
    tags = {key: value for key, value in role.tags.items() if key.lower() not in overridden}
    tags.update(session.session_tags)
    return Actor(
        kind=ActorKind.ROLE_SESSION,
        account_id=account_id,
        arn=assumed_role_arn(account_id, role.name, session.session_name),
        principal_id=f"{role.role_id}:{session.session_name}",
        name=session.session_name,
        role_pk=role.pk,
        role_arn=iam_arn(account_id, "role", role.name, role.path),
        tags=tags,
        session_policy_documents=(session.session_policy_document,) if session.session_policy_document else (),
        session_policy_arns=tuple(session.session_policy_arns),
        source_identity=session.source_identity or None,
        **common,
    )


def _resolve_temporary_key(access_key_id: str, session_token: str | None) -> ResolvedKey:
    """Temporary credentials from STS: the session token must be the one issued with the key.

    Unknown keys, wrong or missing tokens, revoked sessions and sessions whose role or user is gone are
    ``InvalidClientTokenId``; from the first second after ``Expiration`` the credentials are ``ExpiredToken``,
    whether or not the expiry sweep has deleted them yet.
    """
    session = sts_selectors.get_session_by_access_key(access_key_id)
    if session is None or not sts_services.token_matches(session, session_token) or session.revoked_at is not None:
        raise InvalidClientTokenId(INVALID_KEY_MESSAGE)
    if timezone.now() > session.expires_at:
        raise ExpiredToken(EXPIRED_TOKEN_MESSAGE)
    return ResolvedKey(secret_access_key=crypto.decrypt(session.secret_encrypted), actor=session_actor(session))


def record_key_use(access_key_id: str, service: str, region: str) -> None:
    """Remember a key's last use for GetAccessKeyLastUsed, writing at most once a minute per key."""
    if not access_key_id.startswith("AKIA"):
        return
    if not cache.add(f"iam:key-used:{access_key_id}", 1, timeout=int(LAST_USED_RESOLUTION.total_seconds())):
        return
    identity_services.record_access_key_use(access_key_id=access_key_id, service=service, region=region)


# --- console sessions ----------------------------------------------------------------------------------------------

SESSION_KEY = "iam_principal"


def console_session_data(actor: Actor) -> dict[str, Any]:
    """What the console keeps in its session to find the actor again on the next request."""
    if actor.kind is ActorKind.ROOT:
        return {"kind": "root", "account_id": actor.account_id}
    if actor.kind is ActorKind.USER:
        return {"kind": "user", "account_id": actor.account_id, "user_id": actor.principal_id}
    raise InvalidClientTokenId("This principal cannot hold a console session.")


def actor_from_console_session(data: Mapping[str, Any] | None) -> Actor | None:
    """The actor of a console session, or None when it no longer stands (account or user deleted)."""
    if not data:
        return None
    account = account_selectors.find_account(str(data.get("account_id", "")))
    if account is None:
        return None
    if data.get("kind") == "root":
        return Actor.root(account.account_id)
    if data.get("kind") == "user":
        user = identity_selectors.find_user_by_unique_id(account=account, user_id=str(data.get("user_id", "")))
        return user_actor(user) if user else None
    return None


# --- console sign-in -----------------------------------------------------------------------------------------------

#: Failed sign-ins allowed per client address and email in one window, before sign-in is refused for a while.
SIGNIN_FAILURES_ALLOWED = 5
SIGNIN_WINDOW_SECONDS = 15 * 60


def _throttle_key(client_ip: str | None, email: str) -> str:
    return f"iam:signin-failures:{client_ip or '-'}:{email.strip().lower()}"


def signin_throttled(*, client_ip: str | None, email: str) -> bool:
    """True when too many sign-ins failed lately for this address and email."""
    return int(cache.get(_throttle_key(client_ip, email), 0)) >= SIGNIN_FAILURES_ALLOWED


def authenticate_root_password(*, email: str, password: str, client_ip: str | None) -> Actor | None:
    """The root actor for a correct root email and password, or None; failures count towards throttling."""
    if signin_throttled(client_ip=client_ip, email=email):
        return None
    account = account_selectors.authenticate_root(email=email, password=password)
    if account is None:
        key = _throttle_key(client_ip, email)
        cache.add(key, 0, timeout=SIGNIN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=SIGNIN_WINDOW_SECONDS)
        return None
    cache.delete(_throttle_key(client_ip, email))
    return Actor.root(account.account_id)


def _count_failure(key: str) -> None:
    cache.add(key, 0, timeout=SIGNIN_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SIGNIN_WINDOW_SECONDS)


@dataclass(frozen=True, slots=True)
class UserSignIn:
    """An IAM user's correct console password, and whether a new password must be chosen before anything else.

    ``hard_expired``: the password expired under the policy's ``HardExpiry``: no session, an administrator must
    reset it.
    """

    actor: Actor
    must_change_password: bool = False
    hard_expired: bool = False


def user_signin_identifier(account: str, user_name: str) -> str:
    """What sign-in throttling counts failures against for an IAM user: the account (id or alias) and user name."""
    return f"{account.strip().lower()}/{user_name.strip().lower()}"


def authenticate_user_password(
    *, account: str, user_name: str, password: str, client_ip: str | None
) -> UserSignIn | None:
    """Check an IAM user's console password on the sign-in page of ``account`` (an id or an alias).

    None for a wrong account, user or password (failures count towards throttling, as for the root user). A correct
    password is recorded as the user's ``PasswordLastUsed``, unless it expired under ``HardExpiry``.
    """
    identifier = user_signin_identifier(account, user_name)
    if signin_throttled(client_ip=client_ip, email=identifier):
        return None
    found = account_selectors.find_account_by_id_or_alias(account.strip())
    check = None
    if found is not None:
        check = identity_selectors.check_console_password(account=found, user_name=user_name, password=password)
    if check is None:
        _count_failure(_throttle_key(client_ip, identifier))
        return None
    cache.delete(_throttle_key(client_ip, identifier))
    actor = user_actor(check.user)
    if check.hard_expired:
        return UserSignIn(actor=actor, must_change_password=True, hard_expired=True)
    identity_services.record_password_use(user_pk=check.user.pk)
    return UserSignIn(actor=actor, must_change_password=check.must_change_password)
