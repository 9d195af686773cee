"""Value rules of the STS actions: the checks AWS applies to a request before looking at any role or policy.

Mirrors botocore's STS model constraints and the AssumeRole and GetSessionToken API references: ``RoleSessionName``
and ``SourceIdentity`` 2–64 characters of ``[\\w+=,.@-]``; ``ExternalId`` 2–1,224 characters of ``[\\w+=,.@:/-]``;
``DurationSeconds`` 900–43,200 (AssumeRole) or 900–129,600 (GetSessionToken); ``SerialNumber`` 9–256 characters and
``TokenCode`` six digits; at most 10 session policy ARNs; a plain-text session policy of at most 2,048 characters; at
most 50 session tags, and ``TransitiveTagKeys`` naming only keys passed in ``Tags``. GetFederationToken's ``Name``
is 2–32 characters of ``[\\w+=,.@-]`` and its ``DurationSeconds`` 900–129,600.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iamconsole import domain as value_rules
from iamconsole.arn import aws_managed_policy_arn, parse_arn
from iamconsole.errors import InvalidInput, MalformedPolicyDocument, ValidationError, constraint_error
from policies.engine import PolicyError, PolicyKind, parse_policy

NAME_PATTERN = r"[\w+=,.@-]*"
_NAME_RE = re.compile(r"[\w+=,.@-]*", re.ASCII)
EXTERNAL_ID_PATTERN = r"[\w+=,.@:\/-]*"
_EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]*", re.ASCII)
SERIAL_NUMBER_PATTERN = r"[\w+=/:,.@-]*"
_SERIAL_NUMBER_RE = re.compile(r"[\w+=/:,.@-]*", re.ASCII)

MIN_DURATION = 900
ASSUME_ROLE_MAX_DURATION = 43_200
DEFAULT_ROLE_DURATION = 3_600
#: A session obtained with role session credentials lasts at most one hour (role chaining).
CHAINED_MAX_DURATION = 3_600
SESSION_TOKEN_DEFAULT_DURATION = 43_200
SESSION_TOKEN_MAX_DURATION = 129_600
#: GetSessionToken for the root user: a longer request is cut to one hour, as AWS does.
ROOT_SESSION_TOKEN_MAX_DURATION = 3_600
FEDERATION_DEFAULT_DURATION = 43_200
FEDERATION_MAX_DURATION = 129_600
#: GetFederationToken for the root user: a longer request (and the default) is cut to one hour, as AWS does.
ROOT_FEDERATION_MAX_DURATION = 3_600
MAX_POLICY_ARNS = 10
SESSION_POLICY_MAX_LENGTH = 2_048


def validate_length(value: Any, *, member: str, field: str, low: int, high: int) -> str:
    """A string member of ``low``–``high`` characters, in botocore's wording when it is not."""
    if not isinstance(value, str):
        raise constraint_error(member, None, "Member must not be null", field=field)
    if len(value) < low:
        raise constraint_error(member, value, f"Member must have length greater than or equal to {low}", field=field)
    if len(value) > high:
        raise constraint_error(member, value, f"Member must have length less than or equal to {high}", field=field)
    return value


def validate_credential_text(value: Any, *, member: str, field: str, low: int, high: int) -> str:
    """A credential a caller presents (a web identity token, a SAML assertion) of ``low``–``high`` characters. Like
    :func:`validate_length` but never echoing the text: AWS names a short one ``null`` and a long one ``…``."""
    if not isinstance(value, str) or len(value) < low:
        raise constraint_error(member, None, f"Member must have length greater than or equal to {low}", field=field)
    if len(value) > high:
        raise constraint_error(member, "…", f"Member must have length less than or equal to {high}", field=field)
    return value


def _bounded(value: Any, *, member: str, field: str, low: int, high: int, pattern: str, regex: re.Pattern[str]) -> str:
    text = validate_length(value, member=member, field=field, low=low, high=high)
    if not regex.fullmatch(text):
        raise constraint_error(member, text, f"Member must satisfy regular expression pattern: {pattern}", field=field)
    return text


def validate_session_name(value: Any, *, member: str = "RoleSessionName", field: str = "role_session_name") -> str:
    """``RoleSessionName``: 2–64 characters of ``[\\w+=,.@-]``."""
    return _bounded(value, member=member, field=field, low=2, high=64, pattern=NAME_PATTERN, regex=_NAME_RE)


def validate_federated_user_name(value: Any) -> str:
    """GetFederationToken's ``Name``: 2–32 characters of ``[\\w+=,.@-]``."""
    return _bounded(value, member="Name", field="name", low=2, high=32, pattern=NAME_PATTERN, regex=_NAME_RE)


