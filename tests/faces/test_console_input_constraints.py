"""AWS's limits travel to the browser as HTML constraints (maxlength, pattern, min/max) on the console's forms, which
let the browser judge them (no ``novalidate``); ``iamconsole.form_fields`` is where they come from."""

from __future__ import annotations

import re
from html import unescape

import pytest

from iamconsole import form_fields, operations
from tests.console import HTMX, text


def input_tag(body: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body)
    assert match, name
    return unescape(match.group(0))


def form_tag(body: str, form_id_or_action: str) -> str:
    match = re.search(rf"<form[^>]*{re.escape(form_id_or_action)}[^>]*>", body)
    assert match, form_id_or_action
    return match.group(0)


@pytest.mark.parametrize(
    ("url", "name", "max_length", "pattern"),
    [
        ("/users/create", "user_name", 64, form_fields.NAME),
        ("/users/create", "path", 512, form_fields.PATH),
        ("/groups/create", "group_name", 128, form_fields.NAME),
        ("/groups/create", "path", 512, form_fields.PATH),
        ("/policies/create", "policy_name", 128, form_fields.NAME),
        ("/roles/create", "account_id", 12, form_fields.ACCOUNT_ID),
        ("/roles/create", "external_id", 1224, form_fields.EXTERNAL_ID),
        ("/identity-providers/add", "name", 128, form_fields.SAML_PROVIDER_NAME),
        ("/identity-providers/add", "url", 255, form_fields.OIDC_URL),
        ("/account-alias", "account_alias", 63, form_fields.ACCOUNT_ALIAS),
    ],
)
def test_text_inputs_carry_the_aws_length_and_pattern(root_client, account, url, name, max_length, pattern):
    tag = input_tag(text(root_client.get(url)), name)
    assert f'maxlength="{max_length}"' in tag
    assert f'pattern="{pattern}"' in tag


def test_tag_inputs_carry_key_and_value_rules(root_client, account):
    operations.run(account.root, "CreateUser", {"user_name": "tagged"})
    body = text(root_client.get("/users/tagged?tab=tags"))
    key, value = input_tag(body, "tag_key"), input_tag(body, "tag_value")
    assert 'maxlength="128"' in key and f'pattern="{form_fields.TAG_KEY}"' in key
    assert 'maxlength="256"' in value and f'pattern="{form_fields.TAG_VALUE}"' in value


def test_password_policy_bounds_are_number_limits(root_client, account):
    body = text(root_client.get("/account-settings?edit=1", **HTMX))
    for name, low, high in (
        ("minimum_password_length", 6, 128),
        ("max_password_age", 1, 1095),
        ("password_reuse_prevention", 1, 24),
    ):
        tag = input_tag(body, name)
        assert f'min="{low}"' in tag and f'max="{high}"' in tag, tag
    assert "novalidate" not in form_tag(body, 'hx-post="/account-settings"')


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/users/create", 'action="?step=details"'),
        ("/groups/create", 'id="group-form"'),
        ("/policies/create", 'id="policy-form"'),
        ("/roles/create", 'id="trust-form"'),
        ("/account-alias", 'class="alias-form"'),
    ],
)
def test_the_forms_let_the_browser_check_them(root_client, account, url, form):
    assert "novalidate" not in form_tag(text(root_client.get(url)), form)


def test_the_server_still_refuses_what_the_browser_would(root_client, account):
    response = root_client.post("/groups/create", {"group_name": "bad name", "path": "/"}, **HTMX)
    assert response.status_code == 400
    assert 'class="field-error"' in text(response)


def test_the_switch_role_form_checks_account_and_role_name(reader_client, account):
    body = text(reader_client.get("/switchrole"))  # an IAM user's form (root cannot switch roles)
    assert "novalidate" not in form_tag(body, 'id="switch-role-form"')
    for name, max_length, pattern in (
        ("account", 63, form_fields.ACCOUNT_ID_OR_ALIAS),
        ("roleName", 64, form_fields.ROLE_NAME_WITH_PATH),
    ):
        tag = input_tag(body, name)
        assert f'maxlength="{max_length}"' in tag and f'pattern="{pattern}"' in tag
