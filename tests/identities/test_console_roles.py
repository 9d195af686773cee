"""The console's Roles pages (``/roles``, ``/roles/<name>`` and its edits): every read and write through the
catalogue as the signed-in actor, as root, as a read-only user (AWS's ReadOnlyAccess) and as a user without
permissions; htmx partials; denied writes; service-linked roles read-only and deleted through their task."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from iamconsole import operations
from identities import tasks
from identities.models import InlinePolicy, InstanceProfile, Role
from tests import factories
from tests.console import HTMX, READ_ONLY_ARN, signed_in
from tests.factories import allow, document, iam_user, trust

EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def names(response: Any) -> list[str]:
    return re.findall(r'<td class="name"><a href="/roles/[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def slr(account: Any, aws_managed_policies: None) -> str:
    role = operations.run(
        account.root, "CreateServiceLinkedRole", {"aws_service_name": "elasticbeanstalk.amazonaws.com"}
    )
    return str(role.name)


# --- the list ------------------------------------------------------------------------------------------------------


def test_the_list_shows_trusted_entities_and_last_activity(root_client: Any, account: Any, other_account: Any) -> None:
    factories.role(account, "deployer")
    factories.role(account, "web-server", EC2_TRUST, description="EC2 web tier")
    factories.role(other_account, "elsewhere")
    Role.objects.filter(name="deployer").update(last_used_at=timezone.now() - timedelta(days=3))
    Role.objects.filter(name="web-server").update(last_used_at=timezone.now() - timedelta(days=500))
    response = root_client.get("/roles")
    assert response.status_code == 200
    body = response.content.decode()
    assert names(response) == ["deployer", "web-server"]
    assert f"Account: {account.account_id}" in body
    assert "AWS service: ec2" in body
    assert "3\xa0days ago" in body
    # Used 500 days ago: outside AWS's 400-day tracking window, so no last activity.
    assert body.count('<span class="muted">None</span>') == 1
    assert 'href="/roles" aria-current="page"' in body


def test_the_list_searches_sorts_and_answers_htmx_with_its_table(root_client: Any, account: Any) -> None:
    for name in ("alpha", "beta", "gamma"):
        factories.role(account, name)
    factories.role(account, "web", EC2_TRUST, description="front end")
    assert names(root_client.get("/roles?q=ec2")) == ["web"]
    assert names(root_client.get("/roles?q=FRONT")) == ["web"]
    assert names(root_client.get("/roles?sort=-name")) == ["web", "gamma", "beta", "alpha"]
    partial = root_client.get("/roles?q=mm", **HTMX)
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="role-table"')
    assert "<html" not in body
    assert names(partial) == ["gamma"]


def test_a_read_only_user_lists_roles(reader_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    assert names(reader_client.get("/roles")) == ["deployer"]


def test_a_user_without_permissions_sees_the_access_denied_panel(nobody_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    response = nobody_client.get("/roles")
    assert response.status_code == 403
    assert '<code class="missing-action">iam:ListRoles</code>' in response.content.decode()
    assert names(response) == []


# --- the detail page -----------------------------------------------------------------------------------------------


def test_the_summary_shows_arn_duration_switch_role_link_and_description(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer", path="/ci/", description="Deploys <things>", max_session_duration=7200)
    Role.objects.filter(name="deployer").update(last_used_at=timezone.now(), last_used_region="eu-west-1")
    response = root_client.get("/roles/deployer")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"arn:aws:iam::{account.account_id}:role/ci/deployer" in body
    assert '<dd id="max-session">2 hours</dd>' in body
    assert f"/switchrole?roleName=ci%2Fdeployer&amp;account={account.account_id}" in body
    assert "Deploys &lt;things&gt;" in body  # escaped
    assert "in eu-west-1" in body
    link = f"http://127.0.0.1:8000/switchrole?roleName=ci%2Fdeployer&amp;account={account.account_id}"
    assert f'data-copy="{link}"' in body  # the copy button copies the link


def test_a_role_only_services_assume_has_no_switch_role_link(root_client: Any, account: Any) -> None:
    factories.role(account, "web", EC2_TRUST)
    assert "switch-role-link" not in root_client.get("/roles/web").content.decode()


def test_an_unknown_role_is_not_found(root_client: Any, account: Any) -> None:
    response = root_client.get("/roles/ghost")
    assert response.status_code == 404
    assert "The role with name ghost cannot be found." in response.content.decode()


def test_edit_updates_description_and_max_session_duration(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    response = root_client.post("/roles/deployer/edit", {"description": "new words", "max_session_duration": "14400"})
    assert response.status_code == 303
    role = Role.objects.get(name="deployer")
    assert (role.description, role.max_session_duration) == ("new words", 14400)
    assert "Role deployer updated." in root_client.get("/roles/deployer").content.decode()


@pytest.mark.parametrize("seconds", ["3599", "43201"])
def test_a_duration_outside_aws_bounds_is_refused_on_the_form(root_client: Any, account: Any, seconds: str) -> None:
    factories.role(account, "deployer")
    response = root_client.post("/roles/deployer/edit", {"description": "", "max_session_duration": seconds})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<details class="edit" open>' in body
    assert 'class="field-error"' in body
    assert Role.objects.get(name="deployer").max_session_duration == 3600


def test_the_permissions_tab_attaches_and_detaches_a_managed_policy(
    root_client: Any, account: Any, aws_managed_policies: None
) -> None:
    factories.role(account, "deployer")
    picker = root_client.get("/roles/deployer/attach?q=ReadOnlyAccess")
    assert picker.status_code == 200
    assert f'value="{READ_ONLY_ARN}"' in picker.content.decode()
    assert root_client.post("/roles/deployer/attach", {"policy_arn": [READ_ONLY_ARN]}).status_code == 303
    page = root_client.get("/roles/deployer").content.decode()
    assert "ReadOnlyAccess" in page and "AWS managed" in page
    assert "1 policy attached to deployer." in page
    # The picker marks what is attached already.
    assert "attached</span>" in root_client.get("/roles/deployer/attach?q=ReadOnlyAccess").content.decode()
    assert root_client.post("/roles/deployer/detach", {"policy_arn": READ_ONLY_ARN}).status_code == 303
    assert not Role.objects.get(name="deployer").attachments.exists()


def test_the_picker_says_when_the_managed_policy_quota_is_reached(
    root_client: Any, account: Any, aws_managed_policies: None, settings: Any
) -> None:
    factories.role(account, "deployer")
    settings.IAM_QUOTAS = {**settings.IAM_QUOTAS, "managed_policies_per_role": 1}
    picker = root_client.get("/roles/deployer/attach?q=ReadOnlyAccess").content.decode()
    assert "0 of 1 managed policies attached: up to 1 more may be chosen." in picker
    factories.attach(account, READ_ONLY_ARN, role_name="deployer")
    full = root_client.get("/roles/deployer/attach?q=Power").content.decode()
    assert 'disabled title="The role already has its 1 managed policies."' in full
    # The operation refuses it all the same: LimitExceeded shown as a banner.
    refused = root_client.post("/roles/deployer/attach", {"policy_arn": ["arn:aws:iam::aws:policy/PowerUserAccess"]})
    assert refused.status_code == 409
    assert "LimitExceeded" in refused.content.decode()


def test_attaching_nothing_or_a_missing_policy_shows_the_error(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    response = root_client.post("/roles/deployer/attach", {})
    assert response.status_code == 400
    assert "Choose at least one policy" in response.content.decode()
    missing = f"arn:aws:iam::{account.account_id}:policy/ghost"
    response = root_client.post("/roles/deployer/attach", {"policy_arn": [missing]})
    assert response.status_code == 404
    assert "NoSuchEntity" in response.content.decode()


def test_inline_policies_are_put_edited_shown_and_deleted(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    document = json.dumps({"Version": "2012-10-17", "Statement": [allow("s3:GetObject")]})
    response = root_client.post("/roles/deployer/inline", {"policy_name": "read-s3", "policy_document": document})
    assert response.status_code == 303
    page = root_client.get("/roles/deployer").content.decode()
    assert "read-s3" in page and "Customer inline" in page and "s3:GetObject" in page
    edit = root_client.get("/roles/deployer/inline?policy_name=read-s3").content.decode()
    assert "s3:GetObject" in edit and "readonly" in edit
    bad = root_client.post("/roles/deployer/inline", {"policy_name": "broken", "policy_document": "{not json"})
    assert bad.status_code == 400
    assert 'id="policy-errors"' in bad.content.decode()
    assert root_client.post("/roles/deployer/inline/delete", {"policy_name": "read-s3"}).status_code == 303
    assert not InlinePolicy.objects.filter(role__name="deployer").exists()


def test_the_boundary_is_set_and_removed(root_client: Any, account: Any, aws_managed_policies: None) -> None:
    factories.role(account, "deployer")
    boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
    assert root_client.post("/roles/deployer/boundary", {"permissions_boundary": boundary}).status_code == 303
    bounded = Role.objects.get(name="deployer").permissions_boundary
    assert bounded is not None and bounded.arn == boundary
    assert (
        "can never do more than <strong>PowerUserAccess</strong>" in root_client.get("/roles/deployer").content.decode()
    )
    assert root_client.post("/roles/deployer/boundary", {"remove": "1"}).status_code == 303
    assert Role.objects.get(name="deployer").permissions_boundary is None


def test_the_trust_tab_describes_the_policy_in_words(root_client: Any, account: Any) -> None:
    factories.role(
        account, "deployer", trust(account.account_id, Condition={"StringEquals": {"sts:ExternalId": "x-123"}})
    )
    response = root_client.get("/roles/deployer?tab=trust", **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card wide" id="role-tab">')
    assert f"principals of account {account.account_id} that their own policies allow" in body
    assert "sts:ExternalId StringEquals “x-123”" in body
    assert "&quot;sts:AssumeRole&quot;" in body


def test_editing_the_trust_policy_validates_and_saves(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    page = root_client.get("/roles/deployer/trust")
    assert page.status_code == 200
    assert "sts:AssumeRole" in page.content.decode()
    # A trust policy may not name a Resource: the validator's message is shown, the text kept.
    bad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Resource": "*",
                }
            ],
        }
    )
    response = root_client.post("/roles/deployer/trust", {"policy_document": bad})
    assert response.status_code == 400
    assert (
        "MalformedPolicyDocument" not in response.content.decode() or 'id="policy-errors"' in response.content.decode()
    )
    assert 'id="policy-errors"' in response.content.decode()
    assert "&quot;Resource&quot;" in response.content.decode()
    assert "ec2" not in Role.objects.get(name="deployer").assume_role_policy_document
    assert root_client.post("/roles/deployer/trust", {"policy_document": EC2_TRUST}).status_code == 303
    assert "ec2.amazonaws.com" in Role.objects.get(name="deployer").assume_role_policy_document


def test_tags_are_added_and_removed(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    assert root_client.post("/roles/deployer/tags", {"key": "team", "value": "blue"}).status_code == 303
    assert Role.objects.get(name="deployer").tags == {"team": "blue"}
    refused = root_client.post("/roles/deployer/tags", {"key": "aws:team", "value": "x"})
    assert refused.status_code == 400
    assert 'class="field-error"' in refused.content.decode()
    assert root_client.post("/roles/deployer/tags", {"remove": "team"}).status_code == 303
    assert Role.objects.get(name="deployer").tags == {}


def _assume(account: Any, role_name: str) -> Any:
    user = iam_user(account, f"assumer-{role_name}", allow("sts:AssumeRole"))
    arn = f"arn:aws:iam::{account.account_id}:role/{role_name}"
    return operations.run(user, "AssumeRole", {"role_arn": arn, "role_session_name": "ci-run"})


def test_sessions_are_listed_revoked_one_by_one_and_all_at_once(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    first = _assume(account, "deployer")
    key = first.credentials.access_key_id
    page = root_client.get("/roles/deployer?tab=sessions").content.decode()
    assert key in page and "ci-run" in page
    assert root_client.post("/roles/deployer/sessions/revoke", {"access_key_id": key}).status_code == 303
    table = root_client.get("/roles/deployer?tab=sessions", **HTMX).content.decode().split('id="role-sessions"')[1]
    assert key not in table.split("</table>")[0]
    # Revoking all needs the acknowledgement, then writes AWSRevokeOlderSessions.
    refused = root_client.post("/roles/deployer/sessions/revoke-all", {})
    assert refused.status_code == 400
    assert "Tick the box" in refused.content.decode()
    assert root_client.post("/roles/deployer/sessions/revoke-all", {"acknowledge": "on"}).status_code == 303
    policy = InlinePolicy.objects.get(role__name="deployer", name="AWSRevokeOlderSessions")
    assert "aws:TokenIssueTime" in policy.document


def test_delete_detaches_deletes_inline_and_the_same_named_instance_profile(
    root_client: Any, account: Any, aws_managed_policies: None
) -> None:
    factories.role(account, "deployer")
    root = account.root
    factories.attach(account, READ_ONLY_ARN, role_name="deployer")
    factories.put_role_policy(account, "deployer", "p", document(allow("s3:GetObject")))
    operations.run(root, "CreateInstanceProfile", {"instance_profile_name": "deployer"})
    operations.run(root, "AddRoleToInstanceProfile", {"instance_profile_name": "deployer", "role_name": "deployer"})
    summary = root_client.get("/roles/deployer").content.decode()
    assert f"arn:aws:iam::{account.account_id}:instance-profile/deployer" in summary
    confirm = root_client.get("/roles/deployer/delete").content.decode()
    assert "1 managed policy will be detached" in confirm
    assert "the instance profile <code>deployer</code> will be deleted" in confirm
    wrong = root_client.post("/roles/deployer/delete", {"confirm": "nope"})
    assert wrong.status_code == 400
    assert Role.objects.filter(name="deployer").exists()
    assert root_client.post("/roles/deployer/delete", {"confirm": "deployer"}).status_code == 303
    assert not Role.objects.filter(name="deployer").exists()
    assert not InstanceProfile.objects.filter(name="deployer").exists()


def test_a_differently_named_instance_profile_blocks_deletion_with_the_reason(root_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    operations.run(account.root, "CreateInstanceProfile", {"instance_profile_name": "web-profile"})
    operations.run(
        account.root, "AddRoleToInstanceProfile", {"instance_profile_name": "web-profile", "role_name": "deployer"}
    )
    assert "web-profile" in root_client.get("/roles/deployer/delete").content.decode()
    response = root_client.post("/roles/deployer/delete", {"confirm": "deployer"})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="delete-conflict"' in body
    assert "must remove roles from instance profile first" in body
    assert Role.objects.filter(name="deployer").exists()


def test_roles_ticked_in_the_list_are_deleted_together(root_client: Any, account: Any, slr: str) -> None:
    factories.role(account, "one")
    factories.role(account, "two")
    operations.run(account.root, "CreateInstanceProfile", {"instance_profile_name": "elsewhere"})
    operations.run(account.root, "AddRoleToInstanceProfile", {"instance_profile_name": "elsewhere", "role_name": "two"})
    listed = root_client.get("/roles").content.decode()
    assert 'name="role_name" value="one"' in listed
    selection = {"role_name": ["one", "two", slr, "ghost"]}
    confirm = root_client.get("/roles/~delete", selection)
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Delete 4 roles?" in body
    assert "in 1 other instance profile" in body
    assert "The role with name ghost cannot be found." in body
    assert root_client.post("/roles/~delete", {**selection, "confirm": "yes"}).status_code == 400
    done = root_client.post("/roles/~delete", {**selection, "confirm": "delete"}).content.decode()
    assert "Deleted" in done
    assert "must remove roles from instance profile first" in done
    assert "Deletion submitted" in done
    assert set(Role.objects.filter(account__account_id=account.account_id).values_list("name", flat=True)) == {
        "two",
        slr,
    }


# --- read-only and denied ------------------------------------------------------------------------------------------


def test_a_read_only_user_sees_every_tab_with_writes_disabled(reader_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    for tab in ("permissions", "trust", "tags", "sessions"):
        response = reader_client.get(f"/roles/deployer?tab={tab}")
        assert response.status_code == 200, tab
    body = reader_client.get("/roles/deployer?tab=trust").content.decode()
    assert "You need the permission iam:UpdateAssumeRolePolicy to do this." in body
    assert 'id="edit-trust"' not in body
    page = reader_client.get("/roles/deployer").content.decode()
    assert 'disabled title="You need the permission iam:DeleteRole to do this."' in page


def test_a_read_only_users_writes_are_denied_and_audited(reader_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    response = reader_client.post("/roles/deployer/tags", {"key": "team", "value": "blue"})
    assert response.status_code == 403
    assert '<code class="missing-action">iam:TagRole</code>' in response.content.decode()
    response = reader_client.post("/roles/deployer/trust", {"policy_document": EC2_TRUST})
    assert response.status_code == 403
    assert '<code class="missing-action">iam:UpdateAssumeRolePolicy</code>' in response.content.decode()
    assert Role.objects.get(name="deployer").tags == {}
    assert AuditEvent.objects.filter(event_name="TagRole", outcome="denied").count() == 1


def test_a_read_only_user_may_browse_the_picker_but_not_attach(
    reader_client: Any, account: Any, aws_managed_policies: None
) -> None:
    factories.role(account, "deployer")
    assert reader_client.get("/roles/deployer/attach?q=ReadOnlyAccess").status_code == 200
    response = reader_client.post("/roles/deployer/attach", {"policy_arn": [READ_ONLY_ARN]})
    assert response.status_code == 403
    assert '<code class="missing-action">iam:AttachRolePolicy</code>' in response.content.decode()
    assert not Role.objects.get(name="deployer").attachments.exists()
    revoke = reader_client.post("/roles/deployer/sessions/revoke-all", {"acknowledge": "on"})
    assert revoke.status_code == 403
    assert not InlinePolicy.objects.filter(role__name="deployer").exists()


def test_a_user_without_permissions_is_denied_the_detail(nobody_client: Any, account: Any) -> None:
    factories.role(account, "deployer")
    response = nobody_client.get("/roles/deployer")
    assert response.status_code == 403
    assert '<code class="missing-action">iam:GetRole</code>' in response.content.decode()
    response = nobody_client.get("/roles/deployer?tab=tags", **HTMX)
    assert response.status_code == 403
    assert "<html" not in response.content.decode()
    assert nobody_client.post("/roles/deployer/delete", {"confirm": "deployer"}).status_code == 403
    assert Role.objects.filter(name="deployer").exists()


def test_writes_need_the_csrf_token(client: Any, account: Any) -> None:
    from django.test import Client

    factories.role(account, "deployer")
    strict = signed_in(Client(enforce_csrf_checks=True), account.root)
    assert strict.post("/roles/deployer/tags", {"key": "team", "value": "blue"}).status_code == 403
    assert Role.objects.get(name="deployer").tags == {}


# --- service-linked roles ------------------------------------------------------------------------------------------


def test_a_service_linked_role_is_read_only_with_the_reason(root_client: Any, account: Any, slr: str) -> None:
    body = root_client.get(f"/roles/{slr}").content.decode()
    assert 'id="service-linked-note"' in body
    assert "Service-linked roles are managed by their AWS service" in body
    assert "Attach policies</button>" in body  # a disabled button, not a link
    trust_page = root_client.get(f"/roles/{slr}?tab=trust").content.decode()
    assert 'id="edit-trust"' not in trust_page
    # Only the description may change.
    assert root_client.post(f"/roles/{slr}/edit", {"description": "ours", "service_linked": "1"}).status_code == 303
    assert Role.objects.get(name=slr).description == "ours"
    refused = root_client.post(f"/roles/{slr}/trust", {"policy_document": EC2_TRUST})
    assert refused.status_code == 400
    assert "only modifiable by AWS" in refused.content.decode()


def test_deleting_a_service_linked_role_follows_its_task_to_succeeded(root_client: Any, account: Any, slr: str) -> None:
    assert "submitted to the service" in root_client.get(f"/roles/{slr}/delete").content.decode()
    response = root_client.post(f"/roles/{slr}/delete", {"confirm": slr})
    assert response.status_code == 303
    status_url = response["Location"]
    assert status_url.startswith(f"/roles/{slr}/deletion?task_id=task%2Faws-service-role%2F")
    first = root_client.get(status_url, **HTMX).content.decode()
    assert "NOT_STARTED" in first and 'hx-trigger="every 1s"' in first
    task_id = operations.run(account.root, "ListRoles", {}).items  # the role is still there meanwhile
    assert any(role.name == slr for role in task_id)
    deletion_id = status_url.split("task_id=")[1].replace("%2F", "/")
    tasks.delete_service_linked_role_task(account.account_id, deletion_id)
    assert "IN_PROGRESS" in root_client.get(status_url, **HTMX).content.decode()
    tasks.delete_service_linked_role_task(account.account_id, deletion_id)
    done = root_client.get(status_url, **HTMX).content.decode()
    assert "SUCCEEDED" in done and "every 1s" not in done
    assert not Role.objects.filter(name=slr).exists()


def test_the_deletion_status_needs_permission(nobody_client: Any, account: Any, slr: str) -> None:
    deletion = operations.run(account.root, "DeleteServiceLinkedRole", {"role_name": slr})
    response = nobody_client.get(f"/roles/{slr}/deletion", {"task_id": deletion.deletion_task_id}, **HTMX)
    assert response.status_code == 403
    assert "iam:GetServiceLinkedRoleDeletionStatus" in response.content.decode()
    assert nobody_client.get(f"/roles/{slr}/deletion", {"task_id": "nonsense"}).status_code in (403, 404)


def test_a_service_linked_role_in_use_fails_with_its_resources(root_client: Any, account: Any, slr: str) -> None:
    resource = f"arn:aws:elasticbeanstalk:eu-west-1:{account.account_id}:environment/app/prod"
    operations.run(
        account.root,
        "RegisterServiceLinkedRoleUsage",
        {"role_name": slr, "region": "eu-west-1", "resource_arn": resource},
    )
    response = root_client.post(f"/roles/{slr}/delete", {"confirm": slr})
    deletion_id = response["Location"].split("task_id=")[1].replace("%2F", "/")
    for _ in range(2):
        tasks.delete_service_linked_role_task(account.account_id, deletion_id)
    body = root_client.get(response["Location"]).content.decode()
    assert "FAILED" in body and resource in body
    assert Role.objects.filter(name=slr).exists()


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/roles/%E2%9C%93", {}),
        ("get", "/roles/deployer?tab=nonsense", {}),
        ("get", "/roles/deployer/deletion", {"task_id": "task/garbage"}),
        ("get", "/roles/~delete", {"role_name": "x" * 200}),
        ("post", "/roles/deployer/edit", {"max_session_duration": "abc"}),
        ("post", "/roles/deployer/edit", {"description": "d" * 1001}),
        ("post", "/roles/deployer/tags", {"key": "k" * 129}),
        ("post", "/roles/deployer/tags", {"remove": ""}),
        ("post", "/roles/deployer/detach", {"policy_arn": "not-an-arn"}),
        ("post", "/roles/deployer/inline", {"policy_name": "", "policy_document": ""}),
        ("post", "/roles/deployer/inline/delete", {"policy_name": "ghost"}),
        ("post", "/roles/deployer/boundary", {"permissions_boundary": "arn:aws:iam::aws:policy/Ghost"}),
        ("post", "/roles/deployer/sessions/revoke", {"access_key_id": "ASIANOTHING"}),
        ("post", "/roles/deployer/trust", {"policy_document": "[]"}),
        ("get", "/identity-providers/arn:aws:iam::123:oidc-provider/", {}),
        ("post", "/identity-providers/edit", {"arn": "garbage", "change": "thumbprints"}),
        ("post", "/identity-providers/edit", {"arn": "garbage", "change": "bogus"}),
        ("post", "/identity-providers/tags", {"arn": "", "key": ""}),
        ("get", "/events", {"end_time": "2026-13-45T99:99"}),
        ("get", "/events/export", {"marker": "eyJ4Ijox"}),
    ],
)
def test_bad_input_gets_an_answer_never_a_500(root_client: Any, account: Any, method: str, url: str, data: Any) -> None:
    factories.role(account, "deployer")
    response = getattr(root_client, method)(url, data)
    assert 200 <= response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert "<html" in response.content.decode()
