"""Writes on temporary credentials: AssumeRole, GetSessionToken, GetFederationToken, revocation, and the expiry sweep.

Each function mirrors one STS action (or one of iamconsole's own, named in the same form) and applies its rules in
one transaction. They do not authorize: the trust-policy decision for AssumeRole (and the refusal of the root user) is
taken above them, by ``iamconsole.authorization`` through ``iamconsole.operations.run``.

Credentials are an ``ASIA…`` key id, a 40-character secret (encrypted at rest) and a long random session token of
which only a keyed digest is kept; the token also names its key id, so a token is bound to its key.
"""

from __future__ import annotations

import base64
import hmac
import json
import math
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Account
from iamconsole import crypto, ids
from iamconsole.actors import Actor, ActorKind
from iamconsole.arn import assumed_role_arn, federated_user_arn
from iamconsole.domain import MAX_TAGS
from iamconsole.errors import (
    AccessDenied,
    ExpiredTradeInTokenException,
    InsufficientSessionLifetime,
    InvalidSubjectCredentials,
    NoSuchEntity,
    OrganizationNotFoundException,
    PackedPolicyTooLarge,
    ValidationError,
    constraint_error,
)
from identities.models import InlinePolicy, Role
from identities.services import role_policies as role_policy_services
from identities.services.organizations import NO_ORGANIZATION
from identities.services.roles import lock_role
from policies.engine import iso_precise
from sts import domain
from sts.models import StsSession, SwitchRoleHistory
from sts.saml import VerifiedAssertion
from sts.webidentity import VerifiedToken

#: Random bytes in a session token (before the key id is mixed in): far beyond guessing, and tokens stay long as
#: AWS's are.
SESSION_TOKEN_BYTES = 192
#: The inline role policy AWS's console writes to revoke every session issued before a moment.
REVOKE_OLDER_SESSIONS_POLICY = "AWSRevokeOlderSessions"
#: AWS does not document its packed format; these budgets reproduce its observed answers (nine 250-character tag
#: values are refused at about 500%) and keep PackedPolicySize a percentage of one allotment.
PACKED_TAGS_BUDGET = 456
PACKED_POLICY_BUDGET = 2_048
PURGE_BATCH_SIZE = 20_000


@dataclass(frozen=True, slots=True)
class Credentials:
    """``Credentials``: shown once; only the key id and the token's digest stay readable afterwards."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime


@dataclass(frozen=True, slots=True)
class AssumedRole:
    """AssumeRole's answer."""

    credentials: Credentials
    session: StsSession
    assumed_role_id: str
    arn: str
    packed_policy_size: int | None
    source_identity: str | None


@dataclass(frozen=True, slots=True)
class SessionToken:
    """GetSessionToken's answer."""

    credentials: Credentials
    session: StsSession


@dataclass(frozen=True, slots=True)
class FederationToken:
    """GetFederationToken's answer."""

    credentials: Credentials
    session: StsSession
    federated_user_id: str
    arn: str
    packed_policy_size: int | None


def _now() -> datetime:
    return timezone.now()


def _new_credentials(expiration: datetime) -> tuple[Credentials, str]:
    """Fresh credentials and the digest of their token (the token names its key id, binding the two)."""
    key_id = ids.access_key_id(ids.IdPrefix.TEMPORARY_ACCESS_KEY)
    raw = key_id.encode() + b"\x00" + secrets.token_bytes(SESSION_TOKEN_BYTES)
    token = base64.b64encode(raw).decode()
    credentials = Credentials(
        access_key_id=key_id,
        secret_access_key=ids.secret_access_key(),
        session_token=token,
        expiration=expiration,
    )
    return credentials, crypto.token_digest(token)


def token_matches(expected_digest: str, token: str | None) -> bool:
    """True when ``token`` is the session token whose digest was stored with the key (constant-time comparison)."""
    if not token:
        return False
    return hmac.compare_digest(crypto.token_digest(token), expected_digest)


def _create_session(credentials: Credentials, digest: str, **fields: object) -> StsSession:
    """Insert the session row; a key id collision (one in 32^16) simply draws new credentials."""
    try:
        with transaction.atomic():
            return StsSession.objects.create(
                access_key_id=credentials.access_key_id,
                secret_encrypted=crypto.encrypt(credentials.secret_access_key),
                session_token_digest=digest,
                **fields,
            )
    except IntegrityError:
        raise ValidationError("Temporary credentials could not be issued; retry the request.") from None


