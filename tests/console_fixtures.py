"""Console clients signed in as the three principals every console page is tested with: the root user, a read-only
IAM user (AWS's managed ReadOnlyAccess) and an IAM user without any permission. Loaded by the conftests of the test
folders that use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from iamconsole import operations
from tests.factories import console_session, iam_user

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(client: Any, actor: Any) -> Any:
    client.cookies[settings.SESSION_COOKIE_NAME] = console_session(actor)
    return client


@pytest.fixture
def root_client(client: Any, account: Any) -> Any:
    return signed_in(client, account.root)


@pytest.fixture
def reader_client(client: Any, account: Any, aws_managed_policies: None) -> Any:
    reader = iam_user(account, "reader")
    operations.run(account.root, "AttachUserPolicy", {"user_name": "reader", "policy_arn": READ_ONLY})
    return signed_in(client, reader)


@pytest.fixture
def nobody_client(client: Any, account: Any) -> Any:
    return signed_in(client, iam_user(account, "nobody"))
