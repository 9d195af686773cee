"""The console shell: the layout (identity menu, navigation, search box, breadcrumbs, messages, error pages), the
dashboard with its alias dialog, search, account settings and the credential report, as root, as a read-only IAM
user (ReadOnlyAccess) and as a user without permissions, always through the catalogue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Account, AuditEvent, PasswordPolicy
from iamconsole import operations
from identities.models import AccessKey
from tests import factories
from tests.console import HTMX, missing_action, read_only_user, signed_in, text

# --- layout --------------------------------------------------------------------------------------------------------


def test_the_layout_has_the_identity_menu_navigation_and_search_box(root_client, account):
    body = text(root_client.get("/"))
    assert (
        f'<span class="identity-name">root</span> @ <span class="identity-account">{account.account_id}</span>' in body
    )
    assert f'data-copy="{account.account_id}"' in body
    assert 'href="/security-credentials"' in body
    # The root user cannot switch roles: the menu does not offer it.
    assert 'href="/switchrole"' not in body
    for label, url in [
        ("Dashboard", "/"),
        ("User groups", "/groups"),
        ("Users", "/users"),
        ("Roles", "/roles"),
        ("Policies", "/policies"),
        ("Identity providers", "/identity-providers"),
        ("Account settings", "/account-settings"),
        ("Credential report", "/credential-report"),
    ]:
        assert re.search(rf'<a href="{re.escape(url)}"[^>]*>{label}</a>', body), label
    assert 'id="global-search"' in body and 'action="/search"' in body
    assert '<script src="/static/js/app.js" defer></script>' in body
    assert 'rel="icon"' in body
    # The strict CSP: no inline script or style anywhere in the page.
    assert "<style" not in body and ' style="' not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None


def test_an_iam_user_sees_name_at_alias_and_a_switch_role_link(client, account, aws_managed_policies):
    operations.run(account.root, "CreateAccountAlias", {"account_alias": "example-corp"})
    body = text(signed_in(client, read_only_user(account, "alice")).get("/"))
    assert '<span class="identity-name">alice</span> @ <span class="identity-account">example-corp</span>' in body
    assert 'href="/switchrole"' in body


def test_the_navigation_marks_the_section_and_pages_have_breadcrumbs(root_client, account):
    factories.group(account, "admins")
    body = text(root_client.get("/groups/admins"))
    assert 'href="/groups" aria-current="page">User groups</a>' in body
    assert '<nav class="breadcrumbs"' in body
    assert '<li aria-current="page">admins</li>' in body


def test_unknown_pages_get_the_styled_404_in_the_layout(root_client):
    response = root_client.get("/no-such-page")
    assert response.status_code == 404
    body = text(response)
    assert "This page does not exist" in body
    assert '<nav class="sidenav"' in body


def test_the_500_page_renders_without_a_request(db):
    from django.template.loader import render_to_string

    body = render_to_string("500.html", {})
    assert "Something went wrong on our side" in body
    assert "sidenav" not in body


# --- dashboard -----------------------------------------------------------------------------------------------------


def test_dashboard_as_root_shows_account_counts_and_recommendations(root_client, account):
    factories.user(account, "alice")
    factories.group(account, "admins")
    response = root_client.get("/")
    assert response.status_code == 200
    body = text(response)
    assert f'<code id="account-id">{account.account_id}</code>' in body
    assert "No alias yet" in body and ">None<" not in body
    assert f"http://127.0.0.1:8000/signin/{account.account_id}" in body
    counts = dict(re.findall(r'<span class="number">(\d+)</span>([^<]+)</a>', body))
    assert counts["1"] in ("User groups", "Users")
    assert re.search(r'<span class="number">1</span>Users</a>', body)
    assert re.search(r'<span class="number">1</span>User groups</a>', body)
    # The account fixture has one root access key, and root has no MFA.
    assert "Add MFA for the root user" in body
    assert "The root user has access keys" in body


def test_dashboard_flags_keys_older_than_90_days(root_client, account):
    AccessKey.objects.filter(account__account_id=account.account_id, user__isnull=True).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    assert "Rotate your 1 active access key(s) older than 90 days" in text(root_client.get("/"))


def test_dashboard_as_read_only_user_disables_alias_writes(reader_client, account):
    response = reader_client.get("/")
    assert response.status_code == 200
    body = text(response)
    assert re.search(r'<span class="number">\d+</span>Users</a>', body)
    assert "You need iam:CreateAccountAlias to change the alias." in body
    assert 'aria-disabled="true">Create</a>' in body


def test_dashboard_without_permissions_shows_denied_panels_not_errors(nobody_client, account):
    response = nobody_client.get("/")
    assert response.status_code == 200
    assert {"iam:GetAccountSummary", "iam:ListAccountAliases"} <= set(missing_action(response))
    assert account.account_id in text(response)


def test_alias_create_edit_and_delete(root_client, account):
    dialog = root_client.get("/account-alias", **HTMX)
    assert text(dialog).lstrip().startswith('<section class="card" id="account-card"')
    assert 'name="account_alias"' in text(dialog)
    response = root_client.post("/account-alias", {"account_alias": "example-corp"})
    assert response.status_code == 302 and response["Location"] == "/"
    body = text(root_client.get("/"))
    assert "Account alias set to example-corp." in body
    assert "http://127.0.0.1:8000/signin/example-corp" in body
    # Edit replaces it (one alias per account); htmx gets a full navigation to show the message.
    edited = root_client.post("/account-alias", {"account_alias": "example-two"}, **HTMX)
    assert edited["HX-Redirect"] == "/"
    assert Account.objects.get(account_id=account.account_id).alias == "example-two"
    deleted = root_client.post("/account-alias", {"delete": "1", "current_alias": "example-two"})
    assert deleted.status_code == 302
    assert Account.objects.get(account_id=account.account_id).alias is None


def test_a_bad_alias_is_shown_on_the_form(root_client, account, other_account):
    operations.run(other_account.root, "CreateAccountAlias", {"account_alias": "taken-alias"})
    invalid = root_client.post("/account-alias", {"account_alias": "Bad--Alias"}, **HTMX)
    assert invalid.status_code == 400
    assert 'class="field-error"' in text(invalid)
    taken = root_client.post("/account-alias", {"account_alias": "taken-alias"}, **HTMX)
    assert taken.status_code == 409
    assert "The account alias taken-alias already exists." in text(taken)


def test_a_denied_alias_write_names_the_missing_action(reader_client, account):
    response = reader_client.post("/account-alias", {"account_alias": "example-corp"}, **HTMX)
    assert response.status_code == 403
    assert missing_action(response) == ["iam:CreateAccountAlias"]
    assert Account.objects.get(account_id=account.account_id).alias is None
    assert AuditEvent.objects.filter(event_name="CreateAccountAlias", outcome="denied").count() == 1


def test_writes_need_the_csrf_token(account):
    client = signed_in(Client(enforce_csrf_checks=True), account.root)
    response = client.post("/account-alias", {"account_alias": "example-corp"})
    assert response.status_code == 403
    assert "You cannot open this page" in text(response)
    assert Account.objects.get(account_id=account.account_id).alias is None


# --- search --------------------------------------------------------------------------------------------------------


def result_links(response) -> list[str]:
    return re.findall(r'<span class="result-kind">[^<]+</span> <a href="([^"]+)">', text(response))


def test_search_finds_entities_by_name_and_tasks_by_words(root_client, account):
    factories.user(account, "deploy-bot")
    factories.group(account, "deployers")
    factories.user(account, "alice")
    response = root_client.get("/search?q=DEPLOY")
    assert response.status_code == 200
    links = result_links(response)
    assert "/users/deploy-bot" in links
    assert "/groups/deployers" in links
    assert "/users/alice" not in links
    assert "/roles/create" in result_links(root_client.get("/search?q=create+role"))
    assert "/security-credentials" in result_links(root_client.get("/search?q=add+mfa"))
    assert "/users/create" in result_links(root_client.get("/search?q=create user"))
    assert 'id="no-results"' in text(root_client.get("/search?q=zzzz-nothing"))


@pytest.mark.parametrize(
    ("query", "url"),
    [
        ("manage access keys alice", "/users/alice?tab=security-credentials"),
        ("Manage MFA for alice", "/users/alice?tab=security-credentials"),
        ("add user alice to groups", "/users/alice?tab=groups"),
        ("add users to group admins", "/groups/admins?tab=users"),
        ("edit trust policy for role deployer", "/roles/deployer?tab=trust"),
        ("attach policy to group admins", "/groups/admins?tab=permissions"),
        # Links to entity pages are built like every other link to them ("+" stays literal in a path).
        ("delete group a+b", "/groups/a+b"),
        ("delete user create", "/users/~/create"),
        ("edit trust policy for role Create", "/roles/~/Create?tab=trust"),
    ],
)
def test_search_task_phrases_that_name_an_entity(root_client, query, url):
    assert url in result_links(root_client.get("/search", {"q": query}))


def test_search_finds_an_access_key_by_its_id(root_client, account):
    factories.user(account, "alice")
    key, _ = factories.access_key(account, "alice")
    assert "/users/alice" in result_links(root_client.get(f"/search?q={key.lower()}"))
    assert "/security-credentials" in result_links(root_client.get(f"/search?q={account.access_key_id}"))


def test_search_htmx_returns_the_results_partial(root_client, account):
    factories.user(account, "alice")
    response = root_client.get("/search?q=alice", **HTMX)
    assert text(response).lstrip().startswith('<div id="search-results">')
    assert "/users/alice" in result_links(response)


def test_search_shows_only_the_kinds_the_actor_may_list(client, account):
    factories.user(account, "alice")
    factories.group(account, "alice-team")
    lister = factories.iam_user(account, "lister", factories.allow("iam:ListGroups"))
    response = signed_in(client, lister).get("/search?q=alice")
    links = result_links(response)
    assert "/groups/alice-team" in links
    assert "/users/alice" not in links
    assert "iam:ListUsers" in missing_action(response)


def test_search_as_read_only_user_and_without_permissions(reader_client, nobody_client, account):
    factories.user(account, "alice")
    assert "/users/alice" in result_links(reader_client.get("/search?q=alice"))
    denied = nobody_client.get("/search?q=alice")
    assert denied.status_code == 200
    assert "/users/alice" not in result_links(denied)
    assert "iam:ListUsers" in missing_action(denied)


# --- account settings ----------------------------------------------------------------------------------------------


def custom_policy(**changes):
    data = {
        "policy": "custom",
        "minimum_password_length": "12",
        "require_uppercase_characters": "on",
        "require_numbers": "on",
        "expire_passwords": "on",
        "max_password_age": "90",
        "prevent_reuse": "on",
        "password_reuse_prevention": "5",
    }
    data.update(changes)
    return data


def test_account_settings_shows_the_default_then_a_custom_policy(root_client, account):
    body = text(root_client.get("/account-settings"))
    assert 'id="policy-default"' in body
    response = root_client.post("/account-settings", custom_policy())
    assert response.status_code == 302 and response["Location"] == "/account-settings"
    policy = PasswordPolicy.objects.get(account__account_id=account.account_id)
    assert (policy.minimum_password_length, policy.max_password_age, policy.password_reuse_prevention) == (12, 90, 5)
    assert policy.require_uppercase_characters and policy.require_numbers and not policy.require_symbols
    body = text(root_client.get("/account-settings"))
    assert "At least 12 characters" in body and "Passwords expire after 90 days" in body
    # Back to the IAM default.
    root_client.post("/account-settings", {"policy": "default"})
    assert not PasswordPolicy.objects.filter(account__account_id=account.account_id).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minimum_password_length", "5"),
        ("minimum_password_length", "129"),
        ("max_password_age", "1096"),
        ("password_reuse_prevention", "25"),
        ("max_password_age", "0"),
        ("minimum_password_length", "x"),
    ],
)
def test_password_policy_bounds_are_aws_bounds(root_client, account, field, value):
    response = root_client.post("/account-settings", custom_policy(**{field: value}), **HTMX)
    assert response.status_code == 400
    assert 'class="field-error"' in text(response)
    assert not PasswordPolicy.objects.filter(account__account_id=account.account_id).exists()


def test_account_settings_edit_partial_and_denied_write(reader_client, account):
    page = reader_client.get("/account-settings?edit=1", **HTMX)
    assert page.status_code == 200
    assert text(page).lstrip().startswith('<section class="card" id="password-policy"')
    assert "You need <code>iam:UpdateAccountPasswordPolicy</code>" in text(page)
    denied = reader_client.post("/account-settings", custom_policy(), **HTMX)
    assert denied.status_code == 403
    assert missing_action(denied) == ["iam:UpdateAccountPasswordPolicy"]


def test_account_settings_without_permissions(nobody_client):
    response = nobody_client.get("/account-settings")
    assert response.status_code == 200
    assert "iam:GetAccountPasswordPolicy" in missing_action(response)


# --- credential report ---------------------------------------------------------------------------------------------


def test_credential_report_generate_poll_and_download(root_client, account):
    from identities.tasks import generate_credential_report_task

    page = root_client.get("/credential-report")
    assert 'id="report-none"' in text(page)
    generated = root_client.post("/credential-report", **HTMX)
    assert generated.status_code == 200
    body = text(generated)
    assert body.lstrip().startswith('<div id="report-status"')
    # The partial polls while the generation task has not run.
    assert 'hx-trigger="every 2s"' in body and 'id="report-progress"' in body
    assert 'hx-trigger="every 2s"' in text(root_client.get("/credential-report", **HTMX))
    generate_credential_report_task(account.account_id)
    polled = root_client.get("/credential-report", **HTMX)
    assert 'id="report-ready"' in text(polled)
    download = root_client.get("/credential-report/download")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert re.match(
        r'attachment; filename="status_reports_\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d\.csv"', download["Content-Disposition"]
    )
    assert download.content.decode().startswith("user,arn,user_creation_time,password_enabled")


def test_credential_report_as_read_only_and_without_permissions(reader_client, nobody_client):
    # ReadOnlyAccess grants iam:Generate* and iam:Get*: a read-only user may make and read the report.
    page = reader_client.get("/credential-report")
    assert page.status_code == 200
    assert 'id="generate-report"' in text(page) and "You need iam:GenerateCredentialReport." not in text(page)
    nothing = nobody_client.get("/credential-report")
    assert "iam:GetCredentialReport" in missing_action(nothing)
    denied = nobody_client.post("/credential-report", **HTMX)
    assert denied.status_code == 403
    assert "iam:GenerateCredentialReport" in missing_action(denied)
    assert nobody_client.get("/credential-report/download").status_code == 403