def _issue(duration: int, **fields: object) -> tuple[Credentials, StsSession]:
    """Fresh credentials valid for ``duration`` seconds from now, and their session row with ``fields``."""
    now = _now()
    # Expiration is shown to the second; the credentials stay valid through that second.
    expiration = (now + timedelta(seconds=duration)).replace(microsecond=0)
    credentials, digest = _new_credentials(expiration)
    return credentials, _create_session(credentials, digest, issued_at=now, expires_at=expiration, **fields)


# --- AssumeRole ----------------------------------------------------------------------------------------------------


def _percent(used: int, budget: int) -> int:
    return math.ceil(100 * used / budget)


def packed_policy_size(policy: str | None, policy_arns: tuple[str, ...], tags: Mapping[str, str]) -> int | None:
    """``PackedPolicySize``: the percentage of the allotment the session policies and tags use, None without any.

    ``PackedPolicyTooLarge`` above 100%, naming the tags when they alone are over, as AWS does.
    """
    if policy is None and not policy_arns and not tags:
        return None
    tags_used = sum(len(key.encode()) + len(value.encode()) + 2 for key, value in tags.items())
    tags_percent = _percent(tags_used, PACKED_TAGS_BUDGET)
    if tags_percent > 100:
        raise PackedPolicyTooLarge(f"Packed size of session tags consumes {tags_percent}% of allotted space.")
    compact = json.dumps(json.loads(policy), separators=(",", ":")) if policy else ""
    policy_used = len(zlib.compress((compact + "".join(policy_arns)).encode(), 9)) if (compact or policy_arns) else 0
    total = _percent(policy_used, PACKED_POLICY_BUDGET) + tags_percent
    if total > 100:
        raise PackedPolicyTooLarge(f"Packed policy consumes {total}% of allotted space, please use smaller policy.")
    return total


def _chain_from(caller: Actor) -> StsSession | None:
    if caller.kind is not ActorKind.ROLE_SESSION or caller.session_pk is None:
        return None
    return StsSession.objects.filter(pk=caller.session_pk).first()


def _role_duration(role: Role, requested: int | None, chained: bool) -> int:
    if chained:
        if requested is not None and requested > domain.CHAINED_MAX_DURATION:
            raise ValidationError(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
                field="duration_seconds",
            )
        return requested or domain.CHAINED_MAX_DURATION
    if requested is not None and requested > role.max_session_duration:
        raise ValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            field="duration_seconds",
        )
    return requested or domain.DEFAULT_ROLE_DURATION


@dataclass(frozen=True, slots=True)
class SessionAttributes:
    """What a new role session carries over from the caller's session (role chaining) and the request."""

    tags: dict[str, str]
    transitive_tag_keys: tuple[str, ...]
    source_identity: str | None


def session_attributes(caller: Actor, data: domain.AssumeRoleInput) -> SessionAttributes:
    """Merge the request's session tags and source identity with what survives role chaining.

    Incoming transitive tags are kept (and stay transitive) and may not be given again in ``Tags``; a source identity,
    once set, is kept and may not be changed.
    """
    parent = _chain_from(caller)
    inherited = {key: parent.session_tags[key] for key in parent.transitive_tag_keys} if parent else {}
    for key in data.tags:
        if key.lower() in {k.lower() for k in inherited}:
            raise ValidationError(
                f"Cannot override the transitive session tag {key} set by a previous session in the role chain.",
                field="tags",
            )
    tags = {**inherited, **data.tags}
    if len(tags) > MAX_TAGS:
        raise constraint_error("Tags", "[…]", f"Member must have length less than or equal to {MAX_TAGS}", field="tags")
    source_identity = parent.source_identity if parent and parent.source_identity else None
    if data.source_identity is not None:
        if source_identity is not None and data.source_identity != source_identity:
            raise ValidationError(
                "The source identity of a role session cannot be changed in a role chain.", field="source_identity"
            )
        source_identity = data.source_identity
    return SessionAttributes(
        tags=tags,
        transitive_tag_keys=tuple(dict.fromkeys((*inherited, *data.transitive_tag_keys))),
        source_identity=source_identity,
    )


