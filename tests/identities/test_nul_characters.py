"""A NUL character in a request (PostgreSQL can neither query for one nor store one) is refused as AWS refuses any
name outside its pattern, and the refusal is recorded: never a database error, never a 500 in the console."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import AuditEvent
from iamconsole import operations
from iamconsole.errors import IamError, ValidationError
from tests.console import signed_in
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
    assert "Value at 'policyName' failed to satisfy constraint" in refused.value.message
    event = AuditEvent.objects.get(event_name=operation)
    assert (event.outcome, event.error_code) == ("failed", "ValidationError")


def test_a_nul_in_any_parameter_is_refused_before_any_lookup_and_recorded(account: Any) -> None:
    with pytest.raises(IamError):
        operations.run(account.root, "DeleteAccountAlias", {"account_alias": "a\x00b"})
    event = AuditEvent.objects.get(event_name="DeleteAccountAlias")
    assert "\x00" not in event.error_message
    assert (event.outcome, event.error_code) == ("failed", "ValidationError")


def test_the_console_answers_a_nul_in_an_inline_policy_name_with_its_error(client: Any, account: Any) -> None:
    role(account, "deployer")
    root = signed_in(client, account.root)
    response = root.get("/roles/deployer/inline", {"policy_name": NUL_NAME})
    assert response.status_code == 400
    assert "Value at &#x27;policyName&#x27; failed to satisfy constraint" in response.content.decode()
    alias = root.post("/account-alias", {"delete": "1", "current_alias": "a\x00b"})
    assert alias.status_code < 500


@pytest.mark.parametrize("job_id", ["\x00", "x" * 36 + "\x00", "short"])
def test_a_last_accessed_job_id_of_the_wrong_length_is_a_validation_error(account: Any, job_id: str) -> None:
    with pytest.raises(ValidationError) as refused:
        operations.run(account.root, "GetServiceLastAccessedDetails", {"job_id": job_id})
    assert "at 'jobId' failed to satisfy constraint" in refused.value.message
    if "\x00" not in job_id:
        assert "Member must have length" in refused.value.message and "36" in refused.value.message


def test_the_access_advisor_tab_answers_a_nul_job_id_without_a_500(client: Any, account: Any) -> None:
    user(account, "alice")
    response = signed_in(client, account.root).get("/users/alice", {"tab": "access_advisor", "job": "\x00"})
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/groups/admins/policies/detach", {"names": "\x00"}),
        ("/groups/admins/users/add", {"names": "\x00"}),
        ("/groups/admins/users/remove", {"names": "\x00"}),
        ("/roles/deployer/inline/delete", {"policy_name": "\x00"}),
        ("/roles/deployer/sessions/revoke", {"access_key_id": "\x00"}),
    ],
)
def test_console_writes_answer_a_nul_with_an_error_not_a_500(client: Any, account: Any, url: str, data: Any) -> None:
    user(account, "alice")
    group(account, "admins")
    role(account, "deployer")
    writes = AuditEvent.objects.filter(outcome="success", read_only=False)
    before = writes.count()
    response = signed_in(client, account.root).post(url, data)
    assert 400 <= response.status_code < 500 or response.status_code == 302
    assert writes.count() == before
    assert AuditEvent.objects.filter(outcome="failed", error_code="ValidationError").exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/policies/create", "policy_document"),
        ("/roles/deployer/inline", "policy_document"),
        ("/roles/deployer/trust", "policy_document"),
    ],
)
def test_the_policy_editor_answers_a_nul_in_a_document_without_saving_it(
    client: Any, account: Any, url: str, field: str
) -> None:
    role(account, "deployer")
    response = signed_in(client, account.root).post(url, {field: '{"Version": "2012-10-17"\x00}', "policy_name": "p"})
    assert response.status_code < 500
    writes = AuditEvent.objects.filter(outcome="success", read_only=False)
    assert not writes.filter(event_name__in=["CreatePolicy", "PutRolePolicy", "UpdateAssumeRolePolicy"]).exists()
