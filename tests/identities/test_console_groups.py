"""The console's User groups pages (``/groups``, ``/groups/create``, ``/groups/<name>``): the list component with
counts, create with users and policies, the Users and Permissions tabs, rename and delete, as root, as a read-only
IAM user and as a user without permissions; every write through the catalogue."""

from __future__ import annotations

import contextlib
import re

from accounts.models import AuditEvent
from iamconsole.errors import EntityAlreadyExists
from identities.models import Group, GroupMembership, InlinePolicy, PolicyAttachment
from tests import factories
from tests.console import HTMX, missing_action, text
from tests.factories import allow, document, run

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def names(response) -> list[str]:
    return re.findall(r'<td class="name"><a href="[^"]+">([^<]+)</a></td>', text(response))


def make_group(account, name, *users, policy_arns=(), inline=False):
    for member in users:
        with contextlib.suppress(EntityAlreadyExists):  # the same user may be put in several groups
            factories.user(account, member)
    factories.group(account, name, members=users)
    for arn in policy_arns:
        run(account, "AttachGroupPolicy", group_name=name, policy_arn=arn)
    if inline:
        read_s3 = document(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
        factories.put_group_policy(account, name, read_s3, policy_name="read-s3")


def test_the_list_shows_counts_and_permissions_searched_sorted_and_paged(root_client, account, aws_managed_policies):
    make_group(account, "admins", "alice", "bob", policy_arns=[READ_ONLY])
    make_group(account, "Developers", "carol", inline=True)
    make_group(account, "empty")
    response = root_client.get("/groups")
    assert response.status_code == 200
    assert names(response) == ["admins", "Developers", "empty"]
    body = text(response)
    rows = re.findall(r"<tr>\s*<td><input[^>]+></td>\s*<td class=\"name\">.*?</tr>", body, re.S)
    assert re.search(r">2</td>\s*<td>Defined</td>", rows[0])
    assert re.search(r">1</td>\s*<td>Defined</td>", rows[1])
    assert re.search(r'>0</td>\s*<td><span class="muted">Not defined</span>', rows[2])
    assert names(root_client.get("/groups?sort=-users")) == ["admins", "Developers", "empty"]
    assert names(root_client.get("/groups?sort=users")) == ["empty", "Developers", "admins"]
    assert names(root_client.get("/groups?q=DEV")) == ["Developers"]
    partial = root_client.get("/groups?q=adm", **HTMX)
    assert text(partial).lstrip().startswith('<div id="group-table"')
    assert names(partial) == ["admins"]


def test_the_list_is_a_bounded_number_of_queries(root_client, account, django_assert_max_num_queries):
    make_group(account, "g0", "u0")
    with django_assert_max_num_queries(60) as captured:
        root_client.get("/groups")
    small = len(captured)
    for index in range(1, 40):
        make_group(account, f"g{index}", f"u{index}")
    with django_assert_max_num_queries(small):
        response = root_client.get("/groups?sort=-users")
    assert len(names(response)) == 25


def test_create_group_with_users_and_policies(root_client, account, aws_managed_policies):
    factories.user(account, "alice")
    factories.user(account, "bob")
    page = root_client.get("/groups/create")
    assert page.status_code == 200
    assert 'value="alice"' in text(page)
    picker = root_client.get("/groups/create?policy_q=ReadOnlyAccess", **HTMX)
    assert text(picker).lstrip().startswith('<div id="policy-picker"')
    assert f'value="{READ_ONLY}"' in text(picker)
    response = root_client.post(
        "/groups/create",
        {"group_name": "readers", "path": "/teams/", "user_names": ["alice", "bob"], "policy_arns": [READ_ONLY]},
    )
    assert response.status_code == 302 and response["Location"] == "/groups/readers"
    group = Group.objects.get(name="readers")
    assert group.path == "/teams/"
    assert sorted(GroupMembership.objects.filter(group=group).values_list("user__name", flat=True)) == ["alice", "bob"]
    assert PolicyAttachment.objects.filter(group=group, policy__arn=READ_ONLY).exists()
    assert "User group readers created." in text(root_client.get("/groups/readers"))


def test_create_group_errors_stay_on_the_form(root_client, account):
    make_group(account, "admins")
    taken = root_client.post("/groups/create", {"group_name": "ADMINS"}, **HTMX)
    assert taken.status_code == 409
    assert 'class="field-error"' in text(taken) and "already exists" in text(taken)
    bad = root_client.post("/groups/create", {"group_name": "no spaces"}, **HTMX)
    assert bad.status_code == 400
    assert "regular expression pattern" in text(bad)
    too_many = root_client.post(
        "/groups/create", {"group_name": "many", "policy_arns": [f"arn:aws:iam::aws:policy/P{i}" for i in range(11)]}
    )
    assert too_many.status_code == 400
    assert "at most 10 managed policies" in text(too_many)
    assert not Group.objects.filter(name="many").exists()


def test_detail_users_tab_add_and_remove(root_client, account):
    make_group(account, "admins", "alice")
    factories.user(account, "bob")
    page = root_client.get("/groups/admins")
    assert page.status_code == 200
    body = text(page)
    assert f"arn:aws:iam::{account.account_id}:group/admins" in body
    assert 'href="/users/alice"' in body
    # The picker offers users not in the group yet.
    assert 'name="names" value="bob"' in body and 'id="pick-user-1" name="names" value="alice"' not in body
    added = root_client.post("/groups/admins/users/add", {"names": ["bob"]})
    assert added.status_code == 302 and added["Location"] == "/groups/admins?tab=users"
    assert GroupMembership.objects.filter(group__name="admins").count() == 2
    removed = root_client.post("/groups/admins/users/remove", {"names": ["alice", "bob"]}, **HTMX)
    assert removed["HX-Redirect"] == "/groups/admins?tab=users"
    assert GroupMembership.objects.filter(group__name="admins").count() == 0


def test_detail_permissions_tab_attach_detach_and_inline_json(root_client, account, aws_managed_policies):
    make_group(account, "admins", inline=True)
    page = root_client.get("/groups/admins?tab=permissions")
    body = text(page)
    assert "No managed policies attached." in body
    assert "read-s3" in body and "&quot;s3:GetObject&quot;" in body
    root_client.post("/groups/admins/policies/attach", {"names": [READ_ONLY]})
    assert PolicyAttachment.objects.filter(group__name="admins").count() == 1
    assert "ReadOnlyAccess</a>" in text(root_client.get("/groups/admins?tab=permissions"))
    root_client.post("/groups/admins/policies/detach", {"names": [READ_ONLY]})
    assert PolicyAttachment.objects.filter(group__name="admins").count() == 0


def test_rename_and_delete_with_confirmation(root_client, account, aws_managed_policies):
    make_group(account, "admins", "alice", policy_arns=[READ_ONLY], inline=True)
    renamed = root_client.post("/groups/admins/rename", {"new_group_name": "operators"})
    assert renamed["Location"] == "/groups/operators"
    wrong = root_client.post("/groups/operators/delete", {"confirmation": "admins"})
    assert wrong.status_code == 400
    assert "Type operators to confirm." in text(wrong)
    assert Group.objects.filter(name="operators").exists()
    deleted = root_client.post("/groups/operators/delete", {"confirmation": "operators"})
    assert deleted["Location"] == "/groups"
    assert not Group.objects.filter(name="operators").exists()
    assert not InlinePolicy.objects.filter(group__isnull=False).exists()
    # The console emptied the group through the catalogue before DeleteGroup, each step audited.
    events = set(AuditEvent.objects.filter(outcome="success").values_list("event_name", flat=True))
    assert {"RemoveUserFromGroup", "DetachGroupPolicy", "DeleteGroupPolicy", "DeleteGroup"} <= events


def test_bulk_delete_asks_for_n_user_groups(root_client, account):
    make_group(account, "a")
    make_group(account, "b", "bob")
    page = root_client.get("/groups/~delete?names=a&names=b")
    assert page.status_code == 200
    assert "Type <strong>2 user groups</strong> to confirm" in text(page)
    assert root_client.post("/groups/~delete", {"names": ["a", "b"], "confirmation": "a"}).status_code == 400
    done = root_client.post("/groups/~delete", {"names": ["a", "b"], "confirmation": "2 user groups"})
    assert done["Location"] == "/groups"
    assert not Group.objects.filter(name__in=["a", "b"]).exists()


def test_unknown_group_is_a_404_in_the_page(root_client):
    response = root_client.get("/groups/nope")
    assert response.status_code == 404
    assert "The group with name nope cannot be found." in text(response)


def test_read_only_user_sees_everything_and_every_write_is_denied_by_name(reader_client, account):
    make_group(account, "admins", "alice")
    assert names(reader_client.get("/groups")) == ["admins"]
    page = text(reader_client.get("/groups/admins"))
    assert "You need iam:RemoveUserFromGroup." in page and "You need iam:DeleteGroup." in page
    assert 'id="remove-users" disabled' in page
    create = reader_client.get("/groups/create")
    assert "You need <code>iam:CreateGroup</code>" in text(create)
    denied = reader_client.post("/groups/create", {"group_name": "mine"}, **HTMX)
    assert denied.status_code == 403
    assert missing_action(denied) == ["iam:CreateGroup"]
    removed = reader_client.post("/groups/admins/users/remove", {"names": ["alice"]})
    assert removed.status_code == 302
    follow = text(reader_client.get("/groups/admins"))
    assert "is not authorized to perform: iam:RemoveUserFromGroup" in follow
    assert GroupMembership.objects.filter(group__name="admins").count() == 1
    delete = reader_client.post("/groups/admins/delete", {"confirmation": "admins"})
    assert delete.status_code == 403
    assert "iam:RemoveUserFromGroup" in missing_action(delete)
    assert Group.objects.filter(name="admins").exists()


def test_a_user_without_permissions_sees_access_denied_panels(nobody_client, account):
    make_group(account, "admins")
    listing = nobody_client.get("/groups")
    assert listing.status_code == 403
    assert missing_action(listing) == ["iam:ListGroups"]
    detail = nobody_client.get("/groups/admins")
    assert detail.status_code == 403
    assert missing_action(detail) == ["iam:GetGroup"]
    partial = nobody_client.get("/groups/admins", **HTMX)
    assert partial.status_code == 403 and "<html" not in text(partial)
    create = nobody_client.get("/groups/create")
    assert create.status_code == 200
    assert {"iam:ListUsers", "iam:ListPolicies"} <= set(missing_action(create))
