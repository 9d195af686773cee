"""The sts app's operations: AssumeRole, GetSessionToken, GetFederationToken, GetCallerIdentity, GetAccessKeyInfo,
and iamconsole's own session lists, revocations and expiry sweep.

AssumeRole is authorized like every operation, as ``sts:AssumeRole`` on the role's ARN, with the role's trust policy
as the resource policy the authorizer evaluates with the caller's own (mirroring "How to use trust policies with IAM
roles" and "Cross-account policy evaluation logic" in the IAM User Guide): the trust policy must always allow the
caller; in the role's account a statement naming the caller itself is enough, while one naming the account (``:root``)
delegates to the account, so an identity policy must allow ``sts:AssumeRole`` too; across accounts both sides are
needed. Session tags add ``sts:TagSession`` and a source identity ``sts:SetSourceIdentity``, decided the same way. A
role that does not exist is refused exactly like a role that does not trust the caller, as AWS does.
GetSessionToken needs no permission, as in AWS; GetCallerIdentity is never denied.
GetFederationToken is authorized as ``sts:GetFederationToken`` on the ``federated-user/NAME`` ARN, with
``aws:RequestTag/*`` and ``aws:TagKeys`` for its session tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import Account
from iamconsole import authorization
from iamconsole.actors import Actor, ActorKind, RequestContext
from iamconsole.arn import federated_user_arn, iam_arn, root_arn
from iamconsole.errors import AccessDenied, IDPRejectedClaim, InvalidIdentityToken, constraint_error
from iamconsole.operations import Call, Operation, parameters_of
from identities import selectors as identity_selectors
from identities import services as identity_services
from identities.models import Role
from identities.operations.roles import on_role
from identities.services.mfa import STS_UNKNOWN_DEVICE_MESSAGE
from policies.engine import PolicyKind
from sts import domain, outbound, saml, selectors, services, webidentity


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


@dataclass(slots=True)
class RoleToAssume:
    """An AssumeRole request checked and looked up once: the role (None when the ARN names none), the session's tags
    and source identity after role chaining, and the MFA moment of the request's code."""

    data: domain.AssumeRoleInput
    role: Role | None
    attributes: services.SessionAttributes
    account: Account | None
    actor: Actor
    _mfa_checked: bool = False
    _mfa_at: datetime | None = None

    def mfa_authenticated_at(self) -> datetime | None:
        """Checked when the trust policy's context first needs it (after the refusals of the root user and of
        session-token credentials), and only once: a code is accepted once."""
        if not self._mfa_checked:
            self._mfa_at = _mfa_moment(self.account, self.actor, self.data.mfa) if self.account is not None else None
            self._mfa_checked = True
        return self._mfa_at


def _role_to_assume(call: Call) -> RoleToAssume:
    data = domain.assume_role_input(**call.params)
    return RoleToAssume(
        data=data,
        role=selectors.find_role_by_arn(data.role_arn),
        attributes=services.session_attributes(call.actor, data),
        account=call.account,
        actor=call.actor,
    )


def _assumed_role_resource(call: Call) -> str:
    """The role's ARN with its path, the resource AWS authorizes ``sts:AssumeRole`` against (the requested ARN when
    it names no role)."""
    target: RoleToAssume = call.target
    if target.role is None:
        return target.data.role_arn
    return iam_arn(target.role.account.account_id, "role", target.role.name, target.role.path)


def _trust_policy(call: Call) -> authorization.ResourcePolicy:
    """The role's trust policy: it must always allow the caller (a role that does not exist trusts nobody)."""
    role = call.target.role
    return authorization.ResourcePolicy(
        role.assume_role_policy_document if role is not None else None, PolicyKind.TRUST, required=True
    )


def _trust_context(call: Call) -> Mapping[str, Any]:
    """What a trust policy's conditions see beyond the caller's own keys: ``sts:RoleSessionName``,
    ``sts:ExternalId``, ``sts:SourceIdentity``, ``sts:TransitiveTagKeys``, the session tags as ``aws:RequestTag/*``
    and ``aws:TagKeys``, and the MFA moment of the request's own code."""
    target: RoleToAssume = call.target
    data = target.data
    context: dict[str, Any] = {"sts:RoleSessionName": data.role_session_name}
    if data.external_id is not None:
        context["sts:ExternalId"] = data.external_id
    if target.attributes.source_identity is not None:
        context["sts:SourceIdentity"] = target.attributes.source_identity
    if data.transitive_tag_keys:
        context["sts:TransitiveTagKeys"] = list(data.transitive_tag_keys)
    if data.tags:
        context.update({f"aws:RequestTag/{key}": value for key, value in data.tags.items()})
        context["aws:TagKeys"] = list(data.tags)
    mfa_at = target.mfa_authenticated_at()
    if mfa_at is not None:
        age = (call.request.time - mfa_at).total_seconds()
        context["aws:MultiFactorAuthPresent"] = True
        context["aws:MultiFactorAuthAge"] = str(int(age))
    return context


