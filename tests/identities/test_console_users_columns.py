"""The Users list's columns (CONSOLE.md §7.1): each computed by the database in the page's query, in the console's
words, and the column picker that hides and shows them and remembers the choice."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from identities.models import AccessKey, LoginProfile, User
from identities.views import days_old, time_ago
from tests import factories
from tests.checks import assert_constant_queries
from tests.console import HTMX

#: The picker's full choice, for the tests that read every column.
EVERY_COLUMN = (
    "?col=name&col=path&col=groups&col=last_activity&col=mfa&col=password_age&col=last_sign_in&col=access_key"
    "&col=key_age&col=key_last_used&col=arn&col=created"
)


def cells(response) -> dict[str, dict[str, str]]:
    """Each row of the table by user name: its cells' text by column key (``data-col``)."""
    rows: dict[str, dict[str, str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S):
        name = re.search(r'<td class="name"><a [^>]*>([^<]+)</a>', row)
        if name:
            found = re.findall(r'<td[^>]*data-col="([a-z_]+)"[^>]*>(.*?)</td>', row, re.S)
            rows[html.unescape(name[1])] = {key: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for key, text in found}
    return rows


def headers(response) -> list[str]:
    thead = re.search(r"<thead>(.*?)</thead>", response.content.decode(), re.S)
    assert thead
    # Without the sort arrow: only the labels.
    labels = re.findall(r"<th [^>]*>(.*?)</th>", re.sub(r'<span aria-hidden="true">.</span>', "", thead[1]), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in labels]


def test_each_column_shows_the_users_state_in_the_consoles_words(root_client, account):
    now = timezone.now()
    factories.user(account, "plain", path="/ops/")
    factories.user(account, "inactive")
    old_key, _ = factories.access_key(account, "inactive")
    AccessKey.objects.filter(access_key_id=old_key).update(status="Inactive", created_at=now - timedelta(days=40))
    factories.user(account, "used")
    factories.group(account, "devs", members=("used",))
    factories.group(account, "ops", members=("used",))
    # An older inactive key and a newer active one: the active one is the one shown, its age is the key's age.
    retired, _ = factories.access_key(account, "used")
    AccessKey.objects.filter(access_key_id=retired).update(
        status="Inactive", created_at=now - timedelta(days=90), last_used_at=now - timedelta(days=60)
    )
    active, _ = factories.access_key(account, "used")
    AccessKey.objects.filter(access_key_id=active).update(
        created_at=now - timedelta(days=12), last_used_at=now - timedelta(hours=3, minutes=5)
    )
    factories.user(account, "guarded")
    factories.mfa_device(account, "guarded")
    factories.user(account, "signer", password="Correct-Horse-9")
    LoginProfile.objects.filter(user__name="signer").update(password_changed_at=now - timedelta(days=30, hours=1))
    User.objects.filter(name="signer").update(password_last_used=now - timedelta(days=2, hours=1))

    rows = cells(root_client.get("/users" + EVERY_COLUMN))

    assert rows["plain"] == {
        "path": "/ops/",
        "groups": "0",
        "last_activity": "Never",
        "mfa": "None",
        "password_age": "None",
        "last_sign_in": "Never",
        "access_key": "None",
        "key_age": "None",
        "key_last_used": "None",
        "arn": f"arn:aws:iam::{account.account_id}:user/ops/plain",
        "created": rows["plain"]["created"],
    }
    assert rows["plain"]["created"].endswith(" UTC")
    assert rows["inactive"]["access_key"] == f"{old_key} Inactive"
    assert rows["inactive"]["key_age"] == "None"
    assert rows["inactive"]["key_last_used"] == "Never"
    assert rows["inactive"]["last_activity"] == "Never"
    used = rows["used"]
    assert used["groups"] == "2"
    assert used["access_key"] == f"{active} Active"
    assert used["key_age"] == "12 days"
    # The latest use of any of the user's keys.
    assert used["key_last_used"] == "3 hours ago"
    assert used["last_activity"] == "3 hours ago"
    assert used["password_age"] == "None"
    assert rows["guarded"]["mfa"] == "Virtual"
    assert rows["signer"]["password_age"] == "30 days"
    assert rows["signer"]["last_activity"] == "2 days ago"
    assert rows["signer"]["last_sign_in"].endswith(" UTC")
    assert rows["signer"]["access_key"] == "None"

    # Last activity is the later of the console sign-in and a key's use.
    AccessKey.objects.filter(access_key_id=active).update(last_used_at=now - timedelta(days=5))
    User.objects.filter(name="used").update(password_last_used=now - timedelta(days=1, hours=2))
    assert cells(root_client.get("/users" + EVERY_COLUMN))["used"]["last_activity"] == "Yesterday"


def test_ages_read_as_the_console_writes_them():
    now = timezone.now()
    assert time_ago(None, now) == "Never"
    assert time_ago(now, now) == "1 minute ago"
    assert time_ago(now - timedelta(minutes=59), now) == "59 minutes ago"
    assert time_ago(now - timedelta(hours=1), now) == "1 hour ago"
    assert time_ago(now - timedelta(hours=30), now) == "Yesterday"
    assert time_ago(now - timedelta(days=400), now) == "400 days ago"
    assert days_old(now - timedelta(hours=5), now) == "Today"
    assert days_old(now - timedelta(days=1), now) == "1 day"
    assert days_old(now - timedelta(days=7, hours=23), now) == "7 days"


def test_a_page_with_every_column_is_a_constant_number_of_queries(root_client, account):
    def fill(total: int) -> None:
        while User.objects.filter(account__account_id=account.account_id).count() < total:
            name = f"user{User.objects.count():02d}"
            factories.user(account, name, password="Correct-Horse-9")
            factories.access_key(account, name)
            factories.mfa_device(account, name)
            factories.group(account, f"group-{name}", members=(name,))

    def read() -> int:
        response = root_client.get("/users" + EVERY_COLUMN)
        assert response.status_code == 200
        rows = cells(response)
        assert all(row["mfa"] == "Virtual" and row["groups"] == "1" for row in rows.values())
        return len(rows)

    assert_constant_queries(fill, read)


def test_the_picker_shows_the_defaults_then_hides_and_shows_columns_and_remembers(root_client, account):
    factories.user(account, "alice")
    # AWS's defaults: everything but Access key last used and Creation time (ARN stays, as our list always had it).
    defaults = root_client.get("/users")
    assert headers(defaults)[1:] == [
        "User name",
        "Path",
        "Groups",
        "Last activity",
        "MFA",
        "Password age",
        "Console last sign-in",
        "Access key ID",
        "Active key age",
        "ARN",
    ]
    body = defaults.content.decode()
    assert '<details class="column-picker">' in body
    assert '<input type="checkbox" name="col" value="key_last_used">' in body
    assert '<input type="checkbox" name="col" value="groups" checked>' in body
    # The picker is a GET form: its choice is the query string, sort and search kept.
    picked = root_client.get("/users?q=ali&sort=-name&col=name&col=mfa&col=created&col=bogus", **HTMX)
    assert headers(picked)[1:] == ["User name", "MFA", "Creation time"]
    assert set(cells(picked)["alice"]) == {"mfa", "created"}
    assert '<input type="hidden" name="sort" value="-name">' in picked.content.decode()
    assert '<input type="hidden" name="q" value="ali">' in picked.content.decode()
    # Remembered for the next visit without parameters, until picked again.
    assert headers(root_client.get("/users"))[1:] == ["User name", "MFA", "Creation time"]
    assert headers(root_client.get("/users?col=name"))[1:] == ["User name"]
    assert headers(root_client.get("/users?sort=name"))[1:] == ["User name"]
    assert 'colspan="2"' in root_client.get("/users?q=nobody").content.decode()


def test_the_query_api_listusers_is_unchanged_by_the_console_columns(account):
    """The columns are computed for the console's window only: ListUsers' output carries none of them."""
    from iamconsole import operations
    from identities.awsapi.users import OUTPUTS

    factories.user(account, "alice")
    factories.access_key(account, "alice")
    page = operations.run(factories.root_of(account), "ListUsers", {})
    user = page.items[0]
    assert not hasattr(user, "key_id")
    assert set(OUTPUTS["ListUsers"](page)["Users"][0]) == {"Path", "UserName", "UserId", "Arn", "CreateDate"}


def test_the_newer_columns_sort_in_the_database_in_one_page_query(root_client, account):
    now = timezone.now()
    for name in ("ann", "bob", "cat", "dan"):
        factories.user(account, name, password="Correct-Horse-9" if name in ("ann", "bob") else None)
    factories.group(account, "devs", members=("ann", "bob"))
    factories.group(account, "ops", members=("ann",))
    factories.mfa_device(account, "ann")
    factories.mfa_device(account, "cat")
    LoginProfile.objects.filter(user__name="ann").update(password_changed_at=now - timedelta(days=10))
    LoginProfile.objects.filter(user__name="bob").update(password_changed_at=now - timedelta(days=30))
    User.objects.filter(name="ann").update(password_last_used=now - timedelta(days=3))
    keys = {}
    for name, created, used, status in (
        ("ann", 5, timedelta(days=1), "Active"),
        ("bob", 40, timedelta(days=20), "Active"),
        ("cat", 2, timedelta(hours=2), "Inactive"),
    ):
        keys[name], _ = factories.access_key(account, name)
        AccessKey.objects.filter(access_key_id=keys[name]).update(
            created_at=now - timedelta(days=created), last_used_at=now - used, status=status
        )

    def order(sort: str) -> list[str]:
        response = root_client.get(f"/users{EVERY_COLUMN}&sort={sort}")
        assert response.status_code == 200
        return list(cells(response))

    # Ties fall back to the name; users without a value come last whichever the direction.
    assert order("groups") == ["cat", "dan", "bob", "ann"]
    assert order("-groups") == ["ann", "bob", "cat", "dan"]
    assert order("mfa") == ["bob", "dan", "ann", "cat"]
    assert order("-mfa") == ["ann", "cat", "bob", "dan"]
    assert order("password_age") == ["ann", "bob", "cat", "dan"]
    assert order("-password_age") == ["bob", "ann", "cat", "dan"]
    # An inactive key shows no age: cat sorts with dan, who has no key.
    assert order("key_age") == ["ann", "bob", "cat", "dan"]
    assert order("-key_age") == ["bob", "ann", "cat", "dan"]
    assert order("key_last_used") == ["bob", "ann", "cat", "dan"]
    assert order("-key_last_used") == ["cat", "ann", "bob", "dan"]
    assert order("last_activity") == ["bob", "ann", "cat", "dan"]
    assert order("access_key") == [*sorted(keys, key=keys.__getitem__), "dan"]

    headers_html = root_client.get(f"/users{EVERY_COLUMN}&sort=-password_age").content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?col=' in headers_html
    for key in ("groups", "last_activity", "mfa", "password_age", "access_key", "key_age", "key_last_used"):
        assert f"sort={key}" in headers_html, key

    # Sorting by a computed column costs no query more than the default order.
    counts = []
    for sort in ("name", "-key_age", "last_activity"):
        with CaptureQueriesContext(connection) as queries:
            order(sort)
        counts.append(len(queries.captured_queries))
    assert len(set(counts)) == 1
