"""Account settings' Security Token Service panel: where session tokens from STS's global endpoint are valid, read
from GetAccountSummary and changed with SetSecurityTokenServicePreferences, as root, as a read-only IAM user and as a
user without permissions."""

from __future__ import annotations

from iamconsole import operations
from tests.console import HTMX, missing_action, text

URL = "/account-settings/sts"


def token_version(account) -> int:
    return operations.run(account.root, "GetAccountSummary").global_endpoint_token_version


def test_the_panel_shows_the_default_then_the_changed_validity(root_client, account):
    body = text(root_client.get("/account-settings"))
    assert 'id="sts-preferences"' in body
    assert "Valid only in AWS Regions enabled by default" in body
    assert f'href="{URL}"' in body  # the Change button

    dialog = text(root_client.get(URL, **HTMX))
    assert dialog.lstrip().startswith('<section class="card" id="sts-preferences"')
    assert 'value="v1Token"' in dialog and 'value="v2Token"' in dialog
    assert 'value="v1Token" id="id_global_endpoint_token_version_0" required checked' in dialog

    response = root_client.post(URL, {"global_endpoint_token_version": "v2Token"})
    assert response.status_code == 302 and response["Location"] == "/account-settings"
    assert token_version(account) == 2
    page = text(root_client.get("/account-settings"))
    assert "Session tokens from the STS global endpoint are now valid in all AWS Regions." in page
    assert '<dd id="sts-token-validity">Valid in all AWS Regions</dd>' in page

    htmx = root_client.post(URL, {"global_endpoint_token_version": "v1Token"}, **HTMX)
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == "/account-settings"
    assert token_version(account) == 1


def test_the_dialog_opens_without_htmx_inside_the_whole_page(root_client, account):
    body = text(root_client.get(URL))
    assert 'id="sts-token-form"' in body
    assert 'id="password-policy"' in body and 'id="account-card"' in body


def test_an_unknown_choice_is_refused_on_the_form(root_client, account):
    response = root_client.post(URL, {"global_endpoint_token_version": "v3Token"}, **HTMX)
    assert response.status_code == 400
    assert 'class="field-error"' in text(response)
    assert token_version(account) == 1


def test_a_read_only_user_sees_the_setting_and_is_denied_the_change(reader_client, account):
    body = text(reader_client.get("/account-settings"))
    assert "Valid only in AWS Regions enabled by default" in body
    assert 'id="change-sts-token-validity"' in body and 'tabindex="-1" aria-disabled="true"' in body
    assert "You need iam:SetSecurityTokenServicePreferences" in body
    denied = reader_client.post(URL, {"global_endpoint_token_version": "v2Token"}, **HTMX)
    assert denied.status_code == 403
    assert missing_action(denied) == ["iam:SetSecurityTokenServicePreferences"]
    assert token_version(account) == 1


def test_without_permissions_the_panel_names_the_missing_read(nobody_client):
    body = nobody_client.get("/account-settings")
    assert body.status_code == 200
    assert "iam:GetAccountSummary" in missing_action(body)
    assert 'id="change-sts-token-validity"' not in text(body)