def _session_actions(call: Call) -> list[str]:
    """``sts:TagSession`` for session tags and ``sts:SetSourceIdentity`` for a source identity, as AWS asks."""
    target: RoleToAssume = call.target
    actions = []
    if target.data.tags:
        actions.append("sts:TagSession")
    if target.attributes.source_identity is not None:
        actions.append("sts:SetSourceIdentity")
    return actions


def _assume_role(
    *, actor: Actor, request: RequestContext, target: RoleToAssume, **checked: Any
) -> services.AssumedRole:
    """Issue the session; the parameters (``checked``) were checked and read into ``target.data`` already."""
    if target.role is None:  # never: the authorizer refuses a role that does not exist, as it trusts nobody
        raise RuntimeError("AssumeRole reached its handler without a role")
    return services.assume_role(
        role=target.role,
        caller=actor,
        data=target.data,
        mfa_authenticated_at=target.mfa_authenticated_at(),
        region=request.region,
    )


def _get_session_token(
    *,
    account: Account,
    actor: Actor,
    duration_seconds: Any = None,
    serial_number: Any = None,
    token_code: Any = None,
    minimum_session_token_size: Any = None,
) -> services.SessionToken:
    # No permission is needed, but session credentials are refused, before any MFA code is checked.
    authorization.refuse_session_token_use(actor, "sts:GetSessionToken")
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


# --- GetWebIdentityToken, GetScopedCredentials, AssumeRoot ------------------------------------------------------------


def _token_request(call: Call) -> outbound.TokenRequest:
    """GetWebIdentityToken's parameters, checked before the permission (its condition keys read them)."""
    params = call.params
    return outbound.token_request(
        audience=params.get("audience"),
        signing_algorithm=params.get("signing_algorithm"),
        duration_seconds=params.get("duration_seconds"),
        tags=params.get("tags"),
        subject_mode=params.get("subject_mode"),
        scope=params.get("scope"),
    )


def _token_context(call: Call) -> dict[str, Any]:
    """``sts:IdentityTokenAudience``, ``sts:DurationSeconds``, ``sts:SigningAlgorithm`` and the request tags."""
    data: outbound.TokenRequest = call.target
    return {
        "sts:IdentityTokenAudience": list(data.audiences),
        "sts:DurationSeconds": str(data.duration),
        "sts:SigningAlgorithm": data.algorithm,
        **_request_tags(call),
    }


def _get_web_identity_token(
    *, account: Account, actor: Actor, request: RequestContext, target: outbound.TokenRequest, **checked: Any
) -> outbound.WebIdentityToken:
    return outbound.get_web_identity_token(
        account=account, actor=actor, data=target, now=request.time, region=request.region
    )


def _get_scoped_credentials(
    *,
    actor: Actor,
    policy: Any = None,
    duration_seconds: Any = None,
    scoped_session_description: Any = None,
    minimum_session_token_size: Any = None,
) -> services.ScopedCredentials:
    return services.get_scoped_credentials(
        caller=actor,
        policy=policy,
        duration_seconds=duration_seconds,
        scoped_session_description=scoped_session_description,
    )


def _root_request(call: Call) -> domain.AssumeRootInput:
    """AssumeRoot's parameters, checked before the permission."""
    return domain.assume_root_input(**call.params)


def _root_resource(call: Call) -> str:
    """The member account's root user, ``arn:aws:iam::ACCOUNT:root``, which AWS authorizes AssumeRoot against."""
    return root_arn(call.target.target_account)


def _assume_root(*, target: domain.AssumeRootInput, **checked: Any) -> Any:
    return services.assume_root(data=target)


