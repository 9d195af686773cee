"""The Users pages beyond the list: user detail and its tabs, the create wizard, bulk delete, and My security
credentials, as root, as a read-only IAM user (AWS managed ReadOnlyAccess) and as a user without permissions.

Everything goes through the console over Django's test client; state is checked through ``operations.run``."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import time
from typing import Any

import pyotp
import pytest
from django.conf import settings

from accounts.models import AuditEvent
from iamconsole.arn import aws_managed_policy_arn
from tests import factories
from tests.console import HTMX, signed_in
from tests.factories import allow, document, iam_user, run

READ_ONLY = aws_managed_policy_arn("ReadOnlyAccess")


def body(response: Any) -> str:
    return response.content.decode()


def found(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text`` (failing the test when it is absent)."""
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


@pytest.fixture
def alice(account: Any) -> str:
    factories.user(account, "alice", path="/eng/")
    return "alice"


def key_ids(account: Any, user_name: str) -> list[tuple[str, str]]:
    page = run(account, "ListAccessKeys", user_name=user_name)
    return [(key.access_key_id, key.status) for key in page.items]


# --- user detail ------------------------------------------------------------------------------------------------


def test_detail_shows_the_summary_and_the_permissions_tab(root_client, account, alice, aws_managed_policies):
    factories.attach(account, READ_ONLY, user_name=alice)
    factories.login_profile(account, alice, "Initial-Pass-1")
    response = root_client.get("/users/alice")
    assert response.status_code == 200
    text = body(response)
    assert f"arn:aws:iam::{account.account_id}:user/eng/alice" in text
    assert '<dd id="summary-console-access">Enabled</dd>' in text
    assert 'href="/users/alice?tab=permissions" hx-get="/users/alice?tab=permissions"' in text
    assert "ReadOnlyAccess" in text and "AWS managed" in text
    assert "<html" in text


def test_detail_of_a_missing_user_is_a_404_with_the_error(root_client, db):
    response = root_client.get("/users/ghost")
    assert response.status_code == 404
    assert "The user with name ghost cannot be found." in body(response)


@pytest.mark.parametrize("tab", ["permissions", "groups", "tags", "security_credentials"])
def test_each_tab_is_an_htmx_partial(root_client, alice, tab):
    response = root_client.get(f"/users/alice?tab={tab}", **HTMX)
    assert response.status_code == 200
    text = body(response)
    assert text.lstrip().startswith('<div id="user-tab"')
    assert "<html" not in text
    assert "user-summary" not in text
    assert f'?tab={tab}" hx-target="#user-tab" hx-swap="outerHTML" hx-push-url="true" aria-current="page"' in text


def test_attach_and_detach_a_managed_policy(root_client, account, alice, aws_managed_policies):
    response = root_client.post("/users/alice/permissions", {"action": "attach", "policy_arn": READ_ONLY}, **HTMX)
    assert response.status_code == 200
    assert "1 policy attached." in body(response)
    attached = run(account, "ListAttachedUserPolicies", user_name=alice)
    assert [item.policy.arn for item in attached.items] == [READ_ONLY]
    response = root_client.post("/users/alice/permissions", {"action": "detach", "policy_arn": READ_ONLY}, **HTMX)
    assert "Policy detached." in body(response)
    assert list(run(account, "ListAttachedUserPolicies", user_name=alice).items) == []


def test_policies_through_groups_are_listed_with_their_group(root_client, account, alice, aws_managed_policies):
    factories.group(account, "auditors")
    run(account, "AttachGroupPolicy", group_name="auditors", policy_arn=READ_ONLY)
    run(account, "AddUserToGroup", group_name="auditors", user_name=alice)
    text = body(root_client.get("/users/alice?tab=permissions", **HTMX))
    assert 'Group <a href="/groups/auditors">auditors</a>' in text


def test_inline_policy_put_shows_json_and_delete(root_client, account, alice):
    doc = document(allow("s3:GetObject"))
    response = root_client.post(
        "/users/alice/permissions",
        {"action": "put_inline", "policy_name": "read-s3", "policy_document": doc},
        **HTMX,
    )
    assert response.status_code == 200
    text = body(response)
    assert "Inline policy read-s3 saved." in text
    assert "s3:GetObject" in text
    response = root_client.post(
        "/users/alice/permissions", {"action": "delete_inline", "policy_name": "read-s3"}, **HTMX
    )
    assert "Inline policy deleted." in body(response)
    assert list(run(account, "ListUserPolicies", user_name=alice).items) == []


def test_a_malformed_inline_policy_is_shown_on_the_form(root_client, alice):
    response = root_client.post(
        "/users/alice/permissions",
        {"action": "put_inline", "policy_name": "bad", "policy_document": "{not json"},
        **HTMX,
    )
    assert response.status_code == 400
    assert 'class="field-error"' in body(response)


def test_set_and_remove_the_permissions_boundary(root_client, account, alice, aws_managed_policies):
    response = root_client.post(
        "/users/alice/permissions", {"action": "set_boundary", "permissions_boundary": READ_ONLY}, **HTMX
    )
    assert "Permissions boundary set." in body(response)
    assert "Bounded by <strong>ReadOnlyAccess</strong>" in body(response)
    assert run(account, "GetUser", user_name=alice).permissions_boundary.arn == READ_ONLY
    response = root_client.post("/users/alice/permissions", {"action": "remove_boundary"}, **HTMX)
    assert "No permissions boundary." in body(response)
    assert run(account, "GetUser", user_name=alice).permissions_boundary is None