@transaction.atomic
def assume_role(
    *,
    role: Role,
    caller: Actor,
    data: domain.AssumeRoleInput,
    mfa_authenticated_at: datetime | None = None,
    region: str = "us-east-1",
) -> AssumedRole:
    """Issue credentials for a session of ``role`` (AssumeRole), once the trust policy allowed the caller.

    ``DurationSeconds`` defaults to one hour and may not exceed the role's ``MaxSessionDuration``
    (``ValidationError``); a role session assuming a role (role chaining) gets at most one hour and a longer request
    is a ``ValidationError``. Session tags, transitive tags and the source identity follow ``session_attributes``; a
    request whose packed session policies and tags exceed the allotment is ``PackedPolicyTooLarge``. The session ARN
    never carries the role's path. Updates the role's last use (GetRole's ``RoleLastUsed``).
    """
    chained = caller.kind is ActorKind.ROLE_SESSION
    duration = _role_duration(role, data.duration_seconds, chained)
    attributes = session_attributes(caller, data)
    packed = packed_policy_size(data.policy, data.policy_arns, attributes.tags)
    credentials, session = _issue(
        duration,
        account=role.account,
        role=role,
        user=None,
        session_name=data.role_session_name,
        issued_to_arn=caller.arn,
        federated_subject=caller.name if caller.kind is ActorKind.FEDERATED else "",
        mfa_authenticated_at=mfa_authenticated_at,
        source_identity=attributes.source_identity or "",
        session_policy_document=data.policy or "",
        session_policy_arns=list(data.policy_arns),
        session_tags=attributes.tags,
        transitive_tag_keys=list(attributes.transitive_tag_keys),
        packed_policy_size=packed or 0,
        chained=chained,
    )
    Role.objects.filter(pk=role.pk).update(last_used_at=session.issued_at, last_used_region=region)
    return AssumedRole(
        credentials=credentials,
        session=session,
        assumed_role_id=f"{role.role_id}:{data.role_session_name}",
        arn=assumed_role_arn(role.account.account_id, role.name, data.role_session_name),
        packed_policy_size=packed,
        source_identity=attributes.source_identity,
    )


# --- AssumeRoleWithWebIdentity and AssumeRoleWithSAML ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebIdentityRole:
    """AssumeRoleWithWebIdentity's answer: the session, and what the token said."""

    assumed: AssumedRole
    subject: str
    audience: str
    provider: str


@dataclass(frozen=True, slots=True)
class SamlRole:
    """AssumeRoleWithSAML's answer: the session, and what the assertion said."""

    assumed: AssumedRole
    subject: str
    subject_type: str
    issuer: str
    audience: str
    name_qualifier: str


@transaction.atomic
def assume_role_with_web_identity(
    *, role: Role, caller: Actor, data: domain.AssumeRoleInput, token: VerifiedToken, region: str = "us-east-1"
) -> WebIdentityRole:
    """Issue a session of ``role`` to the user of a verified web identity token, once the trust policy allowed it.

    The session follows AssumeRole's rules (durations, session policies, tags and source identity, here from the
    token's claims); it is issued to the provider's ARN, the principal the trust policy named.
    """
    assumed = assume_role(role=role, caller=caller, data=data, region=region)
    # ``Provider`` is the token's ``iss``, as AWS answers it for OpenID Connect tokens.
    return WebIdentityRole(
        assumed=assumed, subject=token.subject, audience=token.audience, provider=str(token.claims["iss"])
    )


@transaction.atomic
def assume_role_with_saml(
    *, role: Role, caller: Actor, data: domain.AssumeRoleInput, assertion: VerifiedAssertion, region: str = "us-east-1"
) -> SamlRole:
    """Issue a session of ``role`` to the subject of a verified SAML assertion, once the trust policy allowed it.

    The assertion's id was marked used when it was verified, so the same response never opens a second session.
    """
    assumed = assume_role(role=role, caller=caller, data=data, region=region)
    return SamlRole(
        assumed=assumed,
        subject=assertion.subject,
        subject_type=assertion.subject_type,
        issuer=assertion.issuer,
        audience=assertion.audience,
        name_qualifier=assertion.name_qualifier,
    )


# --- GetSessionToken -----------------------------------------------------------------------------------------------


