"""Helpers for the faces' tests: IAM users with policies and keys, and console sessions (from ``tests.factories``)."""

from __future__ import annotations

from tests.factories import access_key, console_session, iam_user

__all__ = ["access_key", "console_session", "iam_user"]
