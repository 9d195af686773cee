"""Switch role in the console (``/switchrole``): the form and its custom URL, AssumeRole as the signed-in user under
AWS's console rules, the switched console acting as the role, Switch back, the recent roles, another account, and
``redirect_uri`` kept to this console."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import AuditEvent
from iamconsole import authentication
from sts.models import StsSession, SwitchRoleHistory
from sts.views import SWITCH_ROLE_FAILED
from tests.console import signed_in, text
from tests.factories import actor_for, allow, document, iam_user, make_account, role, trust

pytestmark = pytest.mark.django_db


def role_arn(account, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account.account_id}:role{path}{name}"


@pytest.fixture
def setup(account):
    """``deployer`` may assume any role of the account and do nothing else; role ``ops`` may list and create groups
    only."""
    role(
        account,
        "ops",
        trust(account.account_id),
        policy_document=document(allow(["iam:ListGroups", "iam:CreateGroup"])),
    )
    user = iam_user(account, "deployer", allow("sts:AssumeRole", f"arn:aws:iam::{account.account_id}:role/*"))
    return signed_in(Client(), user)


def switch(client: Client, account: str, role_name: str, **extra: str):
    return client.post("/switchrole", {"account": account, "roleName": role_name, **extra})


def switched(client: Client) -> dict[str, Any]:
    return dict(client.session.get(authentication.SWITCHED_KEY) or {})


def test_the_custom_url_prefills_the_form_and_ignores_a_colour_outside_the_palette(setup, account):
    page = text(setup.get(f"/switchrole?roleName=ops&account={account.account_id}&displayName=Prod%20ops&color=efda95"))
    assert f'value="{account.account_id}"' in page
    assert 'value="ops"' in page and 'value="Prod ops"' in page
    assert re.search(r'value="efda95"[^>]*checked', page)
    page = text(setup.get("/switchrole?roleName=ops&account=x&color=123456"))
    assert not re.search(r'value="[0-9a-f]{6}"[^>]*checked', page)
    assert re.search(r'value=""[^>]*checked', page)
    # AWS's older console hex for the same colour maps onto the palette entry; case does not matter.
    assert re.search(r'value="83d4e8"[^>]*checked', text(setup.get("/switchrole?color=99BCE3")))


def test_user_strings_are_escaped(setup):
    page = text(setup.get('/switchrole?displayName=<script>x</script>&roleName="><b>'))
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert '"><b>' not in page


def test_switching_acts_as_the_role_and_shows_the_display_name_on_its_colour(setup, account):
    assert "missing-action" in text(setup.get("/groups"))  # deployer itself may not list groups
    response = switch(setup, account.account_id, "ops", displayName="Ops", color="b7ca9d")
    assert response.status_code == 302 and response["Location"] == "/"
    dashboard = text(setup.get("/"))
    assert re.search(
        r'<summary[^>]*class="switched role-color-green"[^>]*><span class="identity-name">Ops</span>', dashboard
    )
    assert "Switch back to deployer" in dashboard
    groups = setup.get("/groups")
    assert groups.status_code == 200 and "missing-action" not in text(groups)
    # A write the role allows succeeds; one it does not is denied naming the role session.
    created = setup.post("/groups/create", {"group_name": "builders", "path": "/"})
    assert created.status_code == 302
    denied = setup.post("/groups/builders/delete", {"confirmation": "builders"})
    assert denied.status_code == 403
    assert f"arn:aws:sts::{account.account_id}:assumed-role/ops/deployer" in text(denied)
    session = StsSession.objects.get(role__name="ops")
    assert session.issued_to_arn == f"arn:aws:iam::{account.account_id}:user/deployer"
    assert timedelta(minutes=59) < session.expires_at - session.issued_at <= timedelta(hours=1)


def test_switch_back_restores_the_users_own_identity(setup, account):
    switch(setup, account.account_id, "ops")
    response = setup.post("/switchrole/back")
    assert response.status_code == 302
    assert not switched(setup)
    assert "missing-action" in text(setup.get("/groups"))
    page = text(setup.get("/"))
    assert '<span class="identity-name">deployer</span>' in page


def test_every_refusal_shows_the_same_message_and_the_audit_trail_has_the_reason(account):
    other = make_account()
    role(account, "ops")
    role(account, "partner", trust(account.account_id, Condition={"StringEquals": {"sts:ExternalId": "abc123"}}))
    role(account, "locked", trust(other.account_id))
    user = iam_user(account, "deployer", allow("sts:AssumeRole", f"arn:aws:iam::{account.account_id}:role/*"))
    nobody = signed_in(Client(), iam_user(account, "nobody"))
    client = signed_in(Client(), user)
    cases = [
        (client, account.account_id, "missing"),  # no such role
        (client, account.account_id, "partner"),  # asks for an external ID the console cannot give
        (client, account.account_id, "locked"),  # its trust policy trusts another account only
        (client, "no-such-alias", "ops"),  # no such account
        (client, "999999999999", "ops"),
        (nobody, account.account_id, "ops"),  # no sts:AssumeRole
    ]
    for who, acct, name in cases:
        response = switch(who, acct, name)
        assert response.status_code == 403, (acct, name)
        assert SWITCH_ROLE_FAILED in text(response)
        assert not switched(who)
    reasons = AuditEvent.objects.filter(event_name="AssumeRole").exclude(error_code="")
    assert reasons.count() >= 4


def test_the_root_user_cannot_switch(account):
    role(account, "ops")
    client = signed_in(Client(), account.root)
    assert "Only IAM users can switch roles" in text(client.get("/switchrole"))
    assert 'href="/switchrole"' not in text(client.get("/"))
    assert switch(client, account.account_id, "ops").status_code == 403
    assert not StsSession.objects.exists()


def test_bad_input_is_a_form_error_not_a_failure(setup):
    response = switch(setup, "", "a b")
    assert response.status_code == 400
    page = text(response)
    assert "Enter the role name" in page and "This field is required" in page


def test_switching_again_uses_the_users_own_identity_not_the_role(setup, account):
    # ops has no sts:AssumeRole: switching from it to another role only works because the user's identity is used.
    role(account, "audit", trust(account.account_id), policy_document=document(allow("iam:ListUsers")))
    switch(setup, account.account_id, "ops")
    switch(setup, account.account_id, "audit")
    assert switched(setup)["role_name"] == "audit"
    assert StsSession.objects.filter(role__name="audit", issued_to_arn__endswith=":user/deployer").exists()


def test_the_session_ends_with_the_users_sign_in(setup, account):
    data = dict(setup.session[authentication.SESSION_KEY])
    data["signed_in_at"] = (datetime.now(UTC) - timedelta(seconds=settings.SESSION_COOKIE_AGE - 600)).timestamp()
    session = setup.session
    session[authentication.SESSION_KEY] = data
    session.save()
    switch(setup, account.account_id, "ops")
    until = switched(setup)["session"]["console_until"]
    assert until - datetime.now(UTC).timestamp() == pytest.approx(600, abs=30)


def test_a_role_with_a_path_and_the_account_alias(account):
    from accounts.models import Account

    Account.objects.filter(account_id=account.account_id).update(alias="example-corp")
    role(account, "deploy", path="/team/", policy_document=document(allow("iam:ListGroups")))
    user = iam_user(account, "deployer", allow("sts:AssumeRole", "*"))
    client = signed_in(Client(), user)
    assert switch(client, "example-corp", "team/deploy").status_code == 302
    assert switched(client)["display_name"] == "deploy"


def test_recent_roles_keep_the_last_five_per_user_and_follow_the_user(setup, account):
    for index in range(6):
        role(account, f"r{index}", trust(account.account_id))
        switch(setup, account.account_id, f"r{index}", displayName=f"Role {index}", color="f2b0a9")
    names = list(SwitchRoleHistory.objects.order_by("-used_at").values_list("role_name", flat=True))
    assert names == ["r5", "r4", "r3", "r2", "r1"]
    # Another browser of the same user sees the same history.
    other = signed_in(Client(), actor_for(account, "deployer"))
    page = text(other.get("/"))
    assert page.index("Role 5") < page.index("Role 1")
    assert "Role 0" not in page
    # One click on an entry switches.
    response = other.post(
        "/switchrole", {"account": account.account_id, "roleName": "r3", "displayName": "Role 3", "color": "f2b0a9"}
    )
    assert response.status_code == 302 and switched(other)["role_name"] == "r3"


def test_redirect_uri_is_followed_only_within_the_console(setup, account):
    for target, expected in [
        ("/users?q=a", "/users?q=a"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),
        ("http://testserver/users", "/users"),
        ("javascript:alert(1)", "/"),
        ("/aws?Action=x", "/"),
    ]:
        response = switch(setup, account.account_id, "ops", redirect_uri=target)
        assert response.status_code == 302 and response["Location"] == expected, target


def test_switching_into_another_account_shows_its_pages(account):
    other = make_account()
    role(other, "cross", trust(account.account_id), policy_document=document(allow("iam:ListGroups")))
    user = iam_user(account, "deployer", allow("sts:AssumeRole", role_arn(other, "cross")))
    client = signed_in(Client(), user)
    assert switch(client, other.account_id, "cross").status_code == 302
    page = text(client.get("/"))
    assert f'<code id="menu-account-id">{other.account_id}</code>' in page
    assert client.get("/groups").status_code == 200


def test_an_expired_role_session_falls_back_to_the_user(setup, account):
    switch(setup, account.account_id, "ops")
    StsSession.objects.update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    page = text(setup.get("/groups"))
    assert "missing-action" in page and "Your role session has ended: you are back to deployer." in page
    assert not switched(setup)


def test_a_role_that_requires_mfa_needs_an_mfa_sign_in(account):
    from dataclasses import replace

    role(account, "guarded", trust(account.account_id, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    user = iam_user(account, "deployer", allow("sts:AssumeRole", "*"))
    without = signed_in(Client(), user)
    assert switch(without, account.account_id, "guarded").status_code == 403
    with_mfa = signed_in(Client(), replace(user, mfa_authenticated=True, mfa_authenticated_at=datetime.now(UTC)))
    assert switch(with_mfa, account.account_id, "guarded").status_code == 302
    assert switched(with_mfa)["role_name"] == "guarded"


def test_switch_back_and_switch_need_csrf(account):
    role(account, "ops")
    user = iam_user(account, "deployer", allow("sts:AssumeRole", "*"))
    client = signed_in(Client(enforce_csrf_checks=True), user)
    assert switch(client, account.account_id, "ops").status_code == 403
    assert not switched(client)
    assert client.post("/switchrole/back").status_code == 403
