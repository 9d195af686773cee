"""Policy documents, managed policies and actors for tests: kept as names of ``tests.factories``, where they live."""

from __future__ import annotations

from tests.factories import actor_for, allow, deny, document, make_policy

__all__ = ["actor_for", "allow", "deny", "document", "make_policy"]
