"""Builders of the condition keys AWS sets on tagging and permissions-boundary requests, shared by every app's
operation table: ``aws:RequestTag/*`` and ``aws:TagKeys`` on creates and Tag…/Untag…, ``aws:ResourceTag/*`` from the
entity's current tags, ``iam:PermissionsBoundary`` on creates and Put…PermissionsBoundary, ``iam:PolicyARN`` on
Attach…Policy and Detach…Policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamconsole.operations import Call, ContextBuilder


def request_tags_context(call: Call, *, tags_param: str = "tags") -> dict[str, Any]:
    """``aws:RequestTag/KEY`` for each tag of the request and ``aws:TagKeys``, as AWS sets them."""
    tags = call.params.get(tags_param) or []
    pairs = [(str(tag.get("key")), str(tag.get("value"))) for tag in tags if isinstance(tag, Mapping)]
    if not pairs:
        return {}
    context: dict[str, Any] = {f"aws:RequestTag/{key}": value for key, value in pairs}
    context["aws:TagKeys"] = [key for key, _ in pairs]
    return context


def creation_context(call: Call) -> dict[str, Any]:
    """A create with tags and an optional permissions boundary: the request tags and ``iam:PermissionsBoundary``."""
    context = request_tags_context(call)
    if call.params.get("permissions_boundary"):
        context["iam:PermissionsBoundary"] = str(call.params["permissions_boundary"])
    return context


def _no_resource_tags(call: Call) -> Mapping[str, Any]:
    return {}


def tag_context(resource_tags: ContextBuilder = _no_resource_tags) -> ContextBuilder:
    """Tag…: the entity's current tags (``aws:ResourceTag/*``) and the request's (``aws:RequestTag/*``,
    ``aws:TagKeys``)."""
    return lambda call: {**resource_tags(call), **request_tags_context(call)}


def untag_context(resource_tags: ContextBuilder = _no_resource_tags) -> ContextBuilder:
    """Untag…: the entity's current tags and the keys to remove as ``aws:TagKeys``."""

    def build(call: Call) -> Mapping[str, Any]:
        keys = [str(key) for key in call.params.get("tag_keys") or []]
        return {**resource_tags(call), **({"aws:TagKeys": keys} if keys else {})}

    return build


def put_boundary_context(resource_tags: ContextBuilder) -> ContextBuilder:
    """Put…PermissionsBoundary: the entity's tags and the new boundary as ``iam:PermissionsBoundary``."""
    return lambda call: {
        **resource_tags(call),
        "iam:PermissionsBoundary": str(call.params.get("permissions_boundary")),
    }


def policy_arn_context(resource_tags: ContextBuilder = _no_resource_tags) -> ContextBuilder:
    """Attach…Policy and Detach…Policy: the entity's current tags and the managed policy as ``iam:PolicyARN``."""
    return lambda call: {**resource_tags(call), "iam:PolicyARN": str(call.params.get("policy_arn"))}
