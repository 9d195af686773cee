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
    """Users: one page of ListUsers, searched by name or path, sorted and cut by the database."""
    template = "identities/user_list.html"
    try:
        listing = console.list_page(request, "ListUsers", row=_row)
    except IamError as error:
        return console.render_error(request, error, template, "user-table", {})
    return console.page(request, template, "user-table", {"users": listing})