# --- AssumeRoleWithWebIdentity and AssumeRoleWithSAML ---------------------------------------------------------------
# Unsigned requests: the token or assertion names the caller. ``principal`` verifies it and returns the provider's
# user, which the role's trust policy must name as ``"Federated": PROVIDER_ARN`` (iamconsole.authorization gives such
# a principal no identity-based policies, so the trust policy alone decides).


@dataclass(slots=True)
class FederatedRoleRequest:
    """AssumeRoleWithWebIdentity or AssumeRoleWithSAML checked for shape, with the role it names (None when none);
    ``data`` and ``verified`` are filled once the token or assertion is verified."""

    params: Mapping[str, Any]
    role: Role | None
    account: Account | None
    data: domain.AssumeRoleInput | None = None
    verified: Any = None


def _federated_target(call: Call) -> FederatedRoleRequest:
    role_arn = call.params.get("role_arn")
    role = selectors.find_role_by_arn(role_arn) if isinstance(role_arn, str) else None
    return FederatedRoleRequest(params=call.params, role=role, account=role.account if role is not None else None)


def _federated_input(
    params: Mapping[str, Any],
    *,
    session_name: Any,
    duration: Any,
    tags: Mapping[str, str],
    transitive: tuple[str, ...],
    source_identity: str | None,
) -> domain.AssumeRoleInput:
    """The session's request, as AssumeRole's: the caller's parameters and what the provider said."""
    return domain.assume_role_input(
        role_arn=params.get("role_arn"),
        role_session_name=session_name,
        duration_seconds=duration,
        policy=params.get("policy"),
        policy_arns=params.get("policy_arns"),
        tags=[{"key": key, "value": value} for key, value in tags.items()] or None,
        transitive_tag_keys=list(transitive) or None,
        source_identity=source_identity,
    )


def _not_authorized(action: str) -> AccessDenied:
    return AccessDenied(f"Not authorized to perform {action}", action=action)


def _check_arn(value: Any, member: str, field: str) -> str:
    """``RoleArn``/``PrincipalArn``: 20–2,048 characters (botocore's model), checked before any lookup's answer."""
    if not isinstance(value, str) or len(value) < 20:
        raise constraint_error(member, None, "Member must have length greater than or equal to 20", field=field)
    if len(value) > 2048:
        raise constraint_error(member, "…", "Member must have length less than or equal to 2048", field=field)
    return value


def _web_identity_principal(call: Call) -> Actor:
    target: FederatedRoleRequest = call.target
    _check_arn(target.params.get("role_arn"), "RoleArn", "role_arn")
    token = webidentity.validate_token_text(target.params.get("web_identity_token"))
    if target.role is None or target.account is None:
        raise _not_authorized("sts:AssumeRoleWithWebIdentity")
    verified = webidentity.verify_web_identity_token(account=target.account, token=token, now=call.request.time)
    target.verified = verified
    target.data = _federated_input(
        target.params,
        session_name=target.params.get("role_session_name"),
        duration=target.params.get("duration_seconds"),
        tags=verified.tags,
        transitive=verified.transitive_tag_keys,
        source_identity=verified.source_identity,
    )
    return Actor.federated(
        account_id=target.account.account_id,
        provider_arn=verified.provider_arn,
        principal_id=f"{verified.provider_url}:{verified.audience}:{verified.subject}",
        subject=verified.subject,
    )


def _saml_principal(call: Call) -> Actor:
    target: FederatedRoleRequest = call.target
    _check_arn(target.params.get("role_arn"), "RoleArn", "role_arn")
    principal_arn = _check_arn(target.params.get("principal_arn"), "PrincipalArn", "principal_arn")
    assertion = saml.validate_assertion_text(target.params.get("saml_assertion"))
    if target.role is None or target.account is None:
        raise _not_authorized("sts:AssumeRoleWithSAML")
    verified = saml.verify_saml_response(
        account=target.account, provider_arn=principal_arn, saml_response=assertion, now=call.request.time
    )
    role_arn = iam_arn(target.account.account_id, "role", target.role.name, target.role.path)
    if not any(
        pair.provider_arn == principal_arn and pair.role_arn.lower() == role_arn.lower() for pair in verified.roles
    ):
        raise IDPRejectedClaim(
            "The SAML assertion's Role attribute does not name this role and provider.", field="role_arn"
        )
    if not verified.session_name:
        raise _invalid_assertion("The SAML assertion has no RoleSessionName attribute.")
    target.data = _federated_input(
        target.params,
        session_name=verified.session_name,
        duration=target.params.get("duration_seconds") or verified.session_duration,
        tags=verified.tags,
        transitive=verified.transitive_tag_keys,
        source_identity=verified.source_identity,
    )
    # Marked used last, once every check of its content held.
    saml.consume_assertion(verified, call.request.time)
    target.verified = verified
    return Actor.federated(
        account_id=target.account.account_id,
        provider_arn=principal_arn,
        principal_id=f"{verified.name_qualifier}:{verified.subject}",
        subject=verified.subject,
    )


