"""Writes on IAM roles: CreateRole, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy, DeleteRole, TagRole,
UntagRole, PutRolePermissionsBoundary, DeleteRolePermissionsBoundary.

Mirrors the IAM API Reference for each action. Role names are unique per account ignoring case (a functional unique
constraint holds it, so two concurrent creates give one role and one ``EntityAlreadyExists``); the roles quota is
counted under a lock on the account row. Service-linked roles belong to their service: every change here except the
description is refused with ``UnmodifiableEntity``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Account
from iamconsole import domain, ids, quotas
from iamconsole.arn import parse_arn
from iamconsole.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    IamError,
    LimitExceeded,
    MalformedPolicyDocument,
    UnmodifiableEntity,
    constraint_error,
)
from iamconsole.etags import check_if_match
from identities.models import OpenIDConnectProvider, Role, SAMLProvider, User
from identities.selectors.roles import no_such_role
from identities.selectors.targets import EntityFacts
from identities.services import tagging
from identities.services.inserts import insert_unique
from identities.services.named import lock_named
from identities.services.policy_arns import resolve_boundary
from policies.engine import PolicyError, PolicyKind, PolicySizeError, check_trust_policy_size, parse_policy

__all__ = [
    "check_trust_policy",
    "create_role",
    "delete_role",
    "delete_role_permissions_boundary",
    "lock_role",
    "policy_error",
    "put_role_permissions_boundary",
    "refuse_service_linked",
    "tag_role",
    "untag_role",
    "update_assume_role_policy",
    "update_role",
    "update_role_description",
]


MIN_SESSION_DURATION = 3600
MAX_SESSION_DURATION = 43200
FEDERATED_INVALID = "Federated principals must be valid domain names or SAML metadata ARNs"
#: An account id in a principal: exactly 12 ASCII digits (``arn:aws:iam::123:root`` names no account).
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def policy_error(exc: PolicyError, *, field: str) -> IamError:
    """The engine's error as AWS answers it: a size quota is ``LimitExceeded``, anything else malformed."""
    if isinstance(exc, PolicySizeError):
        return LimitExceeded(exc.message, field=field)
    return MalformedPolicyDocument(exc.message, field=field)


def lock_role(account: Account, role_name: str) -> Role:
    """The role, locked for the rest of the transaction (so counts and checks made on it hold until commit)."""
    return lock_named(Role, account, role_name, no_such_role)


def refuse_service_linked(role: Role) -> None:
    """``UnmodifiableEntity`` for a service-linked role: only its service may change it."""
    if role.linked_service:
        raise UnmodifiableEntity(
            f"Cannot perform the operation on the protected role '{role.name}' - this role is only modifiable by AWS",
            field="role_name",
        )


