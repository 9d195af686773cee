"""The request context: normalisation and the global keys the server fills in for real requests.

Mirrors "AWS global condition context keys" in the IAM User Guide: key names are
case-insensitive, values are strings or lists of strings (booleans are `true`/`false`, numbers
their decimal text), and the keys `aws:CurrentTime`, `aws:EpochTime`, `aws:SourceIp`,
`aws:SecureTransport`, `aws:UserAgent`, `aws:PrincipalArn`, `aws:PrincipalAccount`,
`aws:PrincipalType`, `aws:userid`, `aws:username`, `aws:PrincipalTag/*`, `aws:RequestTag/*`,
`aws:TagKeys`, `aws:ResourceTag/*`, `aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`,
`aws:TokenIssueTime`, `aws:RequestedRegion` (plus service keys such as `sts:ExternalId`,
`sts:RoleSessionName`, `sts:SourceIdentity`, `iam:PassedToService`, `iam:PolicyARN`,
`iam:PermissionsBoundary`, passed through `extra`) are present only when they apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .principals import Principal

ContextValue = str | bool | int | Sequence[str | bool | int]


class ConditionContext(dict[str, "str | tuple[str, ...]"]):
    """A normalised context (lower-cased keys; str or tuple of str values); build it once, reuse it."""


def _text(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def normalize_context(context: Mapping[str, ContextValue]) -> ConditionContext:
    """Lower-case the keys and turn every value into a string or a tuple of strings."""
    if type(context) is ConditionContext:
        return context
    out = ConditionContext()
    for key, value in context.items():
        # Checked by exact type first: this runs on every request.
        kind = type(value)
        if kind is str:
            out[key.lower()] = value  # type: ignore[assignment]  # narrowed by the exact type check
        elif kind is bool or kind is int or isinstance(value, str | bool | int):
            out[key.lower()] = _text(value)  # type: ignore[arg-type]  # a scalar here
        else:
            out[key.lower()] = tuple(_text(v) for v in value)
    return out


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What the server knows about one request, besides the principal."""

    time: datetime
    source_ip: str | None = None
    secure_transport: bool | None = None
    user_agent: str | None = None
    requested_region: str | None = None
    mfa_authenticated_at: datetime | None = None
    #: Temporary credentials (STS sessions, console sessions): ``aws:MultiFactorAuthPresent`` is then always present.
    temporary_credentials: bool = False
    token_issue_time: datetime | None = None
    user_id: str | None = None
    principal_tags: Mapping[str, str] | None = None
    request_tags: Mapping[str, str] | None = None
    resource_tags: Mapping[str, str] | None = None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_precise(moment: datetime) -> str:
    """ISO 8601 in UTC to the microsecond: a token issued a moment after a revocation must compare as later."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_context(
    principal: Principal, facts: RequestFacts, extra: Mapping[str, ContextValue] | None = None
) -> ConditionContext:
    """The global condition keys AWS sets for `principal` making a request described by `facts`.

    `aws:PrincipalArn` is the role's ARN for a role session (not the session ARN), `aws:username`
    exists only for IAM users, `aws:PrincipalType` is `Account`, `User`, `AssumedRole` or
    `FederatedUser`, `aws:MultiFactorAuthPresent` is present on every request made with temporary
    credentials (`false` without MFA) and absent for long-term access keys without MFA,
    `aws:MultiFactorAuthAge` is present only when MFA was used, and
    `aws:TagKeys` lists the request's tag keys.
    """
    ctx: dict[str, ContextValue] = {
        "aws:CurrentTime": _iso(facts.time),
        "aws:EpochTime": str(int(facts.time.timestamp())),
        "aws:PrincipalArn": principal.role_arn or principal.arn,
        "aws:PrincipalAccount": principal.account,
        "aws:PrincipalType": principal.principal_type,
    }
    if facts.user_id is not None:
        ctx["aws:userid"] = facts.user_id
    if principal.principal_type == "User":
        ctx["aws:username"] = principal.arn.rsplit("/", 1)[-1]
    if facts.source_ip is not None:
        ctx["aws:SourceIp"] = facts.source_ip
    if facts.secure_transport is not None:
        ctx["aws:SecureTransport"] = facts.secure_transport
    if facts.user_agent is not None:
        ctx["aws:UserAgent"] = facts.user_agent
    if facts.requested_region is not None:
        ctx["aws:RequestedRegion"] = facts.requested_region
    if (
        facts.temporary_credentials
        or principal.principal_type in ("AssumedRole", "FederatedUser")
        or facts.mfa_authenticated_at is not None
    ):
        ctx["aws:MultiFactorAuthPresent"] = facts.mfa_authenticated_at is not None
    if facts.mfa_authenticated_at is not None:
        ctx["aws:MultiFactorAuthAge"] = str(int((facts.time - facts.mfa_authenticated_at).total_seconds()))
    if facts.token_issue_time is not None:
        ctx["aws:TokenIssueTime"] = iso_precise(facts.token_issue_time)
    for prefix, tags in (
        ("aws:PrincipalTag/", facts.principal_tags),
        ("aws:RequestTag/", facts.request_tags),
        ("aws:ResourceTag/", facts.resource_tags),
    ):
        for key, value in (tags or {}).items():
            ctx[prefix + key] = value
    if facts.request_tags:
        ctx["aws:TagKeys"] = list(facts.request_tags)
    if extra:
        ctx.update(extra)
    return normalize_context(ctx)