def _invalid_assertion(message: str) -> InvalidIdentityToken:
    return InvalidIdentityToken(message, field="saml_assertion")


def _federated_role_resource(call: Call) -> str:
    """The role's ARN with its path (the requested ARN when it names no role)."""
    target: FederatedRoleRequest = call.target
    if target.role is None:
        return str(target.params.get("role_arn") or "*")
    return iam_arn(target.role.account.account_id, "role", target.role.name, target.role.path)


def _federated_trust_policy(call: Call) -> authorization.ResourcePolicy:
    role = call.target.role
    return authorization.ResourcePolicy(
        role.assume_role_policy_document if role is not None else None, PolicyKind.TRUST, required=True
    )


def _session_request_keys(data: domain.AssumeRoleInput) -> dict[str, Any]:
    """``sts:RoleSessionName``, ``sts:SourceIdentity``, the session tags (``aws:RequestTag/*``, ``aws:TagKeys``) and
    ``sts:TransitiveTagKeys`` of a role session request."""
    keys: dict[str, Any] = {"sts:RoleSessionName": data.role_session_name}
    if data.source_identity is not None:
        keys["sts:SourceIdentity"] = data.source_identity
    if data.transitive_tag_keys:
        keys["sts:TransitiveTagKeys"] = list(data.transitive_tag_keys)
    if data.tags:
        keys.update({f"aws:RequestTag/{key}": value for key, value in data.tags.items()})
        keys["aws:TagKeys"] = list(data.tags)
    return keys


def _federated_context(call: Call) -> Mapping[str, Any]:
    """The token's or assertion's keys (``HOST/PATH:sub``…, ``SAML:sub``…) and the session request's."""
    target: FederatedRoleRequest = call.target
    if target.data is None or target.verified is None:
        return {}
    return {**target.verified.condition_keys(), **_session_request_keys(target.data)}


def _federated_session_actions(call: Call) -> list[str]:
    target: FederatedRoleRequest = call.target
    actions = []
    if target.data is not None and target.data.tags:
        actions.append("sts:TagSession")
    if target.data is not None and target.data.source_identity is not None:
        actions.append("sts:SetSourceIdentity")
    return actions


def _checked_target(target: FederatedRoleRequest) -> tuple[Role, domain.AssumeRoleInput]:
    if target.role is None or target.data is None:  # never: the principal step refuses both
        raise RuntimeError("a federated AssumeRole reached its handler unverified")
    return target.role, target.data


def _assume_role_with_web_identity(
    *, actor: Actor, request: RequestContext, target: FederatedRoleRequest, **checked: Any
) -> services.WebIdentityRole:
    role, data = _checked_target(target)
    return services.assume_role_with_web_identity(
        role=role, caller=actor, data=data, token=target.verified, region=request.region
    )


def _assume_role_with_saml(
    *, actor: Actor, request: RequestContext, target: FederatedRoleRequest, **checked: Any
) -> services.SamlRole:
    role, data = _checked_target(target)
    return services.assume_role_with_saml(
        role=role, caller=actor, data=data, assertion=target.verified, region=request.region
    )


def _web_identity_audit(result: services.WebIdentityRole) -> dict[str, Any]:
    """CloudTrail's ``userIdentity`` of a web identity user, and the session it received."""
    return {
        "userIdentity": {"type": "WebIdentityUser", "userName": result.subject, "identityProvider": result.provider},
        "assumedRoleArn": result.assumed.arn,
    }


def _saml_audit(result: services.SamlRole) -> dict[str, Any]:
    return {
        "userIdentity": {"type": "SAMLUser", "userName": result.subject, "identityProvider": result.issuer},
        "assumedRoleArn": result.assumed.arn,
    }


_FEDERATED_COMMON: dict[str, Any] = {
    "service": "sts",
    "target": _federated_target,
    "takes_target": True,
    "resource": _federated_role_resource,
    "resource_policy": _federated_trust_policy,
    "context": _federated_context,
    "further_actions": _federated_session_actions,
    "takes_actor": True,
    "takes_request": True,
    "account_scoped": False,
}


