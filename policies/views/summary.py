"""A policy's permissions by service, as a policy page summarizes them: for each statement's effect and service,
the access levels it grants (full or limited), the resources and the request conditions.

The actions are expanded with the Service Authorization Reference the validator uses (``policies.engine.catalog``):
public reference data, the same for every caller, read here directly as the simulator's action search does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from policies.engine.catalog import get_catalog

#: The access levels of the reference, in the order a summary names them.
LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")
#: Services listed at most on one page: AWS's broadest policies name hundreds.
MAX_SERVICES = 400


@dataclass(frozen=True, slots=True)
class ServiceRow:
    """What one statement's effect allows or denies on one service."""

    effect: str
    service: str
    prefix: str
    access: str
    resources: str
    conditions: str


def _level(access_level: str) -> str:
    # Some actions are filed under two levels ("Permissions management, Write"): the first is the specific one.
    return access_level.split(",")[0].strip()


def _access(granted: set[str], all_actions: dict[str, str]) -> str:
    """``Full access``, or per level ``Full: List, Limited: Read`` (the actions of a level granted, all or some)."""
    if granted >= set(all_actions):
        return "Full access"
    full: list[str] = []
    limited: list[str] = []
    for level in LEVELS:
        at_level = {name for name, action_level in all_actions.items() if action_level == level}
        if not at_level or not (granted & at_level):
            continue
        (full if at_level <= granted else limited).append(level)
    parts = []
    if full:
        parts.append("Full: " + ", ".join(full))
    if limited:
        parts.append("Limited: " + ", ".join(limited))
    return "; ".join(parts) or "None"


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [] if value is None else [str(value)]


def service_summary(document: str) -> list[ServiceRow]:
    """The document's statements by service; empty while the document is not valid JSON with statements."""
    try:
        policy = json.loads(document)
    except ValueError:
        return []
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list):
        return []
    catalog = get_catalog()
    rows: list[ServiceRow] = []
    for statement in statements:
        if not isinstance(statement, dict) or "Action" not in statement:
            continue  # NotAction statements are described in words instead
        granted: dict[str, set[str]] = defaultdict(set)
        for pattern in _strings(statement.get("Action")):
            for action in catalog.expand_action(pattern):
                granted[action.service].add(action.name.lower())
        resources = _strings(statement.get("Resource"))
        resource_text = "All resources" if "*" in resources else ", ".join(resources) or "None"
        conditions = statement.get("Condition")
        condition_text = (
            ", ".join(
                f"{operator} {key}" for operator, keys in conditions.items() if isinstance(keys, dict) for key in keys
            )
            if isinstance(conditions, dict) and conditions
            else "None"
        )
        for prefix in sorted(granted):
            service = catalog.service(prefix)
            if service is None:
                continue
            levels = {name: _level(action.access_level) for name, action in service.actions.items()}
            rows.append(
                ServiceRow(
                    effect=str(statement.get("Effect", "")),
                    service=service.name,
                    prefix=prefix,
                    access=_access(granted[prefix], levels),
                    resources=resource_text,
                    conditions=condition_text,
                )
            )
            if len(rows) >= MAX_SERVICES:
                return rows
    return sorted(rows, key=lambda row: (row.effect != "Allow", row.service.lower()))
