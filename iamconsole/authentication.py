"""Authentication: the only place that turns credentials into an :class:`~iamconsole.actors.Actor`.

Access keys (and session tokens) for the APIs, console sessions for the console. Expired, revoked or deactivated
credentials are refused here, at the moment of the request, whatever the cleanup jobs have done yet.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from accounts import selectors as account_selectors
from accounts import services as account_services
from iamconsole import crypto
from iamconsole.actors import Actor, ActorKind
from iamconsole.arn import assumed_role_arn, federated_user_arn, iam_arn, parse_arn
from iamconsole.awsquery import sigv4
from iamconsole.errors import ExpiredToken, IamError, IDPRejectedClaim, InvalidClientTokenId, InvalidIdentityToken
from identities import selectors as identity_selectors
from identities import services as identity_services
from identities.models import User
from sts import saml as sts_saml
from sts import selectors as sts_selectors
from sts import services as sts_services
from sts.selectors import TemporaryKey

logger = logging.getLogger(__name__)

INVALID_KEY_MESSAGE = "The security token included in the request is invalid."
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"
#: Last use of a key is written at most this often per key: authentication must not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """The secret to verify a signature with, and the actor the key stands for."""

    secret_access_key: str
    actor: Actor


def _user_actor(
    *, account_id: str, pk: int, user_id: str, name: str, path: str, tags: Mapping[str, str], access_key_id: str | None
) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        account_id=account_id,
        arn=iam_arn(account_id, "user", name, path),
        principal_id=user_id,
        name=name,
        user_pk=pk,
        access_key_id=access_key_id,
        tags=dict(tags),
    )


def user_actor(user: User, *, access_key_id: str | None = None) -> Actor:
    """The actor of an IAM user signing with long-term credentials or a console password."""
    return _user_actor(
        account_id=user.account.account_id,
        pk=user.pk,
        user_id=user.user_id,
        name=user.name,
        path=user.path,
        tags=user.tags,
        access_key_id=access_key_id,
    )


@lru_cache(maxsize=4096)
def _secret(ciphertext: str) -> str:
    """Decrypt a stored secret; the same ciphertext always gives the same secret, so repeat requests skip the work."""
    return crypto.decrypt(ciphertext)


def resolve_access_key(access_key_id: str, session_token: str | None = None) -> ResolvedKey:
    """The secret and actor of an access key id; ``InvalidClientTokenId`` when unknown or inactive.

    Temporary keys (``ASIA…``) need their session token and are refused with ``ExpiredToken`` once expired.
    One query per request, read fresh every time, so a deactivated or deleted key fails at once.
    """
    if access_key_id.startswith("ASIA"):
        return _resolve_temporary_key(access_key_id, session_token)
    key = identity_selectors.find_long_term_key(access_key_id)
    # A long-term key never comes with a session token.
    if key is None or not key.active or session_token:
        raise InvalidClientTokenId(INVALID_KEY_MESSAGE)
    actor = _owner_actor(key, access_key_id=access_key_id)
    return ResolvedKey(secret_access_key=_secret(key.secret_encrypted), actor=actor)


class _KeyOwner(Protocol):
    """What a long-term key or a GetSessionToken session says of its owner: an IAM user, or root when none."""

    @property
    def account_id(self) -> str: ...
    @property
    def user_pk(self) -> int | None: ...
    @property
    def user_id(self) -> str | None: ...
    @property
    def user_name(self) -> str | None: ...
    @property
    def user_path(self) -> str | None: ...
    @property
    def user_tags(self) -> dict[str, str]: ...


def _owner_actor(key: _KeyOwner, *, access_key_id: str | None) -> Actor:
    if key.user_pk is None:
        return Actor.root(key.account_id, access_key_id=access_key_id)
    return _user_actor(
        account_id=key.account_id,
        pk=key.user_pk,
        user_id=key.user_id or "",
        name=key.user_name or "",
        path=key.user_path or "/",
        tags=key.user_tags,
        access_key_id=access_key_id,
    )


def _overlay(tags: Mapping[str, str], session_tags: Mapping[str, str]) -> dict[str, str]:
    """Principal tags: a session tag wins over a role's or user's tag whose key differs only in case."""
    overridden = {tag_key.lower() for tag_key in session_tags}
    merged = {tag_key: value for tag_key, value in tags.items() if tag_key.lower() not in overridden}
    merged.update(session_tags)
    return merged


def session_actor(key: TemporaryKey) -> Actor:
    """The actor of temporary credentials: a role session, a federated user session, or the user (or root) of a
    GetSessionToken session.

    A role session's principal tags are the role's tags overlaid by the session tags; its MFA facts, token issue time,
    session policies and source identity are the session's, and its permissions are the role's as they are now. A
    federated user session (GetFederationToken) is ``federated-user/NAME`` with ``aws:userid`` ``ACCOUNT:NAME``; its
    identity side is the calling user's (``user_pk``; none for the root user's) narrowed by its session policies, and
    its principal tags are the user's overlaid by the session tags, as AWS documents.
    """
    mfa = key.mfa_authenticated_at
    common: dict[str, Any] = {
        "access_key_id": key.access_key_id,
        "session_pk": key.pk,
        "mfa_authenticated": mfa is not None,
        "mfa_authenticated_at": mfa,
        "token_issued_at": key.issued_at,
        "session_expires_at": key.expires_at,
        "scope_policy_documents": key.scope_policy_documents,
    }
    if key.federated:
        return Actor(
            kind=ActorKind.FEDERATED_USER,
            account_id=key.account_id,
            arn=federated_user_arn(key.account_id, key.session_name),
            principal_id=f"{key.account_id}:{key.session_name}",
            name=key.session_name,
            user_pk=key.user_pk,
            tags=_overlay(key.user_tags, key.session_tags),
            session_policy_documents=(key.session_policy_document,) if key.session_policy_document else (),
            session_policy_arns=key.session_policy_arns,
            **common,
        )
    if key.role_pk is None:
        return replace(_owner_actor(key, access_key_id=None), from_session_token=True, **common)
    tags = _overlay(key.role_tags, key.session_tags)
    role_name = key.role_name or ""
    return Actor(
        kind=ActorKind.ROLE_SESSION,
        account_id=key.account_id,
        arn=assumed_role_arn(key.account_id, role_name, key.session_name),
        principal_id=f"{key.role_id}:{key.session_name}",
        name=key.session_name,
        role_pk=key.role_pk,
        role_arn=iam_arn(key.account_id, "role", role_name, key.role_path or "/"),
        tags=tags,
        session_policy_documents=(key.session_policy_document,) if key.session_policy_document else (),
        session_policy_arns=key.session_policy_arns,
        source_identity=key.source_identity or None,
        **common,
    )


def _resolve_temporary_key(access_key_id: str, session_token: str | None) -> ResolvedKey:
    """Temporary credentials from STS: the session token must be the one issued with the key.

    Unknown keys, wrong or missing tokens, revoked sessions and sessions whose role or user is gone are
    ``InvalidClientTokenId``; from the first second after ``Expiration`` the credentials are ``ExpiredToken``,
    whether or not the expiry sweep has deleted them yet.
    """
    key = sts_selectors.find_temporary_key(access_key_id)
    if (
        key is None
        or key.revoked
        or key.owner_missing
        or not sts_services.token_matches(key.session_token_digest, session_token)
    ):
        raise InvalidClientTokenId(INVALID_KEY_MESSAGE)
    if timezone.now() > key.expires_at:
        raise ExpiredToken(EXPIRED_TOKEN_MESSAGE)
    return ResolvedKey(secret_access_key=_secret(key.secret_encrypted), actor=session_actor(key))


def record_key_use(access_key_id: str, service: str, region: str) -> None:
    """Remember a key's last use for GetAccessKeyLastUsed, writing at most once a minute per key.

    The once-a-minute debounce lives in the cache (Redis when configured). When the cache cannot be reached the
    debounce is skipped and the use is written anyway: a request never fails because Redis is down.
    """
    if not access_key_id.startswith("AKIA"):
        return
    if not _first_use_this_minute(access_key_id):
        return
    identity_services.record_access_key_use(access_key_id=access_key_id, service=service, region=region)


def authenticate_signature(received: sigv4.ReceivedRequest, auth: sigv4.Authorization, *, now: datetime) -> Actor:
    """The actor of a SigV4-signed request whose ``Authorization`` was parsed from it, once the signature holds.

    Checks the request time and the signed headers, resolves the access key (and session token), verifies the
    signature with its secret, and records the key's use, as AWS records it whether or not the call then succeeds.
    Both APIs (``/aws`` and ``/api/v1/``) authenticate signed requests through this one function.
    """
    sigv4.check_request_time(auth, now)
    sigv4.check_signed_headers(received, auth)
    key = resolve_access_key(auth.access_key_id, auth.security_token)
    sigv4.verify(received, auth, key.secret_access_key)
    record_key_use(auth.access_key_id, auth.service, auth.region)
    return key.actor


#: What a cache that cannot be reached raises (Redis refusing or dropping connections, timeouts).
CACHE_ERRORS = (RedisError, OSError)
#: Whether the last cache call failed, so that an outage is logged once when it starts and once when it ends.
_cache_down = False


def _first_use_this_minute(access_key_id: str) -> bool:
    global _cache_down
    try:
        first = bool(cache.add(f"iam:key-used:{access_key_id}", 1, timeout=int(LAST_USED_RESOLUTION.total_seconds())))
    except CACHE_ERRORS as exc:
        if not _cache_down:
            _cache_down = True
            logger.warning("cache unreachable, access key last-used debounce skipped until it is back: %s", exc)
        return True
    if _cache_down:
        _cache_down = False
        logger.warning("cache reachable again, access key last-used debounce restored")
    return first


# --- console sessions ----------------------------------------------------------------------------------------------

SESSION_KEY = "iam_principal"


def console_session_data(actor: Actor) -> dict[str, Any]:
    """What the console keeps in its session to find the actor again on the next request (with the moment of the
    sign-in's MFA code, when one was asked)."""
    if actor.kind is ActorKind.ROOT:
        data = {"kind": "root", "account_id": actor.account_id, "signed_in_at": timezone.now().timestamp()}
    elif actor.kind is ActorKind.USER:
        data = {
            "kind": "user",
            "account_id": actor.account_id,
            "user_id": actor.principal_id,
            # A role the user switches to may not outlive the user's own console sign-in.
            "signed_in_at": timezone.now().timestamp(),
        }
    elif actor.kind in (ActorKind.ROLE_SESSION, ActorKind.FEDERATED_USER) and actor.access_key_id:
        # A federated console session is its STS session: it ends when the credentials expire or are revoked.
        data = {"kind": "session", "account_id": actor.account_id, "access_key_id": actor.access_key_id}
    else:
        raise InvalidClientTokenId("This principal cannot hold a console session.")
    if actor.mfa_authenticated and actor.mfa_authenticated_at is not None:
        data["mfa_authenticated_at"] = actor.mfa_authenticated_at.isoformat()
    return data


def _mfa_moment(data: Mapping[str, Any]) -> datetime | None:
    text = data.get("mfa_authenticated_at")
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def actor_from_console_session(data: Mapping[str, Any] | None) -> Actor | None:
    """The actor of a console session, or None when it no longer stands (account or user deleted).

    A console session works with temporary credentials, as AWS's console does: ``aws:MultiFactorAuthPresent`` is
    always in its requests' context, true with ``aws:MultiFactorAuthAge`` when the sign-in asked for an MFA code.
    """
    if not data:
        return None
    account = account_selectors.find_account(str(data.get("account_id", "")))
    if account is None:
        return None
    actor = None
    if data.get("kind") == "session":
        actor = _console_session_actor(str(data.get("access_key_id", "")), data.get("console_until"))
        return replace(actor, console=True) if actor is not None and actor.account_id == account.account_id else None
    if data.get("kind") == "root":
        actor = Actor.root(account.account_id)
    elif data.get("kind") == "user":
        user = identity_selectors.find_user_by_unique_id(account=account, user_id=str(data.get("user_id", "")))
        actor = user_actor(user) if user else None
    if actor is None:
        return None
    mfa_at = _mfa_moment(data)
    return replace(actor, console=True, mfa_authenticated=mfa_at is not None, mfa_authenticated_at=mfa_at)


def account_alias(actor: Actor) -> str | None:
    """The alias of the actor's account, for the console's identity menu (``name @ alias``): what the principal is
    signed in to, shown to every principal as AWS's console does, whatever ``iam:ListAccountAliases`` allows."""
    account = account_selectors.find_account(actor.account_id) if actor.account_id else None
    return account.alias if account is not None and account.alias else None


def _console_session_actor(access_key_id: str, console_until: Any) -> Actor | None:
    """The actor of a federated console session's STS session, None once it expired or was revoked, or past the
    console session's own end (the broker URL's ``SessionDuration``)."""
    key = sts_selectors.find_temporary_key(access_key_id) if access_key_id.startswith("ASIA") else None
    if key is None or key.revoked or key.owner_missing or timezone.now() > key.expires_at:
        return None
    if isinstance(console_until, (int, float)) and timezone.now().timestamp() > console_until:
        return None
    return session_actor(key)


def console_mfa_devices(actor: Actor) -> list[str]:
    """The serial numbers of the MFA devices of a principal signing in to the console: when there are any, a code of
    one of them is asked after the password, before any console session."""
    account = account_selectors.find_account(actor.account_id)
    if account is None or actor.kind not in (ActorKind.ROOT, ActorKind.USER):
        return []
    return identity_selectors.enabled_mfa_serial_numbers(account=account, user_pk=actor.user_pk)


def verify_console_mfa(actor: Actor, *, serial_number: str, token_code: str) -> Actor | None:
    """The actor signed in with MFA when ``token_code`` is a valid, unused code of its device ``serial_number``;
    None otherwise (wrong code, a device that is not the principal's, or one that refuses codes for now)."""
    account = account_selectors.find_account(actor.account_id)
    if account is None:
        return None
    user = None
    if actor.kind is ActorKind.USER:
        user = identity_selectors.find_user_by_unique_id(account=account, user_id=actor.principal_id)
        if user is None:
            return None
    try:
        moment = identity_services.verify_mfa_code(
            account=account, serial_number=serial_number, token_code=token_code, user=user
        )
    except IamError:
        return None
    return replace(actor, mfa_authenticated=True, mfa_authenticated_at=moment)


# --- console sign-in -----------------------------------------------------------------------------------------------

#: Failed sign-ins allowed per client address and email in one window, before sign-in is refused for a while.
SIGNIN_FAILURES_ALLOWED = 5
SIGNIN_WINDOW = timedelta(minutes=15)


# --- federated console sign-in (custom identity broker) -------------------------------------------------------------

#: How long a sign-in token of the federation endpoint may be redeemed, as AWS documents (15 minutes).
SIGNIN_TOKEN_LIFETIME = timedelta(minutes=15)
_SIGNIN_TOKEN_PREFIX = "iam:signin-token:"


def federation_session_actor(*, access_key_id: str, secret_access_key: str, session_token: str) -> Actor:
    """The actor of temporary credentials presented whole (key id, secret and token) to the federation endpoint.

    ``InvalidClientTokenId`` for unknown, wrong, revoked or long-term credentials and for GetSessionToken's (which
    AWS does not let into the console); ``ExpiredToken`` once expired.
    """
    if not access_key_id.startswith("ASIA"):
        raise InvalidClientTokenId("Only temporary credentials (role or federated user sessions) can sign in.")
    resolved = _resolve_temporary_key(access_key_id, session_token)
    if not hmac.compare_digest(resolved.secret_access_key, secret_access_key) or resolved.actor.from_session_token:
        raise InvalidClientTokenId(INVALID_KEY_MESSAGE)
    return resolved.actor


def issue_signin_token(actor: Actor, *, console_seconds: int | None = None) -> str:
    """A single-use sign-in token for ``actor``'s session, redeemable for :data:`SIGNIN_TOKEN_LIFETIME`."""
    token = secrets.token_urlsafe(48)
    data = console_session_data(actor)
    if console_seconds is not None:
        data["console_until"] = timezone.now().timestamp() + console_seconds
    cache.set(
        _SIGNIN_TOKEN_PREFIX + hashlib.sha256(token.encode()).hexdigest(),
        data,
        timeout=int(SIGNIN_TOKEN_LIFETIME.total_seconds()),
    )
    return token


def redeem_signin_token(token: str) -> dict[str, Any] | None:
    """The console session data a sign-in token stands for, once: a second redemption (or a late one) gets None."""
    key = _SIGNIN_TOKEN_PREFIX + hashlib.sha256(token.encode()).hexdigest()
    data = cache.get(key)
    # Of two concurrent redemptions only one deletes the key; the other is refused.
    if not isinstance(data, dict) or not cache.delete(key):
        return None
    return data


def saml_signin_roles(saml_response: str, *, now: datetime) -> list[sts_saml.RolePair]:
    """The roles a SAML response offers for the console's role chooser, each from a provider whose certificate
    signed it (the response is not marked used: the chosen role's AssumeRoleWithSAML does that).

    The error of the first provider that refused it when none accepted it (``InvalidIdentityToken``…).
    """
    try:
        pairs = sts_saml.unverified_roles(saml_response)
    except SyntaxError:
        raise InvalidIdentityToken("The SAML response is not well-formed XML.") from None
    offered: list[sts_saml.RolePair] = []
    refusal: IamError | None = None
    for provider_arn in dict.fromkeys(pair.provider_arn for pair in pairs):
        arn = parse_arn(provider_arn)
        account = account_selectors.find_account(arn.account) if arn is not None else None
        if account is None:
            continue
        try:
            verified = sts_saml.verify_saml_response(
                account=account, provider_arn=provider_arn, saml_response=saml_response, now=now
            )
        except IamError as error:
            refusal = refusal or error
            continue
        offered.extend(pair for pair in verified.roles if pair.provider_arn == provider_arn)
    if not offered:
        raise refusal or IDPRejectedClaim("The SAML response names no role of a provider that signed it.")
    return offered


def _throttle_subject(client_ip: str | None, email: str) -> str:
    """What failures are counted against: a digest of the address and the email (or account/user), so the table
    holds no addresses or emails in clear."""
    key = f"{client_ip or '-'}\n{email.strip().lower()}"
    return "signin:" + hashlib.sha256(key.encode()).hexdigest()


def signin_throttled(*, client_ip: str | None, email: str) -> bool:
    """True when too many sign-ins failed lately for this address and email.

    Counted in the database (``accounts.FailedAttempt``), so every web process shares one count, with or without Redis.
    """
    subject = _throttle_subject(client_ip, email)
    return account_selectors.count_failed_attempts(subject=subject, window=SIGNIN_WINDOW) >= SIGNIN_FAILURES_ALLOWED


def authenticate_root_password(*, email: str, password: str, client_ip: str | None) -> Actor | None:
    """The root actor for a correct root email and password, or None; failures count towards throttling."""
    if signin_throttled(client_ip=client_ip, email=email):
        return None
    subject = _throttle_subject(client_ip, email)
    account = account_selectors.authenticate_root(email=email, password=password)
    if account is None:
        account_services.record_failed_attempt(subject=subject, window=SIGNIN_WINDOW)
        return None
    account_services.clear_failed_attempts(subject=subject)
    return Actor.root(account.account_id)


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
    subject = _throttle_subject(client_ip, identifier)
    if check is None:
        account_services.record_failed_attempt(subject=subject, window=SIGNIN_WINDOW)
        return None
    account_services.clear_failed_attempts(subject=subject)
    actor = user_actor(check.user)
    if check.hard_expired:
        return UserSignIn(actor=actor, must_change_password=True, hard_expired=True)
    identity_services.record_password_use(user_pk=check.user.pk)
    return UserSignIn(actor=actor, must_change_password=check.must_change_password)


# --- switch role in the console ------------------------------------------------------------------------------------

#: The session key of the role an IAM user switched to: its STS session, and how the top bar shows it. The user's
#: own sign-in stays under :data:`SESSION_KEY`, so Switch back is only forgetting this key.
SWITCHED_KEY = "iam_switched_role"
#: A console role session lasts one hour, as AWS's console grants (the role's MaxSessionDuration is at least that).
SWITCH_ROLE_SECONDS = 3600
#: AssumeRole's shortest session: a sign-in with less time left still gets it, cut at the sign-in's end.
MIN_ROLE_SECONDS = 900


@dataclass(frozen=True, slots=True)
class SwitchedRole:
    """The role a console session switched to, as the identity menu shows it."""

    account: str
    role_name: str
    display_name: str
    color: str


def switch_role_arn(account: str, role_name: str) -> str | None:
    """The ARN of the role the Switch role form names: an account id or alias, and a role name that may carry its
    path (``team/deploy``). None when no such account exists (the form then fails like any other refusal)."""
    found = account_selectors.find_account_by_id_or_alias(account.strip())
    if found is None:
        return None
    path, _, name = role_name.strip("/").rpartition("/")
    return iam_arn(found.account_id, "role", name, f"/{path}/" if path else "/")


def signin_seconds_left(data: Mapping[str, Any], *, lifetime: int) -> int:
    """Seconds left of a console sign-in that lasts ``lifetime`` seconds (the session cookie's age)."""
    started = data.get("signed_in_at")
    if not isinstance(started, (int, float)):
        return lifetime
    return max(0, int(started + lifetime - timezone.now().timestamp()))


def switched_session_data(
    *, access_key_id: str, secret_access_key: str, session_token: str, console_until: float, shown: SwitchedRole
) -> dict[str, Any]:
    """What the console keeps while switched: the role session AssumeRole issued (checked whole, as the federation
    endpoint checks credentials), the moment it ends for the console, and the display name and colour."""
    actor = federation_session_actor(
        access_key_id=access_key_id, secret_access_key=secret_access_key, session_token=session_token
    )
    return {
        "session": {**console_session_data(actor), "console_until": console_until},
        "account": shown.account,
        "role_name": shown.role_name,
        "display_name": shown.display_name,
        "color": shown.color,
    }


def switched_role(data: Any) -> tuple[Actor, SwitchedRole] | None:
    """The role session of switched-role data, and how it is shown; None once it expired or was revoked."""
    if not isinstance(data, dict):
        return None
    actor = actor_from_console_session(data.get("session"))
    if actor is None:
        return None
    shown = SwitchedRole(
        account=str(data.get("account", "")),
        role_name=str(data.get("role_name", "")),
        display_name=str(data.get("display_name", "")),
        color=str(data.get("color", "")),
    )
    return actor, shown


def remember_switched_role(user: Actor, shown: SwitchedRole) -> None:
    """Put the role first in the user's recent roles (the identity menu's last five)."""
    if user.kind is ActorKind.USER and user.user_pk is not None:
        sts_services.record_switch_role(
            user_pk=user.user_pk,
            account=shown.account,
            role_name=shown.role_name,
            display_name=shown.display_name,
            color=shown.color,
        )


def switch_role_history(user: Actor) -> list[SwitchedRole]:
    """The user's recent roles, most recent first."""
    if user.kind is not ActorKind.USER or user.user_pk is None:
        return []
    return [
        SwitchedRole(account=row.account, role_name=row.role_name, display_name=row.display_name, color=row.color)
        for row in sts_selectors.list_switch_role_history(user_pk=user.user_pk)
    ]