def _validate_max_session_duration(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise constraint_error("MaxSessionDuration", value, "Member must not be null", field="max_session_duration")
    if value < MIN_SESSION_DURATION:
        raise constraint_error(
            "MaxSessionDuration",
            value,
            f"Member must have value greater than or equal to {MIN_SESSION_DURATION}",
            field="max_session_duration",
        )
    if value > MAX_SESSION_DURATION:
        raise constraint_error(
            "MaxSessionDuration",
            value,
            f"Member must have value less than or equal to {MAX_SESSION_DURATION}",
            field="max_session_duration",
        )
    return value


def _invalid_principal(kind: str, value: str, field: str) -> MalformedPolicyDocument:
    return MalformedPolicyDocument(f'Invalid principal in policy: "{kind}":"{value}"', field=field)


def _local_accounts(account_ids: Iterable[str]) -> set[str]:
    wanted = set(account_ids)
    if not wanted:  # the usual trust policy (a service, an account's root): no query to compose
        return set()
    return set(Account.objects.filter(account_id__in=wanted).values_list("account_id", flat=True))


def _check_aws_principals(values: Sequence[str], field: str) -> None:
    """IAM users and roles named by ARN in an account of this installation must exist, as AWS resolves them."""
    named: list[tuple[str, str, str, str, str]] = []  # (value, account, type, path, name)
    for value in values:
        if value == "*" or _ACCOUNT_ID.fullmatch(value):
            continue
        if value[:4] in ("AIDA", "AROA") and value.isascii() and value.isalnum():
            continue  # a unique id, as AWS shows principals whose entity was deleted
        arn = parse_arn(value)
        if arn is None or arn.service not in ("iam", "sts") or not _ACCOUNT_ID.fullmatch(arn.account):
            raise _invalid_principal("AWS", value, field)
        if "*" in value or "?" in value:
            raise _invalid_principal("AWS", value, field)
        if arn.service == "iam" and arn.resource in ("root",):
            continue
        if arn.service == "sts":
            if arn.resource_type not in ("assumed-role", "federated-user"):
                raise _invalid_principal("AWS", value, field)
            continue
        if arn.resource_type not in ("user", "role"):
            raise _invalid_principal("AWS", value, field)
        named.append((value, arn.account, arn.resource_type, arn.path, arn.resource_name))
    local = _local_accounts(account for _, account, _, _, _ in named)
    for value, account_id, kind, path, name in named:
        if account_id not in local:
            continue  # an account this installation does not hold: nothing to resolve against
        model: type[User] | type[Role] = User if kind == "user" else Role
        if not model.objects.filter(account__account_id=account_id, name__iexact=name, path=path).exists():
            raise _invalid_principal("AWS", value, field)


def _check_federated_principals(values: Sequence[str], field: str) -> None:
    """A ``Federated`` principal is a provider's domain name, or the ARN of a SAML or OIDC provider that exists."""
    for value in values:
        arn = parse_arn(value)
        if arn is None:
            if not value or any(ch.isspace() for ch in value) or "*" in value:
                raise MalformedPolicyDocument(FEDERATED_INVALID, field=field)
            continue  # a web identity provider's domain (accounts.google.com, cognito-identity.amazonaws.com)
        if arn.service != "iam" or arn.resource_type not in ("saml-provider", "oidc-provider"):
            raise MalformedPolicyDocument(FEDERATED_INVALID, field=field)
        if not _local_accounts([arn.account]):
            continue
        provider: type[SAMLProvider] | type[OpenIDConnectProvider] = (
            SAMLProvider if arn.resource_type == "saml-provider" else OpenIDConnectProvider
        )
        if not provider.objects.filter(arn=value).exists():
            raise MalformedPolicyDocument(FEDERATED_INVALID, field=field)


def check_trust_policy(text: Any, *, field: str = "assume_role_policy_document") -> str:
    """A role trust policy as AWS checks it: the ACLSizePerRole quota, the trust grammar, and named principals."""
    if not isinstance(text, str) or not text:
        raise constraint_error("AssumeRolePolicyDocument", None, "Member must not be null", field=field)
    try:
        check_trust_policy_size(text, quotas.limit("role_trust_policy_size"))
        policy = parse_policy(text, PolicyKind.TRUST)
    except PolicyError as exc:
        raise policy_error(exc, field=field) from None
    aws: list[str] = []
    federated: list[str] = []
    for statement in policy.statements:
        for spec in (statement.principal, statement.not_principal):
            if spec is not None:
                aws.extend(spec.aws)
                federated.extend(spec.federated)
    _check_aws_principals(aws, field)
    _check_federated_principals(federated, field)
    return text


@transaction.atomic
def create_role(
    *,
    account: Account,
    role_name: str,
    assume_role_policy_document: str,
    path: str = "/",
    description: str | None = None,
    max_session_duration: int | None = None,
    permissions_boundary: str | None = None,
    tags: Sequence[Any] | None = None,
) -> Role:
    """CreateRole: a role with its trust policy, at most ``IAM_QUOTA_ROLES`` per account (``LimitExceeded``).

    ``EntityAlreadyExists`` when a role of that name exists ignoring case; ``MalformedPolicyDocument`` for a trust
    policy AWS refuses, including principals naming IAM users or roles that do not exist.
    """
    domain.validate_name(role_name, member="RoleName", field="role_name", max_length=domain.ROLE_NAME_MAX)
    domain.validate_path(path)
    if description is not None:
        domain.validate_role_description(description)
    duration = _validate_max_session_duration(max_session_duration) if max_session_duration is not None else None
    tag_map = domain.validate_tags(tags)
    check_trust_policy(assume_role_policy_document)
    boundary = resolve_boundary(account, permissions_boundary) if permissions_boundary is not None else None
    lock, checks = _create_role_sql()
    with connection.cursor() as cursor:
        if lock:
            cursor.execute(lock, [account.pk])
        cursor.execute(checks, [account.pk, role_name, account.pk])
        taken, count = cursor.fetchone() or (False, 0)
    if taken:
        raise EntityAlreadyExists(f"Role with name {role_name} already exists.", field="role_name")
    quotas.check("roles", count)
    return insert_unique(
        Role,
        duplicate=EntityAlreadyExists(f"Role with name {role_name} already exists.", field="role_name"),
        account=account,
        role_id=ids.unique_id(ids.IdPrefix.ROLE),
        name=role_name,
        path=path,
        assume_role_policy_document=assume_role_policy_document,
        description=description or "",
        max_session_duration=duration or MIN_SESSION_DURATION,
        permissions_boundary=boundary,
        tags=tag_map,
        created_at=timezone.now(),
    )


@cache
def _create_role_sql() -> tuple[str | None, str]:
    """CreateRole's statements before the insert: the account row locked (so that two creates count the roles one
    after the other; PostgreSQL only: on SQLite the transaction holds the database's write lock already), then
    whether the name is taken ignoring case (as ``name__iexact``) and how many roles the account has, in one query
    read after the lock is held."""
    quote = connection.ops.quote_name
    accounts, roles = quote(Account._meta.db_table), quote(Role._meta.db_table)
    lock = (
        f"SELECT 1 FROM {accounts} WHERE id = %s FOR UPDATE"  # noqa: S608 - names from the models
        if connection.features.has_select_for_update
        else None
    )
    checks = (
        f"SELECT EXISTS (SELECT 1 FROM {roles} WHERE account_id = %s AND UPPER(name) = UPPER(%s)), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {roles} WHERE account_id = %s)"
    )
    return lock, checks


@transaction.atomic
def update_role(
    *, account: Account, role_name: str, description: str | None = None, max_session_duration: int | None = None
) -> None:
    """UpdateRole: change the description and/or the maximum session duration (3,600–43,200 seconds)."""
    role = lock_role(account, role_name)
    fields = []
    if max_session_duration is not None:
        refuse_service_linked(role)
        role.max_session_duration = _validate_max_session_duration(max_session_duration)
        fields.append("max_session_duration")
    if description is not None:
        role.description = domain.validate_role_description(description)
        fields.append("description")
    if fields:
        role.save(update_fields=fields)


@transaction.atomic
def update_role_description(*, account: Account, role_name: str, description: str) -> Role:
    """UpdateRoleDescription: replace the description (allowed on service-linked roles too); returns the role."""
    role = lock_role(account, role_name)
    role.description = domain.validate_role_description(description)
    role.save(update_fields=["description"])
    return role


@transaction.atomic
def update_assume_role_policy(
    *, account: Account, role_name: str, policy_document: str, if_match: str | None = None
) -> None:
    """UpdateAssumeRolePolicy: replace the trust policy, checked as CreateRole checks it. ``if_match`` (the REST
    face's If-Match): ``PreconditionFailed`` unless it names the trust policy replaced, compared under the row lock."""
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    check_if_match(if_match, role.assume_role_policy_document)
    role.assume_role_policy_document = check_trust_policy(policy_document, field="policy_document")
    role.save(update_fields=["assume_role_policy_document"])


@transaction.atomic
def delete_role(*, account: Account, role_name: str, target: EntityFacts | None = None) -> None:
    """DeleteRole: ``DeleteConflict`` while the role is in an instance profile or has managed or inline policies.

    ``target`` is the role as the operation looked it up already, locked (its whole row). The checks are one
    precomposed query and the deletion a fixed list of statements (:func:`_role_deletion_sql`) instead of Django's
    deletion collector, which looked for every kind of dependant row with a query of its own."""
    role = cast(Role, target.row) if target is not None and target.row is not None else lock_role(account, role_name)
    refuse_service_linked(role)
    checks, deletions = _role_deletion_sql()
    with connection.cursor() as cursor:
        cursor.execute(checks, [role.pk] * 3)
        in_profile, attached, inline = cursor.fetchone() or (False, False, False)
        if in_profile:
            raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
        if attached:
            raise DeleteConflict("Cannot delete entity, must detach all policies first.")
        if inline:
            raise DeleteConflict("Cannot delete entity, must delete policies first.")
        for statement in deletions:
            cursor.execute(statement, [role.pk] * statement.count("%s"))


#: What deleting a role does to the rows that refer to it, as its foreign keys' ``on_delete`` say. Checked against
#: the models when the statements are composed, so a new reference to roles cannot be missed silently.
_ROLE_REFERENCES = {
    "instance_profiles": models.PROTECT,  # DeleteConflict first
    "attachments": models.CASCADE,  # DeleteConflict first: none left to delete
    "inline_policies": models.CASCADE,  # idem
    "sessions": models.CASCADE,  # with the sessions scoped down from them (their own CASCADE)
    "usages": models.CASCADE,
    "deletions": models.SET_NULL,
}


@cache
def _role_deletion_sql() -> tuple[str, tuple[str, ...]]:
    """The query that checks for the dependants DeleteRole refuses to leave behind, and the statements that delete
    a role with every row that refers to it, as Django's collector would (all of them take the role's id)."""
    references = {rel.get_accessor_name(): rel for rel in Role._meta.related_objects}
    declared = {name: rel.on_delete for name, rel in references.items()}
    if declared != _ROLE_REFERENCES:
        raise RuntimeError(f"the references to roles changed ({declared}): update DeleteRole's statements")

    def quote(name: object) -> str:
        return connection.ops.quote_name(str(name))

    def table(name: str) -> str:
        return quote(references[name].related_model._meta.db_table)

    def column(name: str) -> str:
        return quote(references[name].field.column)

    session_model = references["sessions"].related_model
    session_rels = [(rel.related_model, rel.on_delete) for rel in session_model._meta.related_objects]
    if session_rels != [(session_model, models.CASCADE)]:
        raise RuntimeError(f"the references to sessions changed ({session_rels}): update DeleteRole's statements")
    scoped_from = quote(session_model._meta.related_objects[0].field.column)
    sessions, session_id = table("sessions"), quote(session_model._meta.pk.column)
    exists = [
        f"EXISTS (SELECT 1 FROM {table(name)} WHERE {column(name)} = %s)"  # noqa: S608 - names from the models
        for name in ("instance_profiles", "attachments", "inline_policies")
    ]
    checks = f"SELECT {', '.join(exists)}"
    deletions = (
        # The role's sessions and, through every level, the sessions scoped down from them.
        f"WITH RECURSIVE doomed(id) AS (SELECT {session_id} FROM {sessions} WHERE {column('sessions')} = %s "  # noqa: S608
        f"UNION SELECT s.{session_id} FROM {sessions} s JOIN doomed d ON s.{scoped_from} = d.id) "
        f"DELETE FROM {sessions} WHERE {session_id} IN (SELECT id FROM doomed)",
        *(
            f"DELETE FROM {table(name)} WHERE {column(name)} = %s"  # noqa: S608
            for name in ("attachments", "inline_policies", "usages")
        ),
        f"UPDATE {table('deletions')} SET {column('deletions')} = NULL WHERE {column('deletions')} = %s",  # noqa: S608
        f"DELETE FROM {quote(Role._meta.db_table)} WHERE {quote(Role._meta.pk.column)} = %s",  # noqa: S608
    )
    return checks, deletions


@transaction.atomic
def tag_role(*, account: Account, role_name: str, tags: Sequence[Any]) -> None:
    """TagRole: add tags, replacing the value of a key already there (compared ignoring case); at most 50."""
    tagging.tag(lambda: lock_role(account, role_name), tags, quota_name="TagsPerRole")


@transaction.atomic
def untag_role(*, account: Account, role_name: str, tag_keys: Sequence[str]) -> None:
    """UntagRole: remove the tags with those keys; keys the role does not have are ignored."""
    tagging.untag(lambda: lock_role(account, role_name), tag_keys)


@transaction.atomic
def put_role_permissions_boundary(*, account: Account, role_name: str, permissions_boundary: str) -> None:
    """PutRolePermissionsBoundary: set or replace the managed policy that bounds the role's permissions."""
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    role.permissions_boundary = resolve_boundary(account, permissions_boundary)
    role.save(update_fields=["permissions_boundary"])


@transaction.atomic
def delete_role_permissions_boundary(*, account: Account, role_name: str) -> None:
    """DeleteRolePermissionsBoundary: remove the boundary (``NoSuchEntity`` for an unknown role only, as AWS)."""
    role = lock_role(account, role_name)
    refuse_service_linked(role)
    role.permissions_boundary = None
    role.save(update_fields=["permissions_boundary"])
