"""Users, groups and roles whose names are words of the console's own paths (``/users/create``, ``/roles/create``,
the bulk deletes): the list links open their pages, and so do the links and forms on those pages."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import get_resolver

from identities import url_names
from tests.console import HTMX, signed_in, text
from tests.factories import group, role, user

NAMES = ["create", "CREATE", "Create", "delete", "DELETE"]


def list_link(client, list_url: str, name: str) -> str:
    found = re.findall(r'<td class="name"><a href="([^"]+)">' + re.escape(name) + "</a>", text(client.get(list_url)))
    assert len(found) == 1, found
    return html.unescape(found[0])


@pytest.mark.parametrize("name", NAMES)
def test_entities_named_like_console_paths_open_from_the_lists(client, account, name):
    user(account, name)
    group(account, name, members=(name,))
    role(account, name)
    root_client = signed_in(client, account.root)
    for list_url, arn in (
        ("/users", f"arn:aws:iam::{account.account_id}:user/{name}"),
        ("/groups", f"arn:aws:iam::{account.account_id}:group/{name}"),
        ("/roles", f"arn:aws:iam::{account.account_id}:role/{name}"),
    ):
        link = list_link(root_client, list_url, name)
        assert link.startswith(f"{list_url}/~/" if name.lower() == "create" else f"{list_url}/{name}")
        page = root_client.get(link)
        assert page.status_code == 200, link
        assert arn in text(page)


def test_a_user_named_create_has_working_tabs_and_links(client, account):
    user(account, "create")
    group(account, "create", members=("create",))
    root_client = signed_in(client, account.root)
    page = text(root_client.get(list_link(root_client, "/users", "create")))
    # The Groups tab links back to the group "create", and the tags tab's writes land on this user.
    tab = text(root_client.get("/users/~/create?tab=groups", **HTMX))
    assert 'href="/groups/~/create"' in tab
    assert "/users/~/create/" in page
    response = root_client.post(
        "/users/~/create/tags", {"action": "save", "tag_key": ["k"], "tag_value": ["v"]}, **HTMX
    )
    assert response.status_code == 200
    tags = root_client.get("/users/~/create?tab=tags", **HTMX)
    assert 'value="k"' in text(tags)


def test_a_role_named_create_is_edited_and_deleted_through_its_escaped_pages(client, account):
    role(account, "create")
    root_client = signed_in(client, account.root)
    page = text(root_client.get("/roles/~/create"))
    assert 'action="/roles/~/create/edit"' in page
    assert root_client.post("/roles/~/create/edit", {"description": "escaped"}).status_code == 303
    assert "escaped" in text(root_client.get("/roles/~/create"))
    # The wizard keeps its own path.
    assert "trust-form" in text(root_client.get("/roles/create"))


def test_the_bulk_deletes_leave_the_names_delete_free(client, account):
    user(account, "delete")
    group(account, "delete")
    root_client = signed_in(client, account.root)
    assert "user/delete" in text(root_client.get("/users/delete"))
    assert "group/delete" in text(root_client.get("/groups/delete"))
    done = root_client.post("/users/~delete", {"user_name": ["delete"], "confirm": "delete"})
    assert done.status_code == 200
    assert root_client.get("/users/delete").status_code == 404


def test_every_fixed_path_under_an_entity_list_is_escaped():
    """A fixed page added under /users, /groups or /roles must either start with "~" or be a reserved name."""
    shadowing = set()
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", [pattern]):
            route = str(getattr(inner.pattern, "_route", ""))
            match = re.fullmatch(r"(users|groups|roles)/([^</]+)(/.*)?", route)
            if match and not match[2].startswith("~"):
                shadowing.add(match[2])
    assert shadowing
    assert {word.lower() for word in shadowing} <= url_names.RESERVED
