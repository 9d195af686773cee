"""Console clients signed in as the three principals every console page is tested with: the root user, a read-only
IAM user (AWS's managed ReadOnlyAccess) and an IAM user without any permission. Loaded by tests/conftest.py for every
test module; the reader and the nobody get clients of their own, so a test may use them beside ``root_client``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.console import no_permission_user, read_only_user, signed_in


@pytest.fixture
def root_client(client: Any, account: Any) -> Any:
    return signed_in(client, account.root)


@pytest.fixture
def reader_client(account: Any, aws_managed_policies: None) -> Any:
    return signed_in(Client(), read_only_user(account))


@pytest.fixture
def nobody_client(account: Any) -> Any:
    return signed_in(Client(), no_permission_user(account))