def _issue_to_caller(
    *, account: Account, caller: Actor, duration: int, root_max: int, **fields: object
) -> tuple[Credentials, StsSession]:
    """Credentials for ``duration`` seconds issued to the IAM user or root user calling GetSessionToken or
    GetFederationToken (the root user's cut to ``root_max``), and their session row with ``fields``."""
    if caller.is_root:
        duration = min(duration, root_max)
    return _issue(
        duration,
        account=account,
        role=None,
        user_id=caller.user_pk if caller.kind is ActorKind.USER else None,
        issued_to_arn=caller.arn,
        **fields,
    )


@transaction.atomic
def get_session_token(
    *,
    account: Account,
    caller: Actor,
    duration_seconds: int | None = None,
    mfa_authenticated_at: datetime | None = None,
) -> SessionToken:
    """Issue session credentials for an IAM user or the root user (GetSessionToken).

    900–129,600 seconds, 43,200 by default; for the root user a longer request (and the default) is cut to one
    hour. Only long-term credentials may call it: ``iamconsole.authorization`` refuses session credentials.
    """
    requested = domain.validate_duration(duration_seconds, high=domain.SESSION_TOKEN_MAX_DURATION)
    credentials, session = _issue_to_caller(
        account=account,
        caller=caller,
        duration=requested or domain.SESSION_TOKEN_DEFAULT_DURATION,
        root_max=domain.ROOT_SESSION_TOKEN_MAX_DURATION,
        mfa_authenticated_at=mfa_authenticated_at,
    )
    return SessionToken(credentials=credentials, session=session)


# --- GetFederationToken --------------------------------------------------------------------------------------------


@transaction.atomic
def get_federation_token(*, account: Account, caller: Actor, data: domain.FederationTokenInput) -> FederationToken:
    """Issue credentials for the federated user ``data.name`` on behalf of an IAM user or the root user.

    Mirrors GetFederationToken: only long-term credentials may call it (``iamconsole.authorization`` refuses
    session credentials); 900–129,600 seconds, 43,200 by default, and for the root
    user a longer request (and the default) is cut to one hour. The session policies and tags are kept with the
    session and ``PackedPolicyTooLarge`` refuses them above the allotment. The federated user is
    ``arn:aws:sts::ACCOUNT:federated-user/NAME`` with id ``ACCOUNT:NAME``; its permissions are the caller's
    identity-based policies narrowed by the session policies, evaluated at each request.
    """
    packed = packed_policy_size(data.policy, data.policy_arns, data.tags)
    credentials, session = _issue_to_caller(
        account=account,
        caller=caller,
        duration=data.duration_seconds or domain.FEDERATION_DEFAULT_DURATION,
        root_max=domain.ROOT_FEDERATION_MAX_DURATION,
        federated=True,
        session_name=data.name,
        session_policy_document=data.policy or "",
        session_policy_arns=list(data.policy_arns),
        session_tags=dict(data.tags),
        packed_policy_size=packed or 0,
    )
    return FederationToken(
        credentials=credentials,
        session=session,
        federated_user_id=f"{account.account_id}:{data.name}",
        arn=federated_user_arn(account.account_id, data.name),
        packed_policy_size=packed,
    )


# --- GetScopedCredentials -----------------------------------------------------------------------------------------

#: GetScopedCredentials may stack at most this many scope-down policies on one session.
MAX_SCOPE_LAYERS = 3
SCOPED_MAX_DURATION = 129_600


@dataclass(frozen=True, slots=True)
class ScopedCredentials:
    """GetScopedCredentials' answer: new credentials for the same identity, narrower and no longer lived."""

    credentials: Credentials
    session: StsSession
    scoped_session_id: str
    arn: str
    scope_policies_count: int
    source_identity: str | None