def test_add_to_and_remove_from_groups(root_client, account, alice):
    factories.group(account, "devs")
    factories.group(account, "ops")
    response = root_client.post("/users/alice/groups", {"action": "add", "group_name": ["devs", "ops"]}, **HTMX)
    assert "Added to devs, ops." in body(response)
    assert [g.name for g in run(account, "ListGroupsForUser", user_name=alice).items] == ["devs", "ops"]
    response = root_client.post("/users/alice/groups", {"action": "remove", "group_name": "devs"}, **HTMX)
    assert "Removed from devs." in body(response)
    assert [g.name for g in run(account, "ListGroupsForUser", user_name=alice).items] == ["ops"]


def test_tags_are_added_changed_and_removed(root_client, account, alice):
    run(account, "TagUser", user_name=alice, tags=[{"key": "team", "value": "a"}, {"key": "old", "value": "x"}])
    response = root_client.post(
        "/users/alice/tags",
        {"action": "save", "tag_key": ["team", "cost", ""], "tag_value": ["b", "42", ""]},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Tags saved." in body(response)
    tags = run(account, "ListUserTags", user_name=alice).tags
    assert tags == [{"Key": "cost", "Value": "42"}, {"Key": "team", "Value": "b"}]


@pytest.mark.parametrize(
    ("keys", "values", "message"),
    [
        (["aws:x"], [""], "keys starting with &#x27;aws:&#x27; are reserved for AWS."),
        (["k" * 129], [""], "Member must have length less than or equal to 128"),
        (["a", "A"], ["1", "2"], "Duplicate tag keys found."),
        ([""], ["orphan"], "The tag with value “orphan” needs a key."),
        (["ok"], ["v" * 257], "Member must have length less than or equal to 256"),
    ],
)
def test_tag_rules_are_checked_before_anything_is_sent(root_client, account, alice, keys, values, message):
    response = root_client.post("/users/alice/tags", {"action": "save", "tag_key": keys, "tag_value": values}, **HTMX)
    assert response.status_code == 400
    assert message in body(response)
    assert run(account, "ListUserTags", user_name=alice).tags == []
    assert not AuditEvent.objects.filter(event_name="TagUser").exists()


def test_adding_a_tag_row_keeps_what_was_typed(root_client, alice):
    response = root_client.post(
        "/users/alice/tags", {"action": "add_row", "tag_key": ["a"], "tag_value": ["1"]}, **HTMX
    )
    text = body(response)
    assert 'name="tag_key" value="a"' in text
    assert text.count('name="tag_key"') == 2


def test_delete_user_requires_its_name_and_removes_what_it_holds(root_client, account, alice, aws_managed_policies):
    factories.group(account, "devs", members=(alice,))
    factories.attach(account, READ_ONLY, user_name=alice)
    factories.put_user_policy(account, alice, document(allow("s3:*")), policy_name="p")
    factories.login_profile(account, alice, "Initial-Pass-1")
    factories.access_key(account, alice)
    refused = root_client.post("/users/alice/delete", {"confirm": "alic"})
    assert refused.status_code == 400
    assert "Type the user name “alice” to confirm the deletion." in body(refused)
    response = root_client.post("/users/alice/delete", {"confirm": "alice"})
    assert response.status_code == 302
    assert response["Location"] == "/users"
    assert "alice" not in [user.name for user in run(account, "ListUsers").items]
    assert "User alice deleted." in body(root_client.get("/users"))


# --- security credentials tab -----------------------------------------------------------------------------------


def test_access_key_secret_is_shown_once_with_a_csv(root_client, account, alice):
    response = root_client.post("/users/alice/security_credentials", {"action": "create_key"}, **HTMX)
    assert response.status_code == 200
    text = body(response)
    [(key_id, status)] = key_ids(account, alice)
    assert status == "Active"
    assert f'<dd class="mono" id="new-access-key-id">{key_id}</dd>' in text
    secret = html.unescape(found(r'id="new-secret-key" type="password" value="([^"]+)"', text))
    csv_uri = found(r'href="data:text/csv;base64,([^"]+)" download="alice_accessKeys.csv"', text)
    rows = list(csv.reader(io.StringIO(base64.b64decode(csv_uri).decode())))
    assert rows == [["Access key ID", "Secret access key"], [key_id, secret]]
    # The secret is never shown again.
    again = body(root_client.get("/users/alice?tab=security_credentials"))
    assert key_id in again
    assert secret not in again


def test_access_key_deactivate_activate_and_delete_with_confirmation(root_client, account, alice):
    key_id = run(account, "CreateAccessKey", user_name=alice).access_key.access_key_id
    url = "/users/alice/security_credentials"
    # An active key is deactivated before it can be deleted.
    refused = root_client.post(url, {"action": "delete_key", "access_key_id": key_id, "confirm": key_id}, **HTMX)
    assert refused.status_code == 400
    assert "Deactivate the access key before deleting it." in body(refused)
    response = root_client.post(url, {"action": "deactivate_key", "access_key_id": key_id}, **HTMX)
    assert f"Access key {key_id} is now inactive." in body(response)
    assert key_ids(account, alice) == [(key_id, "Inactive")]
    response = root_client.post(url, {"action": "activate_key", "access_key_id": key_id}, **HTMX)
    assert key_ids(account, alice) == [(key_id, "Active")]
    root_client.post(url, {"action": "deactivate_key", "access_key_id": key_id}, **HTMX)
    mistyped = root_client.post(url, {"action": "delete_key", "access_key_id": key_id, "confirm": "nope"}, **HTMX)
    assert mistyped.status_code == 400
    assert key_ids(account, alice) == [(key_id, "Inactive")]
    response = root_client.post(url, {"action": "delete_key", "access_key_id": key_id, "confirm": key_id}, **HTMX)
    assert f"Access key {key_id} deleted." in body(response)
    assert key_ids(account, alice) == []


def test_create_access_key_is_disabled_at_two_and_the_quota_is_reported(root_client, account, alice):
    factories.access_key(account, alice)
    factories.access_key(account, alice)
    text = body(root_client.get("/users/alice?tab=security_credentials", **HTMX))
    assert re.search(r'value="create_key" class="primary" disabled', text)
    assert "at most 2 access keys" in text
    response = root_client.post("/users/alice/security_credentials", {"action": "create_key"}, **HTMX)
    assert response.status_code == 409
    assert "LimitExceeded" in body(response)


def test_last_used_shows_date_service_and_region(root_client, account, alice):
    from identities.models import AccessKey  # test setup only: record a use as the API would

    key_id = run(account, "CreateAccessKey", user_name=alice).access_key.access_key_id
    AccessKey.objects.filter(access_key_id=key_id).update(
        last_used_at="2026-11-30T10:00:00Z", last_used_service="iam", last_used_region="us-east-1"
    )
    text = body(root_client.get("/users/alice?tab=security_credentials", **HTMX))
    assert "2026-11-30 10:00 UTC" in text
    assert "iam · us-east-1" in text


def test_console_password_enable_reset_and_disable(root_client, account, alice):
    url = "/users/alice/security_credentials"
    response = root_client.post(
        url, {"action": "enable_password", "password_type": "auto", "password_reset_required": "on"}, **HTMX
    )
    assert response.status_code == 200
    text = body(response)
    password = html.unescape(found(r'id="new-password" type="password" value="([^"]+)"', text))
    assert len(password) >= 20
    profile = run(account, "GetLoginProfile", user_name=alice)
    assert profile.password_reset_required is True
    # The generated password is the one set.
    from identities import selectors  # test check only

    assert selectors.check_console_password(account=account.model, user_name=alice, password=password) is not None
    assert html.escape(password) not in body(root_client.get("/users/alice?tab=security_credentials"))
    response = root_client.post(
        url, {"action": "reset_password", "password_type": "custom", "password": "Another-Pass-2"}, **HTMX
    )
    assert "Console password reset." in body(response)
    assert run(account, "GetLoginProfile", user_name=alice).password_reset_required is False
    response = root_client.post(url, {"action": "disable_password"}, **HTMX)
    assert "Console access disabled" in body(response)
    assert "Not enabled" in body(response)


def test_a_custom_password_that_breaks_the_policy_is_shown_on_the_form(root_client, account, alice):
    run(account, "UpdateAccountPasswordPolicy", minimum_password_length=30)
    response = root_client.post(
        "/users/alice/security_credentials",
        {"action": "enable_password", "password_type": "custom", "password": "short-1A"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "PasswordPolicyViolation" in body(response)
    assert '<details class="action" open>' in body(response)


def _assign_mfa(client: Any, url: str, name: str) -> tuple[str, str]:
    response = client.post(url, {"action": "start_mfa", "device_name": name}, **HTMX)
    assert response.status_code == 200
    text = body(response)
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="QR code', text)
    seed = found(r'<p class="mono breakable" id="mfa-seed">([A-Z2-7=]+)</p>', text)
    serial = found(r'name="serial_number" value="([^"]+)"', text)
    return seed, serial


def test_assign_a_virtual_mfa_device_with_two_codes_then_remove_it(root_client, account, alice):
    url = "/users/alice/security_credentials"
    seed, serial = _assign_mfa(root_client, url, "alice-phone")
    totp = pyotp.TOTP(seed)
    wrong = root_client.post(
        url,
        {
            "action": "enable_mfa",
            "serial_number": serial,
            "authentication_code1": "000000",
            "authentication_code2": "111111",
        },
        **HTMX,
    )
    assert wrong.status_code >= 400
    assert "data:image/png;base64," in body(wrong)  # the QR code stays for another try
    now = time.time()
    codes = {"authentication_code1": totp.at(now - 30), "authentication_code2": totp.at(now)}
    response = root_client.post(url, {"action": "enable_mfa", "serial_number": serial, **codes}, **HTMX)
    assert response.status_code == 200, body(response)
    assert "MFA device assigned." in body(response)
    assert seed not in body(response)
    assert [d.serial_number for d in run(account, "ListMFADevices", user_name=alice).items] == [serial]
    response = root_client.post(url, {"action": "remove_mfa", "serial_number": serial}, **HTMX)
    assert "MFA device removed." in body(response)
    assert list(run(account, "ListMFADevices", user_name=alice).items) == []


def test_an_unfinished_mfa_setup_does_not_hold_the_device_name(root_client, account, alice):
    url = "/users/alice/security_credentials"
    _, first = _assign_mfa(root_client, url, "phone")
    _, second = _assign_mfa(root_client, url, "phone")
    assert first == second  # same name, same ARN: the abandoned device was deleted first
    devices = run(account, "ListVirtualMFADevices").items
    assert [device.serial_number for device in devices] == [second]


def test_resync_an_mfa_device(root_client, account, alice):
    url = "/users/alice/security_credentials"
    seed, serial = _assign_mfa(root_client, url, "drifty")
    totp = pyotp.TOTP(seed)
    now = time.time()
    codes = {"authentication_code1": totp.at(now - 30), "authentication_code2": totp.at(now)}
    root_client.post(url, {"action": "enable_mfa", "serial_number": serial, **codes}, **HTMX)
    bad = {"authentication_code1": "123456", "authentication_code2": "654321"}
    response = root_client.post(url, {"action": "resync_mfa", "serial_number": serial, **bad}, **HTMX)
    assert response.status_code >= 400
    assert "InvalidAuthenticationCode" in body(response)
    later = {"authentication_code1": totp.at(now + 30), "authentication_code2": totp.at(now + 60)}
    response = root_client.post(url, {"action": "resync_mfa", "serial_number": serial, **later}, **HTMX)
    assert response.status_code == 200, body(response)
    assert "MFA device resynchronized." in body(response)


def test_access_key_description_is_a_user_tag_named_after_the_key(root_client, account, alice):
    url = "/users/alice/security_credentials"
    response = root_client.post(url, {"action": "create_key", "description": "CI deploys"}, **HTMX)
    [(key_id, _)] = key_ids(account, alice)
    assert run(account, "ListUserTags", user_name=alice).tags == [{"Key": key_id, "Value": "CI deploys"}]
    assert "<td>CI deploys</td>" in body(response)
    root_client.post(url, {"action": "deactivate_key", "access_key_id": key_id}, **HTMX)
    root_client.post(url, {"action": "delete_key", "access_key_id": key_id, "confirm": key_id}, **HTMX)
    assert run(account, "ListUserTags", user_name=alice).tags == []


def test_attach_refuses_past_the_managed_policy_quota(root_client, account, alice):
    from tests.factories import make_policy

    arns = [make_policy(account.model, f"p{index}", document(allow("s3:*"))).arn for index in range(11)]
    for arn in arns[:10]:
        run(account, "AttachUserPolicy", user_name=alice, policy_arn=arn)
    text = body(root_client.get("/users/alice?tab=permissions", **HTMX))
    assert re.search(r'value="attach" class="primary" disabled', text)
    response = root_client.post("/users/alice/permissions", {"action": "attach", "policy_arn": arns[10]}, **HTMX)
    assert response.status_code == 400
    assert "at most 10 managed policies" in body(response)
    assert len(run(account, "ListAttachedUserPolicies", user_name=alice).items) == 10


def test_add_to_groups_refuses_past_ten(root_client, account, alice):
    for index in range(11):
        factories.group(account, f"g{index:02d}")
    for index in range(9):
        run(account, "AddUserToGroup", group_name=f"g{index:02d}", user_name=alice)
    response = root_client.post("/users/alice/groups", {"action": "add", "group_name": ["g09", "g10"]}, **HTMX)
    assert response.status_code == 400
    assert "at most 10 groups" in body(response)
    assert len(run(account, "ListGroupsForUser", user_name=alice).items) == 9


# --- read-only and no-permission principals ---------------------------------------------------------------------


def test_read_only_user_sees_everything_with_writes_disabled(reader_client, account, alice):
    response = reader_client.get("/users/alice")
    assert response.status_code == 200
    text = body(response)
    assert f"arn:aws:iam::{account.account_id}:user/eng/alice" in text
    assert "You need the permission iam:DeleteUser for this." in text
    assert "You need the permission iam:AttachUserPolicy for this." in text
    creds = body(reader_client.get("/users/alice?tab=security_credentials", **HTMX))
    assert "You need the permission iam:CreateAccessKey for this." in creds
    assert re.search(r'value="create_key" class="primary" disabled', creds)


@pytest.mark.parametrize(
    ("tab", "data", "action"),
    [
        ("permissions", {"action": "attach", "policy_arn": READ_ONLY}, "iam:AttachUserPolicy"),
        ("groups", {"action": "remove", "group_name": "x"}, "iam:RemoveUserFromGroup"),
        ("tags", {"action": "save", "tag_key": ["k"], "tag_value": ["v"]}, "iam:TagUser"),
        ("security_credentials", {"action": "create_key"}, "iam:CreateAccessKey"),
        ("security_credentials", {"action": "disable_password"}, "iam:DeleteLoginProfile"),
    ],
)
def test_read_only_user_writes_are_denied_naming_the_action(reader_client, account, alice, tab, data, action):
    if tab == "groups":
        factories.group(account, "x")
        run(account, "AddUserToGroup", group_name="x", user_name=alice)
    response = reader_client.post(f"/users/alice/{tab}", data, **HTMX)
    assert response.status_code == 403
    text = body(response)
    assert 'id="access-denied"' in text
    assert f'<code class="missing-action">{action}</code>' in text
    assert text.lstrip().startswith('<div id="user-tab"')


def test_read_only_user_cannot_delete_a_user(reader_client, account, alice):
    response = reader_client.post("/users/alice/delete", {"confirm": "alice"})
    assert response.status_code == 403
    assert '<code class="missing-action">iam:DeleteUser</code>' in body(response)
    assert "alice" in [user.name for user in run(account, "ListUsers").items]


def test_user_without_permissions_sees_the_access_denied_panel(nobody_client, account, alice):
    response = nobody_client.get("/users/alice")
    assert response.status_code == 403
    text = body(response)
    assert '<code class="missing-action">iam:GetUser</code>' in text
    assert "<html" in text
    partial = nobody_client.get("/users/alice?tab=groups", **HTMX)
    assert partial.status_code == 403
    assert "<html" not in body(partial)
    assert AuditEvent.objects.filter(event_name="GetUser", outcome="denied").count() == 2


# --- create user wizard -----------------------------------------------------------------------------------------


def _wizard_to_review(client: Any, details: dict[str, Any], permissions: dict[str, Any]) -> None:
    assert client.get("/users/create").status_code == 200
    response = client.post("/users/create?step=details", {"nav": "next", **details})
    assert response.status_code == 302, body(response)
    assert response["Location"] == "/users/create?step=permissions"
    response = client.post("/users/create?step=permissions", {"nav": "next", **permissions})
    assert response.status_code == 302, body(response)
    assert response["Location"] == "/users/create?step=review"


def test_wizard_creates_a_user_with_password_groups_boundary_and_tags(root_client, account, aws_managed_policies):
    factories.group(account, "devs")
    run(account, "UpdateAccountPasswordPolicy", allow_users_to_change_password=True)
    _wizard_to_review(
        root_client,
        {
            "user_name": "bob",
            "path": "/eng/",
            "console_access": "on",
            "password_type": "auto",
            "password_reset_required": "on",
        },
        {"option": "groups", "groups": ["devs"], "permissions_boundary": READ_ONLY},
    )
    review = body(root_client.get("/users/create?step=review"))
    assert "Autogenerated, new password required at next sign-in" in review
    assert "devs" in review
    response = root_client.post(
        "/users/create?step=review", {"nav": "create", "tag_key": ["team"], "tag_value": ["core"]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/users/create/done"
    done = root_client.get("/users/create/done")
    assert done.status_code == 200
    text = body(done)
    assert "User bob created" in text
    assert "with problems" not in text
    password = html.unescape(found(r'id="created-password" type="password" value="([^"]+)"', text))
    csv_uri = found(r'href="data:text/csv;base64,([^"]+)" download="bob_credentials.csv"', text)
    rows = list(csv.reader(io.StringIO(base64.b64decode(csv_uri).decode())))
    assert rows == [
        ["User name", "Password", "Console sign-in URL"],
        ["bob", password, f"{settings.IAM_CONSOLE_URL}/signin/{account.account_id}"],
    ]
    user = run(account, "GetUser", user_name="bob")
    assert user.path == "/eng/"
    assert user.permissions_boundary.arn == READ_ONLY
    assert user.tags == {"team": "core"}
    assert run(account, "GetLoginProfile", user_name="bob").password_reset_required is True
    assert [g.name for g in run(account, "ListGroupsForUser", user_name="bob").items] == ["devs"]
    # Each operation was run and audited on its own.
    for name in ("CreateUser", "PutUserPermissionsBoundary", "TagUser", "CreateLoginProfile", "AddUserToGroup"):
        assert AuditEvent.objects.filter(event_name=name, outcome="success").exists(), name
    # The password is in no audit record (operations record no parameters) and in no URL the wizard used.
    assert not any(
        password in f"{event.details} {event.error_message} {event.resource_arn}" for event in AuditEvent.objects.all()
    )
    # The password is shown once: the result page is gone after the first look.
    second = root_client.get("/users/create/done")
    assert second.status_code == 404
    assert html.escape(password) not in body(second)


def test_reset_required_without_self_service_attaches_iamuserchangepassword(root_client, account, aws_managed_policies):
    _wizard_to_review(
        root_client,
        {
            "user_name": "carl",
            "console_access": "on",
            "password_type": "custom",
            "password": "Custom-Pass-99",
            "password_reset_required": "on",
        },
        {"option": "attach", "policy_arns": [READ_ONLY]},
    )
    root_client.post("/users/create?step=review", {"nav": "create"})
    text = body(root_client.get("/users/create/done"))
    assert "Custom-Pass-99" in text
    attached = {item.policy.name for item in run(account, "ListAttachedUserPolicies", user_name="carl").items}
    assert attached == {"ReadOnlyAccess", "IAMUserChangePassword"}


def test_wizard_back_and_forth_keeps_the_input(root_client, account):
    _wizard_to_review(
        root_client,
        {
            "user_name": "dora",
            "path": "/x/",
            "console_access": "on",
            "password_type": "custom",
            "password": "Kept-Pass-123",
        },
        {"option": "groups"},
    )
    response = root_client.post("/users/create?step=review", {"nav": "back", "tag_key": ["k"], "tag_value": ["v"]})
    assert response["Location"] == "/users/create?step=permissions"
    response = root_client.post("/users/create?step=permissions", {"nav": "back", "option": "groups"})
    assert response["Location"] == "/users/create?step=details"
    details = body(root_client.get("/users/create?step=details"))
    assert 'value="dora"' in details
    assert 'value="/x/"' in details
    review = body(root_client.get("/users/create?step=review"))
    assert 'name="tag_key" value="k"' in review
    # The custom password is kept on the server, shown again in its field only (never in a URL).
    assert 'value="Kept-Pass-123"' in details


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"user_name": "bad name!"}, "Member must satisfy regular expression pattern"),
        ({"user_name": "u" * 65}, "Ensure this value has at most 64 characters"),
        ({"user_name": "ok", "path": "no-slashes"}, "Member must satisfy regular expression pattern"),
        ({"user_name": "ok", "console_access": "on", "password_type": "custom"}, "Type the custom password"),
    ],
)
def test_wizard_first_step_checks_the_input(root_client, db, details, message):
    response = root_client.post("/users/create?step=details", {"nav": "next", **details})
    assert response.status_code == 400
    assert message in body(response)


def test_wizard_shows_field_errors_from_the_service(root_client, account):
    factories.user(account, "erin")
    _wizard_to_review(root_client, {"user_name": "ERIN"}, {"option": "groups"})
    response = root_client.post("/users/create?step=review", {"nav": "create"})
    assert response.status_code == 409
    text = body(response)
    assert "EntityAlreadyExists" in text
    assert "Nothing was created." in text


def test_wizard_partial_failure_says_what_was_and_was_not_done(client, account):
    # May create users and tag them, but not give them a password or add them to groups.
    creator = iam_user(account, "creator", allow(["iam:CreateUser", "iam:TagUser", "iam:List*", "iam:Get*"]))
    factories.group(account, "devs")
    signed_in(client, creator)
    _wizard_to_review(
        client,
        {"user_name": "fred", "console_access": "on", "password_type": "auto"},
        {"option": "groups", "groups": ["devs"]},
    )
    client.post("/users/create?step=review", {"nav": "create", "tag_key": ["team"], "tag_value": ["a"]})
    text = body(client.get("/users/create/done"))
    assert "User fred created, with problems" in text
    assert "2 steps failed" in text
    assert re.search(r"Gave the user a console password</td><td><strong>Not done</strong>: AccessDenied", text)
    assert re.search(r"Added to group devs</td><td><strong>Not done</strong>: AccessDenied", text)
    assert re.search(r"Added 1 tag\(s\)</td><td>Done", text)
    assert 'id="created-password"' not in text
    assert run(account, "GetUser", user_name="fred").tags == {"team": "a"}


def test_wizard_copies_another_users_permissions(root_client, account, aws_managed_policies):
    factories.user(account, "model")
    factories.group(account, "devs")
    run(account, "AddUserToGroup", group_name="devs", user_name="model")
    run(account, "AttachUserPolicy", user_name="model", policy_arn=READ_ONLY)
    factories.put_user_policy(account, "model", document(allow("s3:*")), policy_name="inl")
    run(account, "PutUserPermissionsBoundary", user_name="model", permissions_boundary=READ_ONLY)
    _wizard_to_review(root_client, {"user_name": "copy"}, {"option": "copy", "copy_from": "model"})
    root_client.post("/users/create?step=review", {"nav": "create"})
    assert "with problems" not in body(root_client.get("/users/create/done"))
    assert [g.name for g in run(account, "ListGroupsForUser", user_name="copy").items] == ["devs"]
    assert [a.policy.arn for a in run(account, "ListAttachedUserPolicies", user_name="copy").items] == [READ_ONLY]
    assert [p.name for p in run(account, "ListUserPolicies", user_name="copy").items] == ["inl"]
    assert run(account, "GetUser", user_name="copy").permissions_boundary.arn == READ_ONLY


def test_read_only_user_cannot_create_and_sees_why(reader_client, account):
    text = body(reader_client.get("/users"))
    assert "You need the permission iam:CreateUser for this." in text
    _wizard_to_review(reader_client, {"user_name": "zed"}, {"option": "groups"})
    review = body(reader_client.get("/users/create?step=review"))
    assert "You need the permission iam:CreateUser for this." in review
    response = reader_client.post("/users/create?step=review", {"nav": "create"})
    assert response.status_code == 403
    assert '<code class="missing-action">iam:CreateUser</code>' in body(response)


# --- bulk delete --------------------------------------------------------------------------------------------------


def test_bulk_delete_confirms_then_reports_each_user(root_client, account, aws_managed_policies):
    for name in ("u1", "u2"):
        factories.user(account, name)
    run(account, "AttachUserPolicy", user_name="u2", policy_arn=READ_ONLY)
    factories.access_key(account, "u2")
    confirm = root_client.post("/users/~delete", {"user_name": ["u1", "u2"]})
    assert confirm.status_code == 200
    assert "Delete 2 users?" in body(confirm)
    wrong = root_client.post("/users/~delete", {"user_name": ["u1", "u2"], "confirm": "yes"})
    assert wrong.status_code == 400
    assert {user.name for user in run(account, "ListUsers").items} >= {"u1", "u2"}
    done = root_client.post("/users/~delete", {"user_name": ["u1", "u2"], "confirm": "delete"})
    assert done.status_code == 200
    text = body(done)
    assert "2 users deleted." in text
    assert "policy ReadOnlyAccess detached" in text
    assert not {user.name for user in run(account, "ListUsers").items} & {"u1", "u2"}


def test_bulk_delete_reports_denials_per_user(client, account):
    # May delete users under /temp/ only.
    deleter = iam_user(
        account,
        "deleter",
        allow(
            ["iam:DeleteUser", "iam:DeleteLoginProfile", "iam:List*"], f"arn:aws:iam::{account.account_id}:user/temp/*"
        ),
    )
    factories.user(account, "t1", path="/temp/")
    factories.user(account, "keep")
    response = signed_in(client, deleter).post("/users/~delete", {"user_name": ["t1", "keep"], "confirm": "delete"})
    assert response.status_code == 403
    text = body(response)
    assert "1 of 2 users could not be deleted." in text
    # Nothing is removed around a user the actor may not delete: the denial names DeleteUser.
    assert '<code class="missing-action">iam:DeleteUser</code>' in text
    assert {user.name for user in run(account, "ListUsers").items} == {"deleter", "keep"}


def test_the_users_list_has_selection_and_create(root_client, account, alice):
    text = body(root_client.get("/users"))
    assert 'name="user_name" value="alice"' in text
    assert 'href="/users/alice"' in text
    assert 'href="/users/create"' in text


# --- my security credentials --------------------------------------------------------------------------------------


def test_own_page_as_root_manages_root_access_keys(root_client, account):
    response = root_client.get("/security-credentials")
    assert response.status_code == 200
    text = body(response)
    assert "Root access keys can do anything" in text
    assert "Change password" not in text
    before = len(run(account, "ListAccessKeys").items)  # the account's first root key, from its creation
    response = root_client.post("/security-credentials", {"action": "create_key"}, **HTMX)
    assert response.status_code == 200
    assert body(response).lstrip().startswith('<div id="credentials-section"')
    assert len(run(account, "ListAccessKeys").items) == before + 1


def test_own_page_as_an_iam_user_changes_password_and_keys(client, account):
    me = iam_user(
        account, "me", allow(["iam:*AccessKey*", "iam:ChangePassword", "iam:GetLoginProfile", "iam:ListMFADevices"])
    )
    factories.login_profile(account, "me", "First-Pass-111")
    signed_in(client, me)
    text = body(client.get("/security-credentials"))
    assert "Change password" in text
    assert "Enabled, last set" in text
    response = client.post(
        "/security-credentials",
        {
            "action": "change_password",
            "old_password": "wrong",
            "new_password": "Second-Pass-222",
            "confirm_password": "Second-Pass-222",
        },
        **HTMX,
    )
    assert response.status_code == 403
    response = client.post(
        "/security-credentials",
        {
            "action": "change_password",
            "old_password": "First-Pass-111",
            "new_password": "Second-Pass-222",
            "confirm_password": "Second-Pass-222",
        },
        **HTMX,
    )
    assert response.status_code == 200, body(response)
    assert "Your password is changed." in body(response)
    response = client.post("/security-credentials", {"action": "create_key"}, **HTMX)
    assert "only time the secret access key" in body(response)
    assert len(run(account, "ListAccessKeys", user_name="me").items) == 1


def test_own_page_assigns_mfa_to_the_caller(client, account):
    me = iam_user(account, "mfa-me", allow(["iam:*MFA*", "iam:ListAccessKeys", "iam:GetLoginProfile"]))
    signed_in(client, me)
    seed, serial = _assign_mfa(client, "/security-credentials", "my-phone")
    totp = pyotp.TOTP(seed)
    now = time.time()
    codes = {"authentication_code1": totp.at(now - 30), "authentication_code2": totp.at(now)}
    response = client.post("/security-credentials", {"action": "enable_mfa", "serial_number": serial, **codes}, **HTMX)
    assert "MFA device assigned." in body(response), body(response)
    assert [d.serial_number for d in run(account, "ListMFADevices", user_name="mfa-me").items] == [serial]


def test_root_assigns_mfa_to_itself_on_its_own_page(root_client, account):
    seed, serial = _assign_mfa(root_client, "/security-credentials", "root-phone")
    totp = pyotp.TOTP(seed)
    now = time.time()
    codes = {"authentication_code1": totp.at(now - 30), "authentication_code2": totp.at(now)}
    response = root_client.post(
        "/security-credentials", {"action": "enable_mfa", "serial_number": serial, **codes}, **HTMX
    )
    assert response.status_code == 200, body(response)
    assert [d.serial_number for d in run(account, "ListMFADevices").items] == [serial]
    assert "root-phone" in body(root_client.get("/security-credentials"))


def test_own_page_for_a_user_without_permissions(nobody_client, account):
    response = nobody_client.get("/security-credentials")
    assert response.status_code == 200
    text = body(response)
    assert "Access keys are not visible" in text
    assert "You need the permission iam:CreateAccessKey for this." in text
    response = nobody_client.post("/security-credentials", {"action": "create_key"}, **HTMX)
    assert response.status_code == 403
    assert '<code class="missing-action">iam:CreateAccessKey</code>' in body(response)


# --- plumbing -----------------------------------------------------------------------------------------------------


def test_writes_need_the_csrf_token(account, alice):
    from django.test import Client

    client = signed_in(Client(enforce_csrf_checks=True), account.root)
    response = client.post("/users/alice/security_credentials", {"action": "create_key"}, **HTMX)
    assert response.status_code == 403
    assert key_ids(account, alice) == []
    for url in ("/users/alice/delete", "/users/~delete", "/users/create?step=details", "/security-credentials"):
        assert client.post(url, {"confirm": "alice"}).status_code == 403, url


def test_a_user_named_delete_or_with_symbols_has_its_page(root_client, account):
    factories.user(account, "delete")
    run(account, "CreateUser", user_name="a+b=c,d.e@f_g-h")
    assert "arn:aws:iam::" in body(root_client.get("/users/delete"))
    response = root_client.get("/users/a+b=c,d.e@f_g-h")
    assert response.status_code == 200
    assert "user/a+b=c,d.e@f_g-h" in body(response)
    response = root_client.post(
        "/users/a+b=c,d.e@f_g-h/tags", {"action": "save", "tag_key": ["k"], "tag_value": ["v"]}, **HTMX
    )
    assert response.status_code == 200
    assert run(account, "ListUserTags", user_name="a+b=c,d.e@f_g-h").tags == [{"Key": "k", "Value": "v"}]


def test_user_provided_strings_are_escaped(root_client, account, alice):
    statement = allow("s3:GetObject", Condition={"StringEquals": {"aws:UserAgent": "<script>x</script>"}})
    factories.put_user_policy(account, alice, document(statement), policy_name="odd")
    text = body(root_client.get("/users/alice?tab=permissions", **HTMX))
    assert "<script>x</script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text


def test_own_page_for_a_role_session_explains_its_credentials_are_temporary(account):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django_htmx.middleware import HtmxDetails

    from iamconsole.actors import Actor, ActorKind
    from identities.pages.own_credentials import security_credentials

    request: Any = RequestFactory().get("/security-credentials")  # the attributes the console middleware sets
    request.session = SessionStore()
    request.htmx = HtmxDetails(request)
    request.actor = Actor(
        kind=ActorKind.ROLE_SESSION,
        account_id=account.account_id,
        arn=f"arn:aws:sts::{account.account_id}:assumed-role/Admin/s",
        principal_id="AROAEXAMPLE:s",
    )
    response = security_credentials(request)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="temporary-credentials"' in text
    assert "Create access key" not in text
    assert not AuditEvent.objects.filter(outcome="denied").exists()


def test_tab_writes_work_without_javascript(root_client, account, alice):
    # A plain form post (no htmx) answers with the whole page, the tab showing the outcome.
    response = root_client.post("/users/alice/groups", {"action": "remove", "group_name": "none"})
    assert response.status_code == 404
    text = body(response)
    assert "<html" in text and 'id="user-summary"' in text
    assert "NoSuchEntity" in text
    response = root_client.post("/users/alice/security_credentials", {"action": "create_key"})
    assert response.status_code == 200
    assert "<html" in body(response) and 'id="new-access-key-id"' in body(response)


def test_the_attach_picker_lists_the_first_matches_of_its_search(root_client, account, alice):
    from tests.factories import make_policy

    for index in range(60):
        make_policy(account.model, f"team-{index:02d}", document(allow("s3:*")))
    make_policy(account.model, "billing-reader", document(allow("aws-portal:View*")))
    text = body(root_client.get("/users/alice?tab=permissions", **HTMX))
    assert text.count('<option value="arn:aws:iam::') <= 2 * 50  # the attach picker and the boundary choice
    assert "Showing the first 50 of 61 matches" in text
    found = body(root_client.get("/users/alice?tab=permissions&policy_q=billing", **HTMX))
    assert "billing-reader</option>" in found
    assert "team-00</option>" not in found
    assert '<details class="action" open>' in found


def test_delete_also_removes_ssh_keys_and_service_specific_credentials(root_client, account, alice):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body_text = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    run(account, "UploadSSHPublicKey", user_name=alice, ssh_public_key_body=body_text.decode())
    run(account, "CreateServiceSpecificCredential", user_name=alice, service_name="codecommit.amazonaws.com")
    response = root_client.post("/users/~delete", {"user_name": ["alice"], "confirm": "delete"})
    assert response.status_code == 200, body(response)
    text = body(response)
    assert "SSH public key" in text and "service-specific credential" in text
    assert "alice" not in [user.name for user in run(account, "ListUsers").items]
