"""The console's Users list (``/users``): search, sort and pages on the server, htmx partials, and the access-denied
panel, all through ListUsers and ``operations.run``."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent
from identities.models import User
from tests import factories
from tests.console import HTMX, signed_in
from tests.factories import allow, iam_user


def names(response) -> list[str]:
    return re.findall(r'<td class="name">(?:<a [^>]*>)?([^<]+)', response.content.decode())


def create_users(account, *user_names, path="/"):
    for name in user_names:
        factories.user(account, name, path=path)


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/users?q=a")
    assert response.status_code == 302
    assert response["Location"] == "/signin?next=/users?q=a"


def test_lists_the_accounts_users_in_the_layout(root_client, account, other_account):
    create_users(account, "bob", "Alice")
    create_users(other_account, "mallory")
    response = root_client.get("/users")
    assert response.status_code == 200
    body = response.content.decode()
    assert names(response) == ["Alice", "bob"]
    assert f"arn:aws:iam::{account.account_id}:user/Alice" in body
    assert '<nav class="sidenav"' in body
    assert 'href="/users" aria-current="page"' in body
    assert "<html" in body


def test_search_matches_names_and_arns_ignoring_case(root_client, account):
    create_users(account, "alice", "albert")
    create_users(account, "carol", path="/finance/")
    assert names(root_client.get("/users?q=AL")) == ["albert", "alice"]
    assert names(root_client.get("/users?q=finance")) == ["carol"]
    response = root_client.get("/users?q=nobody")
    assert names(response) == []
    assert "No user matches “nobody”." in response.content.decode()


def test_sorts_by_each_column_both_ways(root_client, account):
    create_users(account, "b-user", "c-user")
    create_users(account, "a-user", path="/z/")
    now = timezone.now()
    User.objects.filter(name="c-user").update(password_last_used=now, created_at=now - timedelta(days=3))
    User.objects.filter(name="b-user").update(password_last_used=now - timedelta(days=1))
    assert names(root_client.get("/users?sort=-name")) == ["c-user", "b-user", "a-user"]
    assert names(root_client.get("/users?sort=path")) == ["b-user", "c-user", "a-user"]
    assert names(root_client.get("/users?sort=created")) == ["c-user", "b-user", "a-user"]
    # Users who never signed in come last, whichever the order.
    assert names(root_client.get("/users?sort=last_sign_in")) == ["b-user", "c-user", "a-user"]
    assert names(root_client.get("/users?sort=-last_sign_in")) == ["c-user", "b-user", "a-user"]
    # A column header links to the other direction of its own order.
    body = root_client.get("/users?sort=name").content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-name"' in body
    assert names(root_client.get("/users?sort=bogus")) == ["a-user", "b-user", "c-user"]


def test_pages_are_cut_by_the_database_and_each_is_one_listusers_call(root_client, account):
    user_names = [f"user{index:02d}" for index in range(30)]
    create_users(account, *user_names)
    first = root_client.get("/users")
    assert names(first) == user_names[:25]
    body = first.content.decode()
    assert "1–25 of 30" in body
    assert 'href="?page=2"' in body
    second = root_client.get("/users?page=2")
    assert names(second) == user_names[25:]
    assert "26–30 of 30" in second.content.decode()
    assert 'href="?" hx-get="?" rel="prev"' in second.content.decode()
    # A page past the end shows the last one; a bad page number the first.
    assert names(root_client.get("/users?page=99")) == user_names[25:]
    assert names(root_client.get("/users?page=x")) == user_names[:25]
    assert names(root_client.get("/users?page=-3")) == user_names[:25]
    # Each page view was one ListUsers call, audited as a read.
    assert AuditEvent.objects.filter(event_name="ListUsers", outcome="success").count() == 5


def _queries_for_a_page(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_a_page_is_a_bounded_number_of_queries_whatever_the_size_of_the_list(
    root_client, account, django_assert_max_num_queries
):
    create_users(account, *[f"small{index}" for index in range(3)])
    small = _queries_for_a_page(root_client, "/users?sort=-created&q=a")
    # Many more users, stored directly: only the size of the list changes.
    now = timezone.now()
    template = User.objects.get(name="small0")
    User.objects.bulk_create(
        User(
            account_id=template.account_id,
            user_id=f"AIDABULK{index:012d}",
            name=f"bulk{index:04d}",
            path="/",
            created_at=now,
        )
        for index in range(2000)
    )
    large = _queries_for_a_page(root_client, "/users?sort=-created&q=a&page=7")
    assert large == small
    with django_assert_max_num_queries(small):
        response = root_client.get("/users?q=BULK01&sort=-name&page=2")
    assert names(response) == [f"bulk01{index:02d}" for index in range(74, 49, -1)]
    assert "26–50 of 100" in response.content.decode()


def test_search_ignores_odd_characters_rather_than_failing(root_client, account):
    create_users(account, "a_b", "axb")
    create_users(account, "percent", path="/100%/")
    # LIKE's wildcards are plain characters in a search.
    assert names(root_client.get("/users?q=a_b")) == ["a_b"]
    assert names(root_client.get("/users?q=%25")) == ["percent"]
    assert names(root_client.get("/users?q=%00")) == ["a_b", "axb", "percent"]
    assert root_client.get("/users?q=" + "x" * 5000).status_code == 200


def test_search_sort_and_page_combine_in_the_links(root_client, account):
    create_users(account, *[f"dev{index:02d}" for index in range(27)], "ops")
    response = root_client.get("/users?q=dev&sort=-name")
    assert names(response)[0] == "dev26"
    assert 'href="?q=dev&amp;sort=-name&amp;page=2"' in response.content.decode()
    assert names(root_client.get("/users?q=dev&sort=-name&page=2")) == ["dev01", "dev00"]


def test_an_htmx_request_gets_the_table_partial_only(root_client, account):
    create_users(account, "alice", "bob")
    response = root_client.get("/users?q=bob", **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="user-table"')
    assert "<html" not in body
    assert "sidenav" not in body
    assert names(response) == ["bob"]


def test_a_principal_without_listusers_sees_the_access_denied_panel(client, account):
    create_users(account, "alice")
    nobody = iam_user(account, "nobody")
    response = signed_in(client, nobody).get("/users")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="access-denied"' in body
    assert '<code class="missing-action">iam:ListUsers</code>' in body
    assert f"arn:aws:iam::{account.account_id}:user/nobody is not authorized to perform: iam:ListUsers" in body
    assert names(response) == []
    assert "<html" in body
    partial = client.get("/users", **HTMX)
    assert partial.status_code == 403
    assert "<html" not in partial.content.decode()
    assert 'id="access-denied"' in partial.content.decode()
    denied = AuditEvent.objects.filter(event_name="ListUsers", outcome="denied", actor_arn=nobody.arn)
    assert denied.count() == 2


def test_a_principal_allowed_listusers_sees_the_list(client, account):
    reader = iam_user(account, "reader", allow("iam:ListUsers"))
    response = signed_in(client, reader).get("/users")
    assert response.status_code == 200
    assert names(response) == ["reader"]


def test_only_internal_faces_can_ask_for_a_window():
    """``window=`` is not a member of botocore's ListUsers input: the Query API drops it like any unknown field."""
    from iamconsole.awsquery import params as query_params

    model = query_params.service_model("iam").operation_model("ListUsers")
    decoded = query_params.decode(model, {"Window": "x", "window": "x", "MaxItems": "5"})
    assert "window" not in decoded
    assert decoded["max_items"] == 5
