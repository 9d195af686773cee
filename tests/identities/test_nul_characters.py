"""A NUL character in a request (PostgreSQL can neither query for one nor store one) is refused as AWS refuses any
name outside its pattern, and the refusal is recorded: never a database error, never a 500 in the console."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import IamError, ValidationError
from tests.console_fixtures import signed_in
from tests.factories import group, role, user

NUL_NAME = "in\x00line"


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("GetUserPolicy", {"user_name": "alice"}),
        ("GetGroupPolicy", {"group_name": "admins"}),
        ("GetRolePolicy", {"role_name": "deployer"}),
    ],
)
def test_an_inline_policy_name_with_a_nul_is_a_validation_error(account: Any, operation: str, params: Any) -> None:
    user(account, "alice")
    group(account, "admins")
    role(account, "deployer")
    with pytest.raises(ValidationError) as refused:
        operations.run(account.root, operation, {**params, "policy_name": NUL_NAME})
    assert "Member must satisfy regular expression pattern: [\\w+=,.@-]+" in refused.value.message
    event = AuditEvent.objects.get(event_name=operation)
    assert (event.outcome, event.error_code) == ("failed", "ValidationError")


def test_a_refusal_quoting_a_nul_is_recorded_with_a_replacement_character(account: Any) -> None:
    with pytest.raises(IamError):
        operations.run(account.root, "DeleteAccountAlias", {"account_alias": "a\x00b"})
    event = AuditEvent.objects.get(event_name="DeleteAccountAlias")
    assert "\x00" not in event.error_message
    assert "a\ufffdb" in event.error_message


def test_the_console_answers_a_nul_in_an_inline_policy_name_with_its_error(client: Any, account: Any) -> None:
    role(account, "deployer")
    root = signed_in(client, account.root)
    response = root.get("/roles/deployer/inline", {"policy_name": NUL_NAME})
    assert response.status_code == 400
    assert "Member must satisfy regular expression pattern" in response.content.decode()
    alias = root.post("/account-alias", {"delete": "1", "current_alias": "a\x00b"})
    assert alias.status_code < 500


@pytest.mark.parametrize("job_id", ["\x00", "x" * 36 + "\x00", "short"])
def test_a_last_accessed_job_id_of_the_wrong_length_is_a_validation_error(account: Any, job_id: str) -> None:
    with pytest.raises(ValidationError) as refused:
        operations.run(account.root, "GetServiceLastAccessedDetails", {"job_id": job_id})
    assert "Member must have length" in refused.value.message and "36" in refused.value.message


def test_the_access_advisor_tab_answers_a_nul_job_id_without_a_500(client: Any, account: Any) -> None:
    user(account, "alice")
    response = signed_in(client, account.root).get("/users/alice", {"tab": "access_advisor", "job": "\x00"})
    assert response.status_code < 500