OPERATIONS = (
    Operation(
        "AssumeRole",
        _assume_role,
        service="sts",
        target=_role_to_assume,
        takes_target=True,
        resource=_assumed_role_resource,
        resource_policy=_trust_policy,
        context=_trust_context,
        further_actions=_session_actions,
        takes_actor=True,
        takes_request=True,
        account_scoped=False,
        parameters=parameters_of(domain.assume_role_input, also=("provided_contexts", "minimum_session_token_size")),
    ),
    Operation(
        "AssumeRoleWithWebIdentity",
        _assume_role_with_web_identity,
        principal=_web_identity_principal,
        audit_details=_web_identity_audit,
        parameters=frozenset(
            {
                "role_arn",
                "role_session_name",
                "web_identity_token",
                "policy_arns",
                "policy",
                "duration_seconds",
                "minimum_session_token_size",
            }
        ),
        **_FEDERATED_COMMON,
    ),
    Operation(
        "AssumeRoleWithSAML",
        _assume_role_with_saml,
        principal=_saml_principal,
        audit_details=_saml_audit,
        parameters=frozenset(
            {
                "role_arn",
                "principal_arn",
                "saml_assertion",
                "policy_arns",
                "policy",
                "duration_seconds",
                "minimum_session_token_size",
            }
        ),
        **_FEDERATED_COMMON,
    ),
    Operation(
        "GetSessionToken",
        _get_session_token,
        service="sts",
        action=None,
        no_permission="AWS lets every IAM user and the root user call it; the credentials keep the caller's rights",
        takes_actor=True,
    ),
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
        no_permission="AWS never denies it: every principal may ask who it is",
        read_only=True,
        takes_actor=True,
        account_scoped=False,
    ),
    Operation("GetAccessKeyInfo", selectors.get_access_key_info, service="sts", read_only=True, account_scoped=False),
    Operation(
        "DecodeAuthorizationMessage",
        selectors.decode_authorization_message,
        service="sts",
        read_only=True,
        account_scoped=False,
    ),
    Operation(
        "GetWebIdentityToken",
        _get_web_identity_token,
        service="sts",
        target=_token_request,
        takes_target=True,
        context=_token_context,
        further_actions=lambda call: ["sts:TagGetWebIdentityToken"] if call.target.tags else [],
        takes_actor=True,
        takes_request=True,
        parameters=parameters_of(outbound.token_request),
    ),
    Operation(
        "GetScopedCredentials",
        _get_scoped_credentials,
        service="sts",
        action=None,
        no_permission="it only narrows the caller's own session (AWS defines no sts:GetScopedCredentials action)",
        takes_actor=True,
        account_scoped=False,
    ),
    Operation(
        "AssumeRoot",
        _assume_root,
        service="sts",
        target=_root_request,
        takes_target=True,
        resource=_root_resource,
        context=lambda call: {"sts:TaskPolicyArn": call.target.task_policy_arn},
        account_scoped=False,
        parameters=parameters_of(domain.assume_root_input),
    ),
    Operation("GetDelegatedAccessToken", services.get_delegated_access_token, service="sts", account_scoped=False),
    # iamconsole's own: the outbound federation issuer's public documents, served unsigned to relying parties.
    Operation(
        "GetOutboundIssuerDocuments",
        outbound.get_outbound_issuer_documents,
        service="sts",
        action=None,
        no_permission="an issuer's discovery document and public keys are public, as AWS publishes them",
        read_only=True,
        account_scoped=False,
    ),
    # iamconsole's own: who holds credentials for a role or an account, and revoking them.
    on_role("ListRoleSessions", selectors.list_role_sessions, action="iam:GetRole", read_only=True),
    Operation("ListAccountSessions", selectors.list_account_sessions, action="iam:ListRoles", read_only=True),
    on_role("RevokeRoleSession", services.revoke_role_session, action="iam:PutRolePolicy"),
    on_role("RevokeOlderRoleSessions", services.revoke_older_role_sessions, action="iam:PutRolePolicy"),
    Operation(
        "PurgeExpiredSessions",
        services.purge_expired_sessions,
        audit_details=lambda deleted: {"deleted": deleted},
        action=None,
        account_scoped=False,
        system_only=True,
    ),
)
