"""Reads on managed policies and their versions, each scoped to one account (``NoSuchEntity`` outside it).

A caller sees its own account's customer managed policies and every AWS managed policy (rows with no account, ARN
account ``aws``). Reads never write: the AWS catalogue is put in the database by ``make migrate`` (``manage.py
syncawspolicies``), not by the first read that names an AWS policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from accounts.models import Account
from iamconsole.arn import is_aws_managed_policy_arn, parse_arn
from iamconsole.errors import InvalidInput, NoSuchEntity, ValidationError, constraint_error
from iamconsole.pagination import Page, check_max_items, decode_marker, encode_marker, paginate
from policies.models import ManagedPolicy, PolicyVersion


class PolicyScope(StrEnum):
    """ListPolicies' ``Scope``: every visible policy, AWS managed ones only, or the account's own."""

    ALL = "All"
    AWS = "AWS"
    LOCAL = "Local"


#: The sort key of policy lists: the name ignoring case, then the ARN (a space cannot occur in a name), unique.
LIST_KEY = "list_key"


def _check_arn(policy_arn: object) -> None:
    arn = parse_arn(policy_arn) if isinstance(policy_arn, str) else None
    if arn is None or arn.service != "iam" or arn.resource_type != "policy" or "/" not in arn.resource:
        raise InvalidInput(f"ARN {policy_arn} is not valid.", field="policy_arn")


def not_found(policy_arn: str) -> NoSuchEntity:
    """AWS's answer for a policy ARN the caller cannot see."""
    return NoSuchEntity(f"Policy {policy_arn} does not exist or is not attachable.", field="policy_arn")


def visible_policies(*, account: Account) -> QuerySet[ManagedPolicy]:
    """The account's customer managed policies and the AWS managed ones, unevaluated."""
    return ManagedPolicy.objects.filter(Q(account=account) | Q(account__isnull=True))


def get_policy_by_arn(*, account: Account, policy_arn: str) -> ManagedPolicy:
    """The customer managed policy of ``account`` or the AWS managed policy with that ARN.

    Mirrors how IAM resolves ``PolicyArn`` (GetPolicy, AttachUserPolicy, PutRolePermissionsBoundary…): another
    account's policy is invisible, and anything unknown is ``NoSuchEntity`` "Policy ARN does not exist or is not
    attachable."; a string that is not a policy ARN is ``InvalidInput``.
    """
    _check_arn(policy_arn)
    if is_aws_managed_policy_arn(policy_arn):
        policy = ManagedPolicy.objects.filter(account__isnull=True, arn=policy_arn).first()
    else:
        policy = ManagedPolicy.objects.filter(account=account, arn=policy_arn).first()
    if policy is None:
        raise not_found(policy_arn)
    return policy


def find_policy_by_id(*, account: Account, policy_id: str) -> ManagedPolicy | None:
    """The customer managed policy of ``account`` or the AWS managed policy with that id, or None.

    IAM has no action that takes a policy id; the console's policy pages are addressed by it (their URL map).
    """
    return visible_policies(account=account).filter(policy_id=policy_id).first()


def default_documents(policy_ids: Iterable[int]) -> dict[int, str]:
    """The default version's document of each policy, keyed by the policy's primary key, in one query.

    For the authorizer, which evaluates the documents that are in effect: the default versions, as IAM does.
    """
    ids = list(policy_ids)
    if not ids:
        return {}
    rows = PolicyVersion.objects.filter(policy_id__in=ids, is_default=True).values_list("policy_id", "document")
    return dict(rows)


def policies_in_scope(
    *, account: Account, scope: str = PolicyScope.ALL, path_prefix: str = "/"
) -> QuerySet[ManagedPolicy]:
    """The policies ListPolicies starts from: by ``Scope`` and ``PathPrefix``, annotated with the list sort key."""
    if scope not in PolicyScope.__members__.values():
        raise constraint_error("Scope", scope, "Member must satisfy enum value set: [All, AWS, Local]", field="scope")
    if scope == PolicyScope.LOCAL:
        policies = ManagedPolicy.objects.filter(account=account)
    else:
        policies = (
            ManagedPolicy.objects.filter(account__isnull=True)
            if scope == PolicyScope.AWS
            else visible_policies(account=account)
        )
    if path_prefix and path_prefix != "/":
        policies = policies.filter(path__startswith=path_prefix)
    return policies.annotate(**{LIST_KEY: Concat(Lower("name"), Value(" "), "arn")})


def get_policy_version(*, account: Account, policy_arn: str, version_id: str) -> PolicyVersion:
    """One version of a policy with its document (GetPolicyVersion); ``NoSuchEntity`` for an unknown version."""
    policy = get_policy_by_arn(account=account, policy_arn=policy_arn)
    version = PolicyVersion.objects.filter(policy=policy, version_id=version_id).first()
    if version is None:
        raise NoSuchEntity(
            f"Policy {policy_arn} version {version_id} does not exist or is not attachable.", field="version_id"
        )
    version.policy = policy
    return version


def list_policy_versions(
    *, account: Account, policy_arn: str, marker: str | None = None, max_items: int | None = None
) -> Page[PolicyVersion]:
    """The versions of a policy, newest first as IAM lists them (ListPolicyVersions)."""
    policy = get_policy_by_arn(account=account, policy_arn=policy_arn)
    versions = PolicyVersion.objects.filter(policy=policy)
    page = paginate(versions, key="pk", marker=marker, max_items=max_items, descending=True)
    for version in page.items:
        version.policy = policy
    return page


@dataclass(frozen=True, slots=True)
class TagPage:
    """One page of ListPolicyTags: ``(key, value)`` pairs in the order they were set."""

    tags: list[tuple[str, str]]
    is_truncated: bool = False
    marker: str | None = None


def list_policy_tags(
    *, account: Account, policy_arn: str, marker: str | None = None, max_items: int | None = None
) -> TagPage:
    """The tags of a customer managed policy, in the order they were set (ListPolicyTags).

    Tags live on the policy row (at most 50), so a page is a slice of them and the marker the index of the next one.
    """
    policy = get_policy_by_arn(account=account, policy_arn=policy_arn)
    tags = list(policy.tags.items())
    start = _tag_marker(marker, len(tags))
    limit = check_max_items(max_items)
    if start + limit < len(tags):
        return TagPage(tags[start : start + limit], is_truncated=True, marker=encode_marker(start + limit))
    return TagPage(tags[start:])


def _tag_marker(marker: str | None, count: int) -> int:
    if not marker:
        return 0
    value = decode_marker(marker)
    if not isinstance(value, int) or not 0 <= value <= count:
        raise ValidationError("Invalid Marker.", field="marker")
    return value
