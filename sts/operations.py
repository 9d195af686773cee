"""The sts app's operations: AssumeRole, GetSessionToken, GetFederationToken, GetCallerIdentity, GetAccessKeyInfo,
and iamconsole's own session lists, revocations and expiry sweep.

AssumeRole is not authorized by the generic identity check (``action=None``): who may assume a role is the trust
policy's decision, taken in ``sts.trust`` with the caller's own policies, and a trust policy naming the caller allows
the call with no identity policy at all. GetSessionToken needs no permission, as in AWS; GetCallerIdentity is never
denied. GetFederationToken is authorized as ``sts:GetFederationToken`` on the ``federated-user/NAME`` ARN, with
``aws:RequestTag/*`` and ``aws:TagKeys`` for its session tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from accounts.models import Account
from iamconsole import authorization
from iamconsole.actors import Actor, ActorKind, RequestContext
from iamconsole.arn import federated_user_arn, iam_arn
from iamconsole.errors import AccessDenied
from iamconsole.operations import Call, Operation, parameters_of
from identities import selectors as identity_selectors
from identities import services as identity_services
from identities.services.mfa import STS_UNKNOWN_DEVICE_MESSAGE
from sts import domain, selectors, services, trust


def _role_arn_param(call: Call) -> str:
    value = call.params.get("role_arn")
    return value if isinstance(value, str) and value else "*"


def _role_resource(call: Call) -> str:
    """The ARN of the role named by ``role_name``, with its real path when it exists."""
    name = str(call.params.get("role_name") or "")
    path = selectors.role_path(account=call.account, role_name=name) if call.account is not None else "/"
    return iam_arn(call.account_id, "role", name, path)


def _federated_user_resource(call: Call) -> str:
    """``arn:aws:sts::ACCOUNT:federated-user/NAME``, the resource AWS authorizes ``sts:GetFederationToken`` against."""
    name = call.params.get("name")
    return federated_user_arn(call.account_id, name if isinstance(name, str) and name else "*")


def _request_tags(call: Call) -> dict[str, Any]:
    """``aws:RequestTag/KEY`` for each session tag of the request and ``aws:TagKeys``."""
    tags = call.params.get("tags")
    pairs = (
        [(str(t.get("key")), str(t.get("value"))) for t in tags if isinstance(t, Mapping)]
        if isinstance(tags, list)
        else []
    )
    if not pairs:
        return {}
    return {**{f"aws:RequestTag/{key}": value for key, value in pairs}, "aws:TagKeys": [key for key, _ in pairs]}


def _mfa_moment(account: Account, actor: Actor, mfa: tuple[str, str] | None) -> datetime | None:
    """When the request's MFA code was checked, or the caller's own MFA moment carried over from its session."""
    if mfa is None:
        return actor.mfa_authenticated_at
    serial_number, token_code = mfa
    user = None
    if actor.kind is ActorKind.USER:
        user = identity_selectors.find_user_by_unique_id(account=account, user_id=actor.principal_id)
    elif actor.kind is not ActorKind.ROOT:
        # Only an IAM user's or the root user's own device can be checked; a role session has none.
        raise AccessDenied(STS_UNKNOWN_DEVICE_MESSAGE, field="serial_number")
    return identity_services.verify_mfa_code(
        account=account, serial_number=serial_number, token_code=token_code, user=user
    )


def _assume_role(
    *,
    account: Account,
    actor: Actor,
    request: RequestContext,
    provided_contexts: Any = None,
    minimum_session_token_size: Any = None,
    **params: Any,
) -> services.AssumedRole:
    data = domain.assume_role_input(**params)
    # AssumeRole skips the generic check (the trust policy decides), but a federated user still may not call it.
    authorization.refuse_session_token_use(actor, "sts:AssumeRole")
    if actor.kind is ActorKind.ROOT:
        raise AccessDenied(trust.ROOT_REFUSAL)
    mfa_at = _mfa_moment(account, actor, data.mfa)
    role = selectors.find_role_by_arn(data.role_arn)
    attributes = services.session_attributes(actor, data)
    role = trust.authorize_assume_role(
        actor,
        role,
        data,
        request,
        trust.TrustRequest(
            mfa_authenticated_at=mfa_at, source_identity=attributes.source_identity, session_tags=data.tags
        ),
    )
    return services.assume_role(role=role, caller=actor, data=data, mfa_authenticated_at=mfa_at, region=request.region)


def _get_session_token(
    *,
    account: Account,
    actor: Actor,
    duration_seconds: Any = None,
    serial_number: Any = None,
    token_code: Any = None,
    minimum_session_token_size: Any = None,
) -> services.SessionToken:
    if actor.session_pk is not None or actor.kind not in (ActorKind.USER, ActorKind.ROOT):
        raise AccessDenied("Cannot call GetSessionToken with session credentials")
    domain.validate_duration(duration_seconds, high=domain.SESSION_TOKEN_MAX_DURATION)
    mfa = domain.validate_mfa(serial_number, token_code)
    mfa_at = _mfa_moment(account, actor, mfa) if mfa is not None else None
    return services.get_session_token(
        account=account, caller=actor, duration_seconds=duration_seconds, mfa_authenticated_at=mfa_at
    )


def _get_federation_token(
    *,
    account: Account,
    actor: Actor,
    name: Any = None,
    duration_seconds: Any = None,
    policy: Any = None,
    policy_arns: Any = None,
    tags: Any = None,
    minimum_session_token_size: Any = None,
) -> services.FederationToken:
    data = domain.federation_token_input(
        name=name, duration_seconds=duration_seconds, policy=policy, policy_arns=policy_arns, tags=tags
    )
    return services.get_federation_token(account=account, caller=actor, data=data)


OPERATIONS = (
    Operation(
        "AssumeRole",
        _assume_role,
        service="sts",
        action=None,
        resource=_role_arn_param,
        takes_actor=True,
        takes_request=True,
        parameters=parameters_of(domain.assume_role_input, also=("provided_contexts", "minimum_session_token_size")),
    ),
    Operation("GetSessionToken", _get_session_token, service="sts", action=None, takes_actor=True),
    Operation(
        "GetFederationToken",
        _get_federation_token,
        service="sts",
        resource=_federated_user_resource,
        context=_request_tags,
        takes_actor=True,
    ),
    Operation(
        "GetCallerIdentity",
        selectors.get_caller_identity,
        service="sts",
        action=None,
        read_only=True,
        takes_actor=True,
        account_scoped=False,
    ),
    Operation("GetAccessKeyInfo", selectors.get_access_key_info, service="sts", read_only=True, account_scoped=False),
    # iamconsole's own: who holds credentials for a role or an account, and revoking them.
    Operation(
        "ListRoleSessions", selectors.list_role_sessions, action="iam:GetRole", resource=_role_resource, read_only=True
    ),
    Operation("ListAccountSessions", selectors.list_account_sessions, action="iam:ListRoles", read_only=True),
    Operation("RevokeRoleSession", services.revoke_role_session, action="iam:PutRolePolicy", resource=_role_resource),
    Operation(
        "RevokeOlderRoleSessions",
        services.revoke_older_role_sessions,
        action="iam:PutRolePolicy",
        resource=_role_resource,
    ),
    Operation(
        "PurgeExpiredSessions",
        services.purge_expired_sessions,
        audit_details=lambda deleted: {"deleted": deleted},
        action=None,
        account_scoped=False,
        system_only=True,
    ),
)
