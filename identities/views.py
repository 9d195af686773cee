"""Console pages of the identities app: the Users list (``/users``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from iamconsole import console
from iamconsole.errors import IamError
from iamconsole.middleware import SignedInRequest, signin_required
from identities.awsapi.users import user_arn
from identities.pages.common import gate


@dataclass(frozen=True, slots=True)
class UserRow:
    """A row of the Users list."""

    name: str
    path: str
    arn: str
    created: datetime
    last_sign_in: datetime | None


def _row(user: Any) -> UserRow:
    return UserRow(
        name=user.name,
        path=user.path,
        arn=user_arn(user),
        created=user.created_at,
        last_sign_in=user.password_last_used,
    )


@require_GET
@signin_required
def user_list(request: SignedInRequest) -> HttpResponse:
    """Users: every user of the account through ListUsers, searched by name or ARN, sorted, paged on the server."""
    template = "identities/user_list.html"
    try:
        users = [_row(user) for user in console.list_all(request, "ListUsers")]
    except IamError as error:
        return console.render_error(request, error, template, "user-table", {})
    listing = console.listing(
        request,
        users,
        search=lambda row: (row.name, row.arn),
        sorts={
            "name": lambda row: row.name,
            "path": lambda row: row.path,
            "last_sign_in": lambda row: row.last_sign_in,
            "created": lambda row: row.created,
        },
        default_sort="name",
    )
    actions = {
        "can_create": gate(request, "CreateUser", {"user_name": "new-user"}),
        # Bulk delete is judged per user when it runs; the button asks about users in general.
        "can_delete": gate(request, "DeleteUser", {"user_name": "*"}),
    }
    return console.page(request, template, "user-table", {"users": listing, **actions})
