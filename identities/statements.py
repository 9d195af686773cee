"""The statements of a stored policy document, read leniently.

For what only describes documents that were validated when they were saved (a trust policy in words, the actions a
policy grants in a last-accessed report): whatever does not have the expected shape is passed over, never refused.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["as_list", "statements_of"]


def as_list(value: Any) -> list[Any]:
    """A policy element that may be one value or a list of them (``Action``, ``Statement``), as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def statements_of(document: str) -> list[dict[str, Any]]:
    """The statements of ``document`` that are JSON objects; none when the document is no JSON object."""
    try:
        policy = json.loads(document)
    except ValueError:
        return []
    if not isinstance(policy, dict):
        return []
    return [statement for statement in as_list(policy.get("Statement")) if isinstance(statement, dict)]
