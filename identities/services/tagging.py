"""Tag… and Untag… of every taggable identity entity (users, roles, instance profiles, MFA devices, server
certificates, identity providers): the same checks and the same write, each caller giving its own locked lookup."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from iamconsole import domain
from identities.models import (
    InstanceProfile,
    MFADevice,
    OpenIDConnectProvider,
    Role,
    SAMLProvider,
    ServerCertificate,
    User,
)

__all__ = ["tag", "untag"]

T = TypeVar("T", User, Role, InstanceProfile, MFADevice, ServerCertificate, SAMLProvider, OpenIDConnectProvider)


def tag(lock: Callable[[], T], tags: Sequence[Any], *, quota_name: str) -> None:
    """Add tags, replacing the value of a key already there (compared ignoring case); ``LimitExceeded`` past 50.
    The tags are checked before the entity is looked up, as AWS answers a malformed tag first."""
    new = domain.validate_tags(tags)
    entity = lock()
    entity.tags = domain.merge_tags(entity.tags, new, quota_name=quota_name)
    entity.save(update_fields=["tags"])


def untag(lock: Callable[[], T], tag_keys: Sequence[str]) -> None:
    """Remove the tags with those keys (compared ignoring case); keys the entity does not have are ignored."""
    keys = domain.validate_tag_keys(tag_keys)
    entity = lock()
    entity.tags = domain.remove_tags(entity.tags, keys)
    entity.save(update_fields=["tags"])
