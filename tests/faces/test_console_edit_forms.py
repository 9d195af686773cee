"""The console's edit forms change only what a POST really submitted (``iamconsole.console_forms.EditForm``): a
field left out keeps its value, a required one left out is an error on the form, and a POST with none of the
form's fields saves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Account, PasswordPolicy
from iamconsole import operations
from iamconsole.console_forms import NOTHING_SUBMITTED
from identities.models import Group, OpenIDConnectProvider, Role
from policies.models import ManagedPolicy
from tests import factories
from tests.console import text
from tests.factories import allow, document


def test_an_empty_post_to_edit_role_is_a_form_error_and_changes_nothing(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer", description="deploys the web tier", max_session_duration=14400)
    response = root_client.post("/roles/deployer/edit", {})
    assert response.status_code == 400
    body = text(response)
    assert '<details class="edit" open>' in body
    assert NOTHING_SUBMITTED in body
    role = Role.objects.get(name="deployer")
    assert (role.description, role.max_session_duration) == ("deploys the web tier", 14400)


def test_edit_role_changes_only_the_fields_submitted(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer", description="deploys the web tier", max_session_duration=14400)
    assert root_client.post("/roles/deployer/edit", {"max_session_duration": "7200"}).status_code == 303
    role = Role.objects.get(name="deployer")
    assert (role.description, role.max_session_duration) == ("deploys the web tier", 7200)
    assert root_client.post("/roles/deployer/edit", {"description": "ships releases"}).status_code == 303
    role = Role.objects.get(name="deployer")
    assert (role.description, role.max_session_duration) == ("ships releases", 7200)
    # An empty description really submitted clears it, as UpdateRole does with an empty string.
    assert root_client.post("/roles/deployer/edit", {"description": "", "max_session_duration": ""}).status_code == 303
    role = Role.objects.get(name="deployer")
    assert (role.description, role.max_session_duration) == ("", 7200)


def test_a_service_linked_role_edit_without_its_description_saves_nothing(
    root_client: Any, account: Any, aws_managed_policies: None
) -> None:
    role = operations.run(
        account.root,
        "CreateServiceLinkedRole",
        {"aws_service_name": "elasticbeanstalk.amazonaws.com", "description": "kept"},
    )
    response = root_client.post(f"/roles/{role.name}/edit", {"service_linked": "1"})
    assert response.status_code == 400
    assert NOTHING_SUBMITTED in text(response)
    response = root_client.post(f"/roles/{role.name}/edit", {"service_linked": "1", "max_session_duration": "7200"})
    assert response.status_code == 400
    assert "Enter a description" in text(response)
    assert Role.objects.get(name=role.name).description == "kept"


def test_an_empty_post_to_rename_a_group_is_refused(root_client: Any, account: Any) -> None:
    factories.group(account, "admins")
    for data in ({}, {"new_group_name": ""}):
        response = root_client.post("/groups/admins/rename", data)
        assert response.status_code == 400
        assert "This field is required." in text(response)
    assert Group.objects.filter(name="admins").exists()


def test_an_empty_post_to_the_alias_dialog_keeps_the_alias(root_client: Any, account: Any) -> None:
    operations.run(account.root, "CreateAccountAlias", {"account_alias": "example-corp"})
    response = root_client.post("/account-alias", {})
    assert response.status_code == 400
    assert NOTHING_SUBMITTED in text(response)
    assert Account.objects.get(account_id=account.account_id).alias == "example-corp"


@pytest.mark.parametrize("data", [{}, {"policy": "custom"}])
def test_a_password_policy_post_missing_fields_keeps_the_policy(root_client: Any, account: Any, data: Any) -> None:
    operations.run(
        account.root, "UpdateAccountPasswordPolicy", {"minimum_password_length": 14, "require_symbols": True}
    )
    response = root_client.post("/account-settings", data)
    assert response.status_code == 400
    policy = PasswordPolicy.objects.get(account__account_id=account.account_id)
    assert (policy.minimum_password_length, policy.require_symbols) == (14, True)


def test_an_empty_post_of_a_new_policy_version_creates_nothing(root_client: Any, account: Any) -> None:
    policy = factories.managed_policy(account, "deploy", document(allow("s3:GetObject")))
    response = root_client.post(f"/policies/{policy.policy_id}/versions", {})
    assert response.status_code == 400
    assert ManagedPolicy.objects.get(pk=policy.pk).versions.count() == 1


def test_a_thumbprints_edit_without_its_list_keeps_the_thumbprints(root_client: Any, account: Any) -> None:
    thumbprint = "a" * 40
    provider = operations.run(
        account.root,
        "CreateOpenIDConnectProvider",
        {"url": "https://token.example.test", "client_id_list": ["app"], "thumbprint_list": [thumbprint]},
    )
    response = root_client.post("/identity-providers/edit", {"arn": provider.arn, "change": "thumbprints"})
    assert response.status_code == 400
    assert NOTHING_SUBMITTED in text(response)
    assert OpenIDConnectProvider.objects.get(arn=provider.arn).thumbprints == [thumbprint]
