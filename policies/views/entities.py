"""The entities a policy is attached to or bounds, and its tags, changed from its page: attach and detach (users,
groups, roles), set and remove it as a permissions boundary (users, roles), tag and untag it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from iamconsole import console
from iamconsole.errors import IamError, InvalidInput
from iamconsole.middleware import SignedInRequest, signin_required
from policies import forms
from policies.views.deletion import DETACH
from policies.views.policies import (
    ATTACH,
    REMOVE_BOUNDARY,
    SET_BOUNDARY,
    back_to,
    detail_error,
    form_error,
    load_policy,
)


@require_POST
@signin_required
def policy_attach(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """Attach the policy to a user, group or role (AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy)."""
    return _attachment(request, policy_id, ATTACH)


@require_POST
@signin_required
def policy_detach(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """Detach the policy from a user, group or role."""
    return _attachment(request, policy_id, DETACH)


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


def _attachment(request: SignedInRequest, policy_id: str, operations: dict[str, str]) -> HttpResponse:
    try:
        policy, kind, name = _chosen_entity(request, policy_id)
        console.run(request, operations[kind], {f"{kind}_name": name, "policy_arn": policy.arn})
    except IamError as error:
        return detail_error(request, policy_id, error)
    done = "attached to" if operations is ATTACH else "detached from"
    messages.success(request, f"Policy {policy.name} {done} {kind} {name}.")
    return back_to(request, policy_id, "#entities")


@require_POST
@signin_required
def boundary_set(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """Make the policy the permissions boundary of a user or role (PutUserPermissionsBoundary, PutRole…)."""
    try:
        policy, kind, name = _chosen_entity(request, policy_id, SET_BOUNDARY)
        console.run(request, SET_BOUNDARY[kind], {f"{kind}_name": name, "permissions_boundary": policy.arn})
    except IamError as error:
        return detail_error(request, policy_id, error)
    messages.success(request, f"Policy {policy.name} is now the permissions boundary of {kind} {name}.")
    return back_to(request, policy_id, "#entities")


@require_POST
@signin_required
def boundary_remove(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """Remove the permissions boundary of a user or role this policy bounds."""
    try:
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
    except IamError as error:
        return detail_error(request, policy_id, error)
    messages.success(request, f"Permissions boundary removed from {kind} {name}.")
    return back_to(request, policy_id, "#entities")


@require_POST
@signin_required
def tag_add(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """TagPolicy: add a tag, or give a key a new value; AWS's rules (50 tags, no ``aws:`` prefix) answer errors."""
    form = forms.TagForm(request.POST)
    try:
        policy = load_policy(request, policy_id)
        if not form.is_valid():
            raise form_error(form)
        tag = {"key": form.cleaned_data["key"], "value": form.cleaned_data["value"]}
        console.run(request, "TagPolicy", {"policy_arn": policy.arn, "tags": [tag]})
    except IamError as error:
        return detail_error(request, policy_id, error)
    messages.success(request, f"Tag {tag['key']} saved.")
    return back_to(request, policy_id, "#tags")


@require_POST
@signin_required
def tag_remove(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """UntagPolicy: remove one tag by its key."""
    key = request.POST.get("key", "")
    try:
        policy = load_policy(request, policy_id)
        console.run(request, "UntagPolicy", {"policy_arn": policy.arn, "tag_keys": [key]})
    except IamError as error:
        return detail_error(request, policy_id, error)
    messages.success(request, f"Tag {key} removed.")
    return back_to(request, policy_id, "#tags")
