"""Writes on managed policies: customer managed policies, their versions and tags, and the AWS managed catalogue.

Each function mirrors one IAM action and applies its rules inside one transaction. Documents are checked by the
policy engine's grammar only, as IAM's own API does: the validator's findings are advice for editors, never a reason
to refuse a document AWS accepts. AWS managed policies are read-only: no function here changes one.
Anything that needs attachments (DeletePolicy's conflict check, usage counts) lives in
``identities.services.policy_usage``, which stands above this app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, ids, quotas
from iamconsole.arn import iam_arn, is_aws_managed_policy_arn
from iamconsole.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    constraint_error,
)
from iamconsole.etags import check_if_match
from policies import aws_managed
from policies.engine import MANAGED_POLICY_MAX_SIZE, PolicyError, PolicyKind, PolicySizeError, parse_policy
from policies.models import ManagedPolicy, PolicyVersion

#: A managed policy holds at most five versions (IAM User Guide, "Versioning IAM policies").
MAX_POLICY_VERSIONS = 5
DESCRIPTION_MAX = 1000
POLICY_PATH_PATTERN = r"((/[A-Za-z0-9\.,\+@=_-]+)*)/"
_POLICY_PATH_RE = re.compile(POLICY_PATH_PATTERN)
VERSION_ID_PATTERN = r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"
_VERSION_ID_RE = re.compile(VERSION_ID_PATTERN)
#: The quota name AWS's LimitExceeded gives for a policy's tags.
TAGS_QUOTA_NAME = "TagsPerPolicy"

Tag = Mapping[str, Any]


# --- the AWS managed catalogue ------------------------------------------------------------------------------------


@transaction.atomic
def sync_aws_managed_policies() -> int:
    """Put the AWS managed policy catalogue (``policies.aws_managed``) in the database; return how many were added.

    Idempotent and safe to run concurrently: missing ARNs are bulk-inserted with ``ignore_conflicts``, so two
    concurrent runs add each policy once. A policy whose default version changed in the catalogue gets the new
    version as its default, as AWS updates its managed policies in place.
    """
    catalogue = aws_managed.all_policies()
    known = dict(ManagedPolicy.objects.filter(account__isnull=True).values_list("arn", "default_version_id"))
    missing = [entry for entry in catalogue if entry.arn not in known]
    ManagedPolicy.objects.bulk_create(
        [
            ManagedPolicy(
                account=None,
                policy_id=entry.policy_id,
                name=entry.policy_name,
                path=entry.path,
                arn=entry.arn,
                description=entry.description or "",
                default_version_id=entry.default_version_id,
                is_attachable=entry.is_attachable,
                created_at=entry.create_date,
                updated_at=entry.update_date,
            )
            for entry in missing
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    changed = [entry for entry in catalogue if entry.arn in known and known[entry.arn] != entry.default_version_id]
    wanted = {entry.arn for entry in missing} | {entry.arn for entry in changed}
    if not wanted:
        return 0
    pks = {
        arn: pk
        for arn, pk in ManagedPolicy.objects.filter(account__isnull=True).values_list("arn", "pk")
        if arn in wanted
    }
    if changed:
        # The catalogue moved on: the old default steps down before the new one is inserted (one default each).
        PolicyVersion.objects.filter(policy_id__in=[pks[entry.arn] for entry in changed], is_default=True).update(
            is_default=False
        )
        for entry in changed:
            ManagedPolicy.objects.filter(pk=pks[entry.arn]).update(
                default_version_id=entry.default_version_id,
                description=entry.description or "",
                updated_at=entry.update_date,
            )
    PolicyVersion.objects.bulk_create(
        [
            PolicyVersion(
                policy_id=pks[entry.arn],
                version_id=entry.default_version_id,
                document=entry.document_json,
                is_default=True,
                created_at=entry.update_date,
            )
            for entry in (*missing, *changed)
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(missing)


# --- value rules ----------------------------------------------------------------------------------------------------


def validate_policy_path(path: Any, *, field: str = "path") -> str:
    """A policy path: ``/`` or ``/segment/…/`` of ``A-Za-z0-9.,+@=_-``, 1–512 characters (the API model's rule)."""
    if not isinstance(path, str) or not path:
        raise constraint_error("Path", path or None, "Member must have length greater than or equal to 1", field=field)
    if len(path) > domain.PATH_MAX:
        raise constraint_error(
            "Path", path, f"Member must have length less than or equal to {domain.PATH_MAX}", field=field
        )
    if not _POLICY_PATH_RE.fullmatch(path):
        raise constraint_error(
            "Path", path, f"Member must satisfy regular expression pattern: {POLICY_PATH_PATTERN}", field=field
        )
    return path


def validate_version_id(version_id: Any) -> str:
    """A version id as the API model allows it (``v1``, ``v2``…)."""
    if not isinstance(version_id, str) or not _VERSION_ID_RE.fullmatch(version_id):
        raise constraint_error(
            "VersionId",
            version_id,
            f"Member must satisfy regular expression pattern: {VERSION_ID_PATTERN}",
            field="version_id",
        )
    return version_id


def check_policy_document(document: Any) -> str:
    """Check a managed policy document as IAM's API does: the identity-policy grammar and the 6,144 size quota.

    ``MalformedPolicyDocument`` with the engine's message (AWS's wording) for a grammar error, ``LimitExceeded``
    "Cannot exceed quota for PolicySize: 6144" when the document has more than 6,144 characters besides whitespace.
    Returns the text unchanged: IAM stores the document exactly as given.
    """
    if not isinstance(document, str) or not document:
        raise constraint_error(
            "PolicyDocument", None, "Member must have length greater than or equal to 1", field="policy_document"
        )
    try:
        parse_policy(document, PolicyKind.IDENTITY, max_size=MANAGED_POLICY_MAX_SIZE)
    except PolicySizeError as exc:
        raise LimitExceeded(exc.message, field="policy_document") from None
    except PolicyError as exc:
        raise MalformedPolicyDocument(exc.message, field="policy_document") from None
    return document


# --- customer managed policies --------------------------------------------------------------------------------------


def _already_exists(policy_name: str) -> EntityAlreadyExists:
    return EntityAlreadyExists(
        f"A policy called {policy_name} already exists. Duplicate names are not allowed.", field="policy_name"
    )


@transaction.atomic
def create_policy(
    *,
    account: Account,
    policy_name: str,
    policy_document: str,
    path: str = "/",
    description: str = "",
    tags: Sequence[Tag] = (),
) -> ManagedPolicy:
    """Create a customer managed policy with its document as version ``v1``, the default (CreatePolicy).

    Names are unique in the account ignoring case (``EntityAlreadyExists``, also between two concurrent creates);
    at most ``IAM_QUOTA_POLICIES`` (1,500) policies per account; the id starts with ``ANPA``.
    """
    domain.validate_name(policy_name, member="PolicyName", field="policy_name", max_length=domain.POLICY_NAME_MAX)
    validate_policy_path(path)
    if description and len(description) > DESCRIPTION_MAX:
        raise constraint_error(
            "Description",
            description,
            f"Member must have length less than or equal to {DESCRIPTION_MAX}",
            field="description",
        )
    tag_map = domain.validate_tags(list(tags))
    check_policy_document(policy_document)
    # Lock the account row so that concurrent creates count each other's policies against the quota.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if ManagedPolicy.objects.filter(account=account, name__iexact=policy_name).exists():
        raise _already_exists(policy_name)
    quotas.check("policies", ManagedPolicy.objects.filter(account=account).count())
    now = timezone.now()
    try:
        with transaction.atomic():
            policy = ManagedPolicy.objects.create(
                account=account,
                policy_id=ids.unique_id(ids.IdPrefix.POLICY),
                name=policy_name,
                path=path,
                arn=iam_arn(account.account_id, "policy", policy_name, path),
                description=description or "",
                default_version_id="v1",
                next_version_number=2,
                tags=tag_map,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as exc:  # a concurrent create took the name (the unique constraint ignores case)
        raise _already_exists(policy_name) from exc
    PolicyVersion.objects.create(
        policy=policy, version_id="v1", document=policy_document, is_default=True, created_at=now
    )
    return policy


def refuse_aws_managed(policy_arn: str) -> None:
    """AWS managed policies are never changed by callers: writes to ``arn:aws:iam::aws:policy/…`` are denied."""
    if is_aws_managed_policy_arn(policy_arn):
        raise AccessDenied(
            f"Policy {policy_arn} is an AWS managed policy: it cannot be modified or deleted.", field="policy_arn"
        )


def lock_policy(*, account: Account, policy_arn: str) -> ManagedPolicy:
    """The account's customer managed policy with that ARN, locked for update until the transaction ends.

    Writes lock the policy row first, so concurrent version changes of one policy run one after the other.
    """
    refuse_aws_managed(policy_arn)
    policy = ManagedPolicy.objects.select_for_update().filter(account=account, arn=policy_arn).first()
    if policy is None:
        raise NoSuchEntity(f"Policy {policy_arn} does not exist or is not attachable.", field="policy_arn")
    return policy


@transaction.atomic
def delete_detached_policy(*, account: Account, policy_arn: str) -> None:
    """Delete a customer managed policy nothing uses any more, and its default version (DeletePolicy's last step).

    ``DeleteConflict`` while it holds versions other than the default, or while anything still refers to it (the
    database refuses; ``identities.services.delete_policy`` checks attachments and boundaries first, with AWS's
    message, and is what the DeletePolicy operation calls).
    """
    policy = lock_policy(account=account, policy_arn=policy_arn)
    if PolicyVersion.objects.filter(policy=policy).count() > 1:
        raise DeleteConflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's "
            "versions. The default version is deleted with the policy.",
            field="policy_arn",
        )
    try:
        with transaction.atomic():
            policy.delete()
    except ProtectedError as exc:
        raise DeleteConflict("Cannot delete a policy attached to entities.", field="policy_arn") from exc


# --- versions -------------------------------------------------------------------------------------------------------


def _version_not_found(policy_arn: str, version_id: str) -> NoSuchEntity:
    return NoSuchEntity(
        f"Policy {policy_arn} version {version_id} does not exist or is not attachable.", field="version_id"
    )


def _make_default(policy: ManagedPolicy, version: PolicyVersion) -> None:
    # One default per policy (a partial unique constraint): the old default steps down first.
    PolicyVersion.objects.filter(policy=policy, is_default=True).exclude(pk=version.pk).update(is_default=False)
    if not version.is_default:
        version.is_default = True
        version.save(update_fields=["is_default"])
    policy.default_version_id = version.version_id


@transaction.atomic
def create_policy_version(
    *,
    account: Account,
    policy_arn: str,
    policy_document: str,
    set_as_default: bool = False,
    if_match: str | None = None,
) -> PolicyVersion:
    """Add a version to a customer managed policy, as its default when ``set_as_default`` (CreatePolicyVersion).

    At most five versions (``LimitExceeded``, also between concurrent requests: the policy row is locked first);
    version ids count up from the policy's highest ever and are never given twice, even after a deletion.
    ``if_match`` (the REST face's If-Match) must name the default version's document (``PreconditionFailed``).
    """
    check_policy_document(policy_document)
    policy = lock_policy(account=account, policy_arn=policy_arn)
    _check_default_document(policy, if_match)
    if PolicyVersion.objects.filter(policy=policy).count() >= MAX_POLICY_VERSIONS:
        raise LimitExceeded(
            f"A managed policy can have up to {MAX_POLICY_VERSIONS} versions. Before you create a new version, "
            "you must delete an existing version.",
            field="policy_arn",
        )
    now = timezone.now()
    version = PolicyVersion.objects.create(
        policy=policy,
        version_id=f"v{policy.next_version_number}",
        document=policy_document,
        is_default=False,
        created_at=now,
    )
    if set_as_default:
        _make_default(policy, version)
    policy.next_version_number += 1
    policy.updated_at = now
    policy.save(update_fields=["next_version_number", "updated_at", "default_version_id"])
    version.policy = policy
    return version


def _check_default_document(policy: ManagedPolicy, if_match: str | None) -> None:
    """The If-Match precondition on the default version's document, read under the policy's row lock (which every
    write of its versions takes first, so it cannot change before commit)."""
    if if_match is not None:
        default = PolicyVersion.objects.filter(policy=policy, is_default=True).values_list("document", flat=True)
        check_if_match(if_match, default.first())


def _locked_version(account: Account, policy_arn: str, version_id: str) -> tuple[ManagedPolicy, PolicyVersion]:
    """The customer managed policy, locked, and its version ``version_id``; ``NoSuchEntity`` for either."""
    validate_version_id(version_id)
    policy = lock_policy(account=account, policy_arn=policy_arn)
    version = PolicyVersion.objects.filter(policy=policy, version_id=version_id).first()
    if version is None:
        raise _version_not_found(policy_arn, version_id)
    return policy, version


@transaction.atomic
def set_default_policy_version(
    *, account: Account, policy_arn: str, version_id: str, if_match: str | None = None
) -> None:
    """Make one version the policy's default, the one IAM evaluates (SetDefaultPolicyVersion); ``if_match`` (the
    REST face's If-Match) must name the document of the default it replaces (``PreconditionFailed``)."""
    policy, version = _locked_version(account, policy_arn, version_id)
    _check_default_document(policy, if_match)
    _make_default(policy, version)
    policy.save(update_fields=["default_version_id"])


@transaction.atomic
def delete_policy_version(*, account: Account, policy_arn: str, version_id: str) -> None:
    """Delete a version other than the default (DeletePolicyVersion; the default goes with DeletePolicy only)."""
    _policy, version = _locked_version(account, policy_arn, version_id)
    if version.is_default:
        raise DeleteConflict("Cannot delete the default version of a policy.", field="version_id")
    version.delete()


# --- tags -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def tag_policy(*, account: Account, policy_arn: str, tags: Sequence[Tag]) -> None:
    """Add or replace tags on a customer managed policy (TagPolicy); keys compare ignoring case; at most 50."""
    new = domain.validate_tags(list(tags))
    policy = lock_policy(account=account, policy_arn=policy_arn)
    policy.tags = domain.merge_tags(policy.tags, new, quota_name=TAGS_QUOTA_NAME)
    policy.save(update_fields=["tags"])


@transaction.atomic
def untag_policy(*, account: Account, policy_arn: str, tag_keys: Sequence[str]) -> None:
    """Remove tags from a customer managed policy by key (UntagPolicy); unknown keys are ignored, as in AWS."""
    keys = domain.validate_tag_keys(list(tag_keys))
    policy = lock_policy(account=account, policy_arn=policy_arn)
    policy.tags = domain.remove_tags(policy.tags, keys)
    policy.save(update_fields=["tags"])
