"""Outputs of the operations on things an installation never holds: the empty list and the empty properties."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OUTPUTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    # botocore's ListDelegationRequests output spells its flag ``isTruncated``.
    "ListDelegationRequests": lambda items: {"DelegationRequests": list(items), "isTruncated": False},
    "GetAccountProperties": lambda properties: {"Properties": dict(properties)},
}