def validate_source_identity(value: Any) -> str:
    """``SourceIdentity``: 2–64 characters of ``[\\w+=,.@-]``."""
    return _bounded(
        value, member="SourceIdentity", field="source_identity", low=2, high=64, pattern=NAME_PATTERN, regex=_NAME_RE
    )


def validate_external_id(value: Any) -> str:
    """``ExternalId``: 2–1,224 characters of ``[\\w+=,.@:/-]``."""
    return _bounded(
        value,
        member="ExternalId",
        field="external_id",
        low=2,
        high=1224,
        pattern=EXTERNAL_ID_PATTERN,
        regex=_EXTERNAL_ID_RE,
    )


def validate_mfa(serial_number: Any, token_code: Any) -> tuple[str, str] | None:
    """``SerialNumber`` (9–256 characters) and ``TokenCode`` (six digits), given together or not at all."""
    if serial_number is None and token_code is None:
        return None
    serial = _bounded(
        serial_number,
        member="SerialNumber",
        field="serial_number",
        low=9,
        high=256,
        pattern=SERIAL_NUMBER_PATTERN,
        regex=_SERIAL_NUMBER_RE,
    )
    if not isinstance(token_code, str) or not re.fullmatch(r"[0-9]{6}", token_code):
        shown = token_code if isinstance(token_code, str) else None
        raise constraint_error(
            "TokenCode", shown, "Member must have length greater than or equal to 6", field="token_code"
        )
    return serial, token_code


def validate_duration(value: Any, *, high: int, low: int = MIN_DURATION, field: str = "duration_seconds") -> int | None:
    """``DurationSeconds`` within the action's model bounds; None when left out."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("DurationSeconds must be an integer.", field=field)
    if value < low:
        raise constraint_error(
            "DurationSeconds", value, f"Member must have value greater than or equal to {low}", field=field
        )
    if value > high:
        raise constraint_error(
            "DurationSeconds", value, f"Member must have value less than or equal to {high}", field=field
        )
    return value


def validate_session_policy(document: Any) -> str | None:
    """An inline session policy: at most 2,048 characters, parsed as a session policy (``MalformedPolicyDocument``)."""
    if document is None:
        return None
    if not isinstance(document, str) or not document:
        raise constraint_error("Policy", None, "Member must have length greater than or equal to 1", field="policy")
    if len(document) > SESSION_POLICY_MAX_LENGTH:
        raise constraint_error(
            "Policy",
            document,
            f"Member must have length less than or equal to {SESSION_POLICY_MAX_LENGTH}",
            field="policy",
        )
    try:
        parse_policy(document, PolicyKind.SESSION)
    except PolicyError as exc:
        raise MalformedPolicyDocument(exc.message, field="policy") from None
    return document


def validate_policy_arns(value: Any) -> tuple[str, ...]:
    """``PolicyArns`` (``[{"arn": …}]``): at most 10 managed policy ARNs."""
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ValidationError("PolicyArns must be a list of {arn} structures.", field="policy_arns")
    if len(value) > MAX_POLICY_ARNS:
        raise constraint_error(
            "PolicyArns", "[…]", f"Member must have length less than or equal to {MAX_POLICY_ARNS}", field="policy_arns"
        )
    arns: list[str] = []
    for item in value:
        arn = item.get("arn") if isinstance(item, Mapping) else None
        parsed = parse_arn(arn) if isinstance(arn, str) else None
        if parsed is None or parsed.service != "iam" or parsed.resource_type != "policy":
            raise InvalidInput(f"ARN {arn} is not valid.", field="policy_arns")
        arns.append(str(arn))
    return tuple(dict.fromkeys(arns))


def validate_transitive_tag_keys(keys: Any, tags: Mapping[str, str]) -> tuple[str, ...]:
    """``TransitiveTagKeys``: at most 50 keys, each one of the request's session tags (keys compare ignoring case)."""
    if keys is None:
        return ()
    checked = value_rules.validate_tag_keys(keys, field="transitive_tag_keys")
    by_lower = {key.lower(): key for key in tags}
    result: list[str] = []
    for key in checked:
        if key.lower() not in by_lower:
            raise InvalidInput(
                f"The TransitiveTagKeys {key} must be a subset of the session tags.", field="transitive_tag_keys"
            )
        result.append(by_lower[key.lower()])
    return tuple(dict.fromkeys(result))


@dataclass(frozen=True, slots=True)
class AssumeRoleInput:
    """An AssumeRole request whose parameters passed AWS's value rules."""

    role_arn: str
    role_session_name: str
    duration_seconds: int | None = None
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    external_id: str | None = None
    mfa: tuple[str, str] | None = None
    source_identity: str | None = None