@transaction.atomic
def get_scoped_credentials(
    *,
    caller: Actor,
    policy: object = None,
    duration_seconds: object = None,
    scoped_session_description: object = None,
) -> ScopedCredentials:
    """Issue credentials scoped down from the caller's own session credentials (GetScopedCredentials).

    The identity stays the caller's (same ARN, same session name, tags, source identity and session policies);
    ``Policy`` adds a scope-down layer that every later request must also satisfy (at most three layers), and the
    credentials expire with the caller's or sooner. Only session credentials may call it
    (``InvalidSubjectCredentials``); at least one of ``Policy`` and ``DurationSeconds`` is needed; a duration past the
    caller's remaining lifetime is ``InsufficientSessionLifetime``. The new session keeps the caller's token issue
    time and ends when the session it was scoped from is revoked, so scoping down never escapes a revocation.
    """
    parent = StsSession.objects.filter(pk=caller.session_pk).first() if caller.session_pk is not None else None
    if parent is None:
        raise InvalidSubjectCredentials(
            "GetScopedCredentials must be called with temporary security credentials; "
            "IAM user and root user credentials cannot be scoped down.",
        )
    document = domain.validate_session_policy(policy)
    duration = domain.validate_duration(duration_seconds, low=1, high=SCOPED_MAX_DURATION)
    if scoped_session_description is not None:
        domain.validate_length(
            scoped_session_description,
            member="ScopedSessionDescription",
            field="scoped_session_description",
            low=2,
            high=256,
        )
    if document is None and duration is None:
        raise ValidationError("A request must provide at least one of Policy or DurationSeconds.", field="policy")
    layers = list(parent.scope_policy_documents)
    if document is not None:
        if len(layers) >= MAX_SCOPE_LAYERS:
            raise AccessDenied(
                f"The session already has {MAX_SCOPE_LAYERS} scope-down policies; no further one can be added.",
                field="policy",
            )
        packed_policy_size(_joined(layers, document), (), {})
        layers.append(document)
    now = _now()
    expiration = parent.expires_at
    if duration is not None:
        remaining = (parent.expires_at - now).total_seconds()
        if duration > remaining:
            raise InsufficientSessionLifetime(
                f"The requested DurationSeconds ({duration}) exceeds the remaining lifetime of the calling session "
                f"({max(int(remaining), 0)} seconds).",
                field="duration_seconds",
            )
        expiration = min(parent.expires_at, (now + timedelta(seconds=duration)).replace(microsecond=0))
    credentials, digest = _new_credentials(expiration)
    session = _create_session(
        credentials,
        digest,
        account_id=parent.account_id,
        role_id=parent.role_id,
        user_id=parent.user_id,
        session_name=parent.session_name,
        issued_to_arn=parent.issued_to_arn,
        federated_subject=parent.federated_subject,
        issued_at=parent.issued_at,
        expires_at=expiration,
        mfa_authenticated_at=parent.mfa_authenticated_at,
        source_identity=parent.source_identity,
        session_policy_document=parent.session_policy_document,
        session_policy_arns=parent.session_policy_arns,
        session_tags=parent.session_tags,
        transitive_tag_keys=parent.transitive_tag_keys,
        packed_policy_size=parent.packed_policy_size,
        chained=parent.chained,
        federated=parent.federated,
        scope_policy_documents=layers,
        scoped_from_id=parent.scoped_from_id or parent.pk,
    )
    return ScopedCredentials(
        credentials=credentials,
        session=session,
        scoped_session_id=caller.principal_id,
        arn=caller.arn,
        scope_policies_count=len(layers),
        source_identity=caller.source_identity,
    )


def _joined(layers: list[str], document: str) -> str:
    """Every scope-down layer as one JSON array, for the packed size of the whole stack."""
    return json.dumps([json.loads(text) for text in (*layers, document)])


# --- AssumeRoot and GetDelegatedAccessToken --------------------------------------------------------------------------

TRADE_IN_TOKEN_REFUSED = "The trade-in token is expired or not valid; request a new token and retry."


def assume_root(*, data: domain.AssumeRootInput) -> NoReturn:
    """AssumeRoot: privileged sessions on member accounts need an AWS Organizations organization with centralized
    root access, which an iamconsole account is never in; an authorized request gets the answer IAM's centralized
    root access operations give such an account (``OrganizationNotFoundException``)."""
    raise OrganizationNotFoundException(NO_ORGANIZATION)


def get_delegated_access_token(*, trade_in_token: object) -> NoReturn:
    """GetDelegatedAccessToken: trade-in tokens come from IAM's delegation requests, which only onboarded AWS
    partners create and an installation never holds (see ``identities.services.absent_features``); every token is
    therefore unknown, answered as AWS answers a spent or expired one (``ExpiredTradeInTokenException``)."""
    if not isinstance(trade_in_token, str) or not trade_in_token:
        raise constraint_error(
            "TradeInToken", None, "Member must have length greater than or equal to 1", field="trade_in_token"
        )
    raise ExpiredTradeInTokenException(TRADE_IN_TOKEN_REFUSED, field="trade_in_token")


