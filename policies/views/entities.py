"""The entities a policy is attached to or bounds, and its tags, changed from its page: attach and detach (users,
groups, roles), set and remove it as a permissions boundary (users, roles), tag and untag it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.views.decorators.http import require_POST

from iamconsole import console
from iamconsole.errors import InvalidInput
from iamconsole.middleware import SignedInRequest, signin_required
from policies import forms
from policies.views.deletion import DETACH
from policies.views.policies import (
    ATTACH,
    REMOVE_BOUNDARY,
    SET_BOUNDARY,
    form_error,
    load_policy,
    page_write,
)


@require_POST
@signin_required
@page_write("#entities")
def policy_attach(request: SignedInRequest, policy_id: str) -> str:
    """Attach the policy to a user, group or role (AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy)."""
    return _entity_write(request, policy_id, ATTACH, "policy_arn", "Policy {policy} attached to {kind} {name}.")


@require_POST
@signin_required
@page_write("#entities")
def policy_detach(request: SignedInRequest, policy_id: str) -> str:
    """Detach the policy from a user, group or role."""
    return _entity_write(request, policy_id, DETACH, "policy_arn", "Policy {policy} detached from {kind} {name}.")


def _chosen_entity(
    request: SignedInRequest, policy_id: str, kinds: Collection[str] | None = None
) -> tuple[Any, str, str]:
    """The policy and the entity the form names, as (policy, kind, name); ``kinds`` limits the kinds (boundaries are
    for users and roles only)."""
    form = forms.AttachForm(request.POST)
    policy = load_policy(request, policy_id)
    if kinds is None and not form.is_valid():
        raise form_error(form)
    if kinds is not None and (not form.is_valid() or form.cleaned_data["entity"][0] not in kinds):
        raise InvalidInput("Choose a user or role.", field="entity")
    kind, name = form.cleaned_data["entity"]
    return policy, kind, name


def _entity_write(
    request: SignedInRequest,
    policy_id: str,
    operations: dict[str, str],
    policy_member: str,
    done: str,
    kinds: Collection[str] | None = None,
) -> str:
    """Run ``operations[kind]`` on the entity the form chose, naming the policy's ARN as ``policy_member``; ``done``
    (formatted with the ``policy``, ``kind`` and ``name``) is the message to show."""
    policy, kind, name = _chosen_entity(request, policy_id, kinds)
    console.run(request, operations[kind], {f"{kind}_name": name, policy_member: policy.arn})
    return done.format(policy=policy.name, kind=kind, name=name)


@require_POST
@signin_required
@page_write("#entities")
def boundary_set(request: SignedInRequest, policy_id: str) -> str:
    """Make the policy the permissions boundary of a user or role (PutUserPermissionsBoundary, PutRole…)."""
    done = "Policy {policy} is now the permissions boundary of {kind} {name}."
    return _entity_write(request, policy_id, SET_BOUNDARY, "permissions_boundary", done, kinds=SET_BOUNDARY)


@require_POST
@signin_required
@page_write("#entities")
def boundary_remove(request: SignedInRequest, policy_id: str) -> str:
    """Remove the permissions boundary of a user or role this policy bounds."""
    policy, kind, name = _chosen_entity(request, policy_id, REMOVE_BOUNDARY)
    # This page removes this policy as a boundary, never another one the entity may have instead.
    bounded = console.run(
        request,
        "ListEntitiesForPolicy",
        {"policy_arn": policy.arn, "policy_usage_filter": "PermissionsBoundary", "entity_filter": kind.title()},
    )
    if name not in {entity.name for entity in (bounded.users if kind == "user" else bounded.roles)}:
        raise InvalidInput(f"The {kind} {name} does not have {policy.name} as its permissions boundary.")
    console.run(request, REMOVE_BOUNDARY[kind], {f"{kind}_name": name})
    return f"Permissions boundary removed from {kind} {name}."


@require_POST
@signin_required
@page_write("#tags")
def tag_add(request: SignedInRequest, policy_id: str) -> str:
    """TagPolicy: add a tag, or give a key a new value; AWS's rules (50 tags, no ``aws:`` prefix) answer errors."""
    form = forms.TagForm(request.POST)
    policy = load_policy(request, policy_id)
    if not form.is_valid():
        raise form_error(form)
    tag = {"key": form.cleaned_data["key"], "value": form.cleaned_data["value"]}
    console.run(request, "TagPolicy", {"policy_arn": policy.arn, "tags": [tag]})
    return f"Tag {tag['key']} saved."


@require_POST
@signin_required
@page_write("#tags")
def tag_remove(request: SignedInRequest, policy_id: str) -> str:
    """UntagPolicy: remove one tag by its key."""
    key = request.POST.get("key", "")
    policy = load_policy(request, policy_id)
    console.run(request, "UntagPolicy", {"policy_arn": policy.arn, "tag_keys": [key]})
    return f"Tag {key} removed."