def assume_role_input(
    *,
    role_arn: Any,
    role_session_name: Any,
    duration_seconds: Any = None,
    policy: Any = None,
    policy_arns: Any = None,
    tags: Any = None,
    transitive_tag_keys: Any = None,
    external_id: Any = None,
    serial_number: Any = None,
    token_code: Any = None,
    source_identity: Any = None,
) -> AssumeRoleInput:
    """Check every AssumeRole parameter that needs no database (``ValidationError``, ``MalformedPolicyDocument``)."""
    if not isinstance(role_arn, str) or len(role_arn) < 20:
        raise constraint_error(
            "RoleArn",
            role_arn if isinstance(role_arn, str) else None,
            "Member must have length greater than or equal to 20",
            field="role_arn",
        )
    session_tags = value_rules.validate_tags(tags)
    return AssumeRoleInput(
        role_arn=role_arn,
        role_session_name=validate_session_name(role_session_name),
        duration_seconds=validate_duration(duration_seconds, high=ASSUME_ROLE_MAX_DURATION),
        policy=validate_session_policy(policy),
        policy_arns=validate_policy_arns(policy_arns),
        tags=session_tags,
        transitive_tag_keys=validate_transitive_tag_keys(transitive_tag_keys, session_tags),
        external_id=validate_external_id(external_id) if external_id is not None else None,
        mfa=validate_mfa(serial_number, token_code),
        source_identity=validate_source_identity(source_identity) if source_identity is not None else None,
    )


@dataclass(frozen=True, slots=True)
class FederationTokenInput:
    """A GetFederationToken request whose parameters passed AWS's value rules."""

    name: str
    duration_seconds: int | None = None
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


def federation_token_input(
    *, name: Any, duration_seconds: Any = None, policy: Any = None, policy_arns: Any = None, tags: Any = None
) -> FederationTokenInput:
    """Check every GetFederationToken parameter that needs no database (``ValidationError``,
    ``MalformedPolicyDocument``)."""
    return FederationTokenInput(
        name=validate_federated_user_name(name),
        duration_seconds=validate_duration(duration_seconds, high=FEDERATION_MAX_DURATION),
        policy=validate_session_policy(policy),
        policy_arns=validate_policy_arns(policy_arns),
        tags=value_rules.validate_tags(tags),
    )


# --- AssumeRoot ----------------------------------------------------------------------------------------------------

#: The AWS managed policies AssumeRoot accepts as ``TaskPolicyArn`` (its documentation lists them).
ROOT_TASK_POLICIES = frozenset(
    aws_managed_policy_arn(name, "/root-task/")
    for name in (
        "IAMAuditRootUserCredentials",
        "IAMCreateRootUserPassword",
        "IAMDeleteRootUserCredentials",
        "S3UnlockBucketPolicy",
        "SQSUnlockQueuePolicy",
    )
)
ROOT_MAX_DURATION = 900
_ACCOUNT_ID_RE = re.compile(r"\d{12}", re.ASCII)


@dataclass(frozen=True, slots=True)
class AssumeRootInput:
    """AssumeRoot's parameters, checked: the member account, the task policy and the duration."""

    target_account: str
    task_policy_arn: str
    duration_seconds: int


def assume_root_input(
    *, target_principal: Any, task_policy_arn: Any, duration_seconds: Any = None, minimum_session_token_size: Any = None
) -> AssumeRootInput:
    """Check AssumeRoot's parameters: an account id (or an ARN in it), a root task policy, 0–900 seconds."""
    validate_length(target_principal, member="TargetPrincipal", field="target_principal", low=12, high=2048)
    parsed = parse_arn(target_principal)
    account = parsed.account if parsed is not None else target_principal
    if not _ACCOUNT_ID_RE.fullmatch(account):
        raise ValidationError(
            f"TargetPrincipal {target_principal} is not an account id or a principal ARN of a member account.",
            field="target_principal",
        )
    arn = task_policy_arn.get("arn") if isinstance(task_policy_arn, Mapping) else None
    if arn not in ROOT_TASK_POLICIES:
        raise ValidationError(
            f"TaskPolicyArn {arn} is not one of the root task policies: "
            + ", ".join(sorted(name.rsplit("/", 1)[1] for name in ROOT_TASK_POLICIES))
            + ".",
            field="task_policy_arn",
        )
    duration = validate_duration(duration_seconds, low=0, high=ROOT_MAX_DURATION)
    return AssumeRootInput(
        target_account=account,
        task_policy_arn=str(arn),
        duration_seconds=ROOT_MAX_DURATION if duration is None else duration,
    )
