"""The engine's own exceptions (no Django): each carries the AWS error code it stands for.

The Django side maps them onto its `IamError` subclasses by `code`: grammar problems are AWS's
`MalformedPolicyDocument`, size quotas are `LimitExceeded`, bad simulator input is `InvalidInput`.
"""

from __future__ import annotations


class PolicyError(Exception):
    """A policy document AWS would refuse with `MalformedPolicyDocument`; `.message` is AWS's text."""

    code = "MalformedPolicyDocument"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PolicySizeError(PolicyError):
    """A policy (or an entity's inline policies together) over AWS's size quota: `LimitExceeded`."""

    code = "LimitExceeded"


class SimulationInputError(PolicyError):
    """A SimulateCustomPolicy request AWS would refuse with `InvalidInput` (missing or wrong parameter)."""

    code = "InvalidInput"
