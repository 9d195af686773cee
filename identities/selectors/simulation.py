"""SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy: the simulator on a user's, group's or role's policies.

Mirrors the IAM API Reference: ``PolicySourceArn`` names a user, group or role of the account; the simulation
includes every policy attached to or embedded in it (for a user, its groups' too), any extra ``PolicyInputList``
documents, and its permissions boundary unless ``PermissionsBoundaryPolicyInputList`` supplies one. The policies are
gathered as the authorizer gathers them and evaluated by the same engine (``policies.engine.simulate``), so a
simulation cannot disagree with a real request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accounts.models import Account
from iamconsole.arn import parse_arn
from iamconsole.errors import InvalidInput
from identities.selectors.compiled_policies import compile_policy_texts
from identities.selectors.groups import get_group_by_name
from identities.selectors.principal_policies import PrincipalPolicies, gather_principal_policies
from identities.selectors.roles import get_role
from identities.selectors.users import get_user_by_name
from policies import engine
from policies.engine import PolicyError, PolicyKind, PolicySource, Principal
from policies.simulation import SimulationPage, context_entries_of, engine_error, simulation_page

__all__ = ["get_context_keys_for_principal_policy", "simulate_principal_policy"]


@dataclass(frozen=True, slots=True)
class _Source:
    """The entity a ``PolicySourceArn`` names, and its gathered policies."""

    arn: str
    is_user: bool
    policies: PrincipalPolicies


def _policy_source(account: Account, policy_source_arn: str) -> _Source:
    """The user, group or role the ARN names (``NoSuchEntity`` when it does not exist) and its policies."""
    arn = parse_arn(policy_source_arn)
    kind, _, rest = arn.resource.partition("/") if arn is not None else ("", "", "")
    if arn is None or arn.service != "iam" or arn.account != account.account_id or not rest:
        raise InvalidInput(
            f"Invalid ARN {policy_source_arn}: a user, group or role of account {account.account_id} is required.",
            field="policy_source_arn",
        )
    name = rest.rsplit("/", 1)[-1]
    if kind == "user":
        user = get_user_by_name(account=account, user_name=name)
        gathered = gather_principal_policies(account_id=account.account_id, user_pk=user.pk)
    elif kind == "role":
        role = get_role(account=account, role_name=name)
        gathered = gather_principal_policies(account_id=account.account_id, role_pk=role.pk)
    elif kind == "group":
        group = get_group_by_name(account=account, group_name=name)
        gathered = gather_principal_policies(account_id=account.account_id, group_pk=group.pk)
    else:
        raise InvalidInput(
            f"Invalid ARN {policy_source_arn}: a user, group or role of account {account.account_id} is required.",
            field="policy_source_arn",
        )
    return _Source(policy_source_arn, kind == "user", gathered)


def _given(texts: Sequence[str], kind: PolicyKind, member: str, source_type: str, field: str) -> list[PolicySource]:
    sources = []
    for index, text in enumerate(texts, 1):
        label = f"{member}.{index}"
        try:
            sources.append(PolicySource(engine.parse_policy(text, kind), label, source_type))
        except PolicyError as exc:
            raise engine_error(type(exc)(f"{label}: {exc.message}"), field) from None
    return sources


def simulate_principal_policy(
    *,
    account: Account,
    policy_source_arn: str,
    action_names: Sequence[str],
    policy_input_list: Sequence[str] = (),
    permissions_boundary_policy_input_list: Sequence[str] = (),
    policy_exclusion_list: Sequence[str] = (),
    resource_arns: Sequence[str] = (),
    resource_policy: str | None = None,
    resource_owner: str | None = None,
    caller_arn: str | None = None,
    context_entries: Sequence[dict[str, Any]] | None = None,
    resource_handling_option: str | None = None,
    max_items: int | None = None,
    marker: str | None = None,
) -> SimulationPage:
    """SimulatePrincipalPolicy: each action evaluated against the entity's policies (and its groups', for a user).

    ``CallerArn`` defaults to the source when it is a user; it is required with a ``ResourcePolicy`` otherwise,
    as AWS requires it. ``NoSuchEntity`` for an entity that does not exist, ``InvalidInput`` for an ARN that does
    not name a user, group or role of the account. ``PolicyExclusionList`` names AWS Organizations policies to leave
    out; iamconsole has no Organizations policies, so there is never anything to exclude.
    """
    del policy_exclusion_list
    source = _policy_source(account, policy_source_arn)
    if len(permissions_boundary_policy_input_list) > 1:
        raise InvalidInput(
            "PermissionsBoundaryPolicyInputList accepts at most one policy.",
            field="permissions_boundary_policy_input_list",
        )
    caller = caller_arn or (source.arn if source.is_user else None)
    if resource_policy is not None and caller is None:
        raise InvalidInput(
            "CallerArn is required when ResourcePolicy is specified and PolicySourceArn is not a user.",
            field="caller_arn",
        )
    identity = list(compile_policy_texts(source.policies.identity, PolicyKind.IDENTITY))
    identity += _given(policy_input_list, PolicyKind.IDENTITY, "PolicyInputList", "IAM Policy", "policy_input_list")
    boundary: PolicySource | None = None
    if permissions_boundary_policy_input_list:
        (boundary,) = _given(
            permissions_boundary_policy_input_list,
            PolicyKind.BOUNDARY,
            "PermissionsBoundaryPolicyInputList",
            "PermissionsBoundaryPolicy",
            "permissions_boundary_policy_input_list",
        )
    elif source.policies.boundary is not None:
        boundary = next(iter(compile_policy_texts((source.policies.boundary,), PolicyKind.BOUNDARY)), None)
    resource: PolicySource | None = None
    if resource_policy is not None:
        (resource,) = _given([resource_policy], PolicyKind.RESOURCE, "ResourcePolicy", "resource", "resource_policy")
    try:
        context = engine.context_from_entries(context_entries_of(context_entries))
    except PolicyError as exc:
        raise engine_error(exc, "context_entries") from None
    owner = None
    if resource_owner is not None:
        parsed_owner = parse_arn(resource_owner)
        owner = parsed_owner.account if parsed_owner is not None else None
    results = engine.simulate(
        action_names=action_names,
        principal=Principal(arn=caller or source.arn, account=account.account_id),
        context=context,
        identity_policies=identity,
        resource_arns=resource_arns,
        permissions_boundary=boundary,
        resource_policy=resource,
        resource_owner=owner,
    )
    return simulation_page(results, marker, max_items)


def get_context_keys_for_principal_policy(
    *, account: Account, policy_source_arn: str, policy_input_list: Sequence[str] = ()
) -> list[str]:
    """GetContextKeysForPrincipalPolicy: the condition keys used by the entity's policies and the extra documents.

    For a user, its groups' policies count too, as AWS documents.
    """
    source = _policy_source(account, policy_source_arn)
    texts = [text.document for text in source.policies.identity]
    if source.policies.boundary is not None:
        texts.append(source.policies.boundary.document)
    try:
        stored = engine.context_keys_for_policies(texts)
    except PolicyError:
        stored = []  # a stored document that no longer parses names no keys
    try:
        given = engine.context_keys_for_policies(list(policy_input_list))
    except PolicyError as exc:
        raise engine_error(exc, "policy_input_list") from None
    seen = {key.lower() for key in stored}
    return stored + [key for key in given if key.lower() not in seen]