# --- revocation ----------------------------------------------------------------------------------------------------


def revoke_older_sessions_document(moment: datetime) -> str:
    """The ``AWSRevokeOlderSessions`` policy: deny everything to sessions whose token was issued before ``moment``."""
    # To the microsecond, as aws:TokenIssueTime is: a session issued a moment after the revocation is not denied.
    stamp = iso_precise(moment)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["*"],
                    "Resource": ["*"],
                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": stamp}},
                }
            ],
        }
    )


@transaction.atomic
def revoke_older_role_sessions(*, account: Account, role_name: str) -> InlinePolicy:
    """Revoke every session of the role issued until now, as the IAM console's "Revoke active sessions" does.

    Puts (or replaces) the inline role policy ``AWSRevokeOlderSessions`` denying ``*`` on ``*`` when
    ``aws:TokenIssueTime`` is before now; sessions issued afterwards are not affected. Because policies are evaluated
    at each request, the revoked sessions fail from their next request on.
    """
    document = revoke_older_sessions_document(_now())
    role_policy_services.put_role_policy(
        account=account, role_name=role_name, policy_name=REVOKE_OLDER_SESSIONS_POLICY, policy_document=document
    )
    return InlinePolicy.objects.get(
        role__account=account, role__name__iexact=role_name, name=REVOKE_OLDER_SESSIONS_POLICY
    )


@transaction.atomic
def revoke_role_session(*, account: Account, role_name: str, access_key_id: str) -> StsSession:
    """Revoke one session of the role at once (iamconsole's own; AWS can only revoke by issue time).

    ``NoSuchEntity`` when the role has no such session. Revoking twice keeps the first revocation time.
    """
    role = lock_role(account, role_name)
    session = StsSession.objects.select_for_update().filter(role=role, access_key_id=access_key_id).first()
    if session is None:
        raise NoSuchEntity(f"The session with access key id {access_key_id} cannot be found.", field="access_key_id")
    if session.revoked_at is None:
        session.revoked_at = _now()
        session.save(update_fields=["revoked_at"])
    return session


# --- expiry sweep --------------------------------------------------------------------------------------------------


@transaction.atomic
def purge_expired_sessions(*, batch_size: int = PURGE_BATCH_SIZE, now: datetime | None = None) -> int:
    """Delete every session expired before ``now`` (iamconsole's own) and return how many were deleted.

    Set-based: raw ``DELETE … WHERE id BETWEEN … AND expires_at < now`` over primary-key ranges of ``batch_size``,
    so no row is loaded and each statement stays short. Idempotent: a second run finds nothing. Authentication does
    not depend on it: expired credentials are refused at the request whether or not their row is gone. The records of
    spent one-time codes that could no longer be accepted anyway (SAML assertion ids, MFA steps) go in the same sweep.
    """
    now = now or _now()
    account_services.forget_spent_codes(now=now)
    table = connection.ops.quote_name(StsSession._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table} WHERE expires_at < %s", [now])  # noqa: S608
        low, high = cursor.fetchone() or (None, None)
        if low is None or high is None:
            return 0
        deleted = 0
        start = int(low)
        while start <= high:
            end = start + batch_size - 1
            cursor.execute(
                f"DELETE FROM {table} WHERE id BETWEEN %s AND %s AND expires_at < %s",  # noqa: S608
                [start, end, now],
            )
            deleted += max(cursor.rowcount, 0)
            start = end + 1
    return deleted


# --- the console's recently used roles ------------------------------------------------------------------------------

#: How many roles the console's identity menu remembers per user (AWS's console keeps five).
SWITCH_ROLE_HISTORY_SIZE = 5


@transaction.atomic
def record_switch_role(
    *, user_pk: int, account: str, role_name: str, display_name: str, color: str
) -> SwitchRoleHistory:
    """Remember a role the user switched to in the console, as the most recent; only the last five are kept."""
    entry, _ = SwitchRoleHistory.objects.update_or_create(
        user_id=user_pk,
        account=account,
        role_name=role_name,
        defaults={"display_name": display_name, "color": color, "used_at": _now()},
    )
    stale = SwitchRoleHistory.objects.filter(user_id=user_pk).order_by("-used_at", "-pk")[SWITCH_ROLE_HISTORY_SIZE:]
    SwitchRoleHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return entry
