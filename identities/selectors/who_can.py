"""Who can (beyond AWS): the users and roles of an account allowed an action on a resource under a given context.

Every principal's identity side is evaluated with the policy engine exactly as the authorizer evaluates it (an IAM
user's own and its groups' policies, a role's policies, each with its permissions boundary). The account's users,
roles, memberships, attachments, inline policies and the default versions of the managed policies involved are read
in a constant number of queries; each distinct document is parsed once (the engine's cache); then one decision per
principal. A role is evaluated as a session of it (``aws:PrincipalType`` ``AssumedRole``), without session policies;
resource-based policies (a role's trust policy, for ``sts:AssumeRole``) are not part of the question.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Account
from iamconsole.arn import assumed_role_arn, iam_arn
from iamconsole.errors import InvalidInput, constraint_error
from identities.models import GroupMembership, InlinePolicy, PolicyAttachment, Role, User
from identities.selectors.compiled_policies import compile_policy_texts
from identities.selectors.principal_policies import PolicyText
from policies.engine import PolicyKind, PolicySource, Principal, RequestFacts, build_context, evaluate
from policies.models import PolicyVersion

#: The session name a role is evaluated under.
SESSION_NAME = "who-can"


@dataclass(frozen=True, slots=True)
class AllowedPrincipal:
    """One principal the action is allowed to, with the policies whose statements allow it."""

    type: str  # USER or ROLE
    name: str
    arn: str
    allowed_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WhoCan:
    """ListAllowedPrincipals' answer: the question, how many principals were evaluated, and who is allowed."""

    action_name: str
    resource_arn: str
    evaluated: int
    principals: Sequence[AllowedPrincipal]


def _check_action(action_name: Any) -> str:
    if not isinstance(action_name, str) or ":" not in action_name or any(c in action_name for c in "*? "):
        raise InvalidInput("ActionName must be one action, service:Action, without wildcards.", field="action_name")
    return action_name


def _context(entries: Any) -> dict[str, Any]:
    if entries is None:
        return {}
    if not isinstance(entries, Mapping) or not all(isinstance(key, str) for key in entries):
        raise constraint_error("ContextKeys", entries, "Member must be a map of condition keys", field="context_keys")
    return {key: list(value) if isinstance(value, list | tuple) else str(value) for key, value in entries.items()}


def _sources(
    texts: Iterable[PolicyText], kind: PolicyKind, cache: dict[tuple[str, str], PolicySource]
) -> list[PolicySource]:
    sources = []
    for text in texts:
        key = (text.source_id, text.document)
        if key not in cache:
            compiled = compile_policy_texts((text,), kind)
            if not compiled:
                continue
            cache[key] = compiled[0]
        sources.append(cache[key])
    return sources


def list_allowed_principals(
    *,
    account: Account,
    action_name: str,
    resource_arn: str = "*",
    context_keys: Mapping[str, Any] | None = None,
) -> WhoCan:
    """The account's users and roles allowed ``action_name`` on ``resource_arn`` with the condition keys of
    ``context_keys`` (besides the global keys each principal carries: ``aws:PrincipalArn``, ``aws:PrincipalTag/*``…)."""
    action = _check_action(action_name)
    extra = _context(context_keys)
    account_id = account.account_id
    users = list(
        User.objects.filter(account=account).values_list(
            "pk", "name", "path", "user_id", "tags", "permissions_boundary_id"
        )
    )
    roles = list(
        Role.objects.filter(account=account).values_list(
            "pk", "name", "path", "role_id", "tags", "permissions_boundary_id"
        )
    )
    groups_of: dict[int, list[int]] = defaultdict(list)
    for user_pk, group_pk in GroupMembership.objects.filter(user__account=account).values_list("user_id", "group_id"):
        groups_of[user_pk].append(group_pk)

    attached: dict[tuple[str, int], list[int]] = defaultdict(list)
    for user_pk, group_pk, role_pk, policy_pk in PolicyAttachment.objects.filter(account=account).values_list(
        "user_id", "group_id", "role_id", "policy_id"
    ):
        owner = ("user", user_pk) if user_pk else ("group", group_pk) if group_pk else ("role", role_pk)
        attached[owner].append(policy_pk)
    policy_pks = {pk for pks in attached.values() for pk in pks}
    policy_pks |= {row[5] for row in users if row[5]} | {row[5] for row in roles if row[5]}
    managed = {
        pk: PolicyText(arn, "user-managed" if owner_account else "aws-managed", document)
        for pk, arn, owner_account, document in PolicyVersion.objects.filter(
            policy_id__in=policy_pks, is_default=True
        ).values_list("policy_id", "policy__arn", "policy__account_id", "document")
    }
    inline: dict[tuple[str, int], list[PolicyText]] = defaultdict(list)
    for user_pk, group_pk, role_pk, name, document, group_name in InlinePolicy.objects.filter(
        account=account
    ).values_list("user_id", "group_id", "role_id", "name", "document", "group__name"):
        if user_pk:
            inline[("user", user_pk)].append(PolicyText(name, "user", document))
        elif group_pk:
            inline[("group", group_pk)].append(PolicyText(f"{group_name}/{name}", "group", document))
        else:
            inline[("role", role_pk)].append(PolicyText(name, "role", document))

    identity_cache: dict[tuple[str, str], PolicySource] = {}
    boundary_cache: dict[tuple[str, str], PolicySource] = {}

    def texts_of(owner: tuple[str, int]) -> list[PolicyText]:
        return [*inline.get(owner, ()), *(managed[pk] for pk in attached.get(owner, ()) if pk in managed)]

    now = timezone.now()
    allowed: list[AllowedPrincipal] = []
    candidates = [("USER", row) for row in users] + [("ROLE", row) for row in roles]
    for kind, (pk, name, path, unique_id, tags, boundary_pk) in candidates:
        if kind == "USER":
            owners = [("user", pk), *(("group", group_pk) for group_pk in groups_of.get(pk, ()))]
            arn = iam_arn(account_id, "user", name, path)
            principal = Principal(arn=arn, account=account_id, principal_type="User")
            user_id = unique_id
        else:
            owners = [("role", pk)]
            arn = iam_arn(account_id, "role", name, path)
            principal = Principal(
                arn=assumed_role_arn(account_id, name, SESSION_NAME),
                account=account_id,
                role_arn=arn,
                principal_type="AssumedRole",
            )
            user_id = f"{unique_id}:{SESSION_NAME}"
        identity = _sources((text for owner in owners for text in texts_of(owner)), PolicyKind.IDENTITY, identity_cache)
        if not identity:
            continue  # no policy: nothing is allowed
        boundary_text = managed.get(boundary_pk) if boundary_pk else None
        boundary = _sources((boundary_text,), PolicyKind.BOUNDARY, boundary_cache) if boundary_text else []
        facts = RequestFacts(
            time=now, user_id=user_id, principal_tags=dict(tags or {}), temporary_credentials=kind == "ROLE"
        )
        decision = evaluate(
            action=action,
            resource=resource_arn,
            principal=principal,
            context=build_context(principal, facts, extra),
            identity_policies=identity,
            permissions_boundary=boundary[0] if boundary else None,
            resource_account=account_id,
        )
        if decision.allowed:
            sources = tuple(dict.fromkeys(match.source_id for match in decision.matched_statements))
            allowed.append(AllowedPrincipal(kind, name, arn, sources))
    return WhoCan(action, resource_arn, len(candidates), allowed)


__all__ = ["AllowedPrincipal", "WhoCan", "list_allowed_principals"]
