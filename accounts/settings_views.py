"""The Security Token Service panel of account settings: where session tokens from STS's global endpoint are valid.

GetAccountSummary reports the setting (``GlobalEndpointTokenVersion``: 1 or 2) and SetSecurityTokenServicePreferences
changes it, both through the catalogue as the signed-in actor. Version 1 tokens work only in the Regions AWS enables by
default; version 2 tokens are longer and work in every Region. Regional endpoints always issue version 2 tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.forms import StsPreferencesForm
from iamconsole import console
from iamconsole.errors import AccessDenied, IamError
from iamconsole.middleware import SignedInRequest, signin_required

TEMPLATE, PARTIAL = "accounts/account_settings.html", "sts-preferences"
#: GetAccountSummary's ``GlobalEndpointTokenVersion`` and the token version SetSecurityTokenServicePreferences takes.
VERSION_NAMES = {1: "v1Token", 2: "v2Token"}
GLOBAL_ENDPOINT = "https://sts.amazonaws.com"


def sts_context(
    request: SignedInRequest,
    form: StsPreferencesForm | None = None,
    *,
    editing: bool = False,
    denied: AccessDenied | None = None,
) -> dict[str, Any]:
    """What the STS panel shows: the current token validity (or why it is hidden) and, when editing, its form."""
    try:
        version = VERSION_NAMES.get(console.run(request, "GetAccountSummary").global_endpoint_token_version)
        read_error = None
    except IamError as error:
        version, read_error = None, error
    labels = dict(StsPreferencesForm.TOKEN_CHOICES)
    return {
        "sts_version": version,
        "sts_validity": labels.get(version or ""),
        "sts_read_denied": read_error if isinstance(read_error, AccessDenied) else None,
        "sts_read_error": None if read_error is None or isinstance(read_error, AccessDenied) else read_error,
        "sts_denied": denied,
        "sts_form": form or StsPreferencesForm(initial={"global_endpoint_token_version": version or "v1Token"}),
        "sts_editing": editing or form is not None,
        "sts_global_endpoint": GLOBAL_ENDPOINT,
        "can_set_sts": console.can_run(
            request, "SetSecurityTokenServicePreferences", {"global_endpoint_token_version": "v2Token"}
        ),
    }


PageContext = Callable[[SignedInRequest], dict[str, Any]]


def _page(request: SignedInRequest, rest: PageContext, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The STS panel for htmx, else the whole account settings page around it (``rest`` gives the other panels)."""
    if not request.htmx:
        context = {**rest(request), **context}
    return console.page(request, TEMPLATE, PARTIAL, context, status=status)


def sts_preferences_view(rest: PageContext) -> Callable[[SignedInRequest], HttpResponse]:
    """The view of ``/account-settings/sts``: GET opens the Change dialog, POST saves the choice
    (SetSecurityTokenServicePreferences). ``rest`` gives the page's other panels, for a request without htmx."""

    @require_http_methods(["GET", "POST"])
    @signin_required
    def sts_preferences(request: SignedInRequest) -> HttpResponse:
        if request.method == "GET":
            return _page(request, rest, sts_context(request, editing=True))
        form = StsPreferencesForm(request.POST)
        if not form.is_valid():
            return _page(request, rest, sts_context(request, form), 400)
        try:
            console.run(request, "SetSecurityTokenServicePreferences", form.cleaned_data)
        except AccessDenied as error:
            return _page(request, rest, sts_context(request, form, denied=error), error.http_status)
        except IamError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return _page(request, rest, sts_context(request, form), error.http_status)
        choice = dict(StsPreferencesForm.TOKEN_CHOICES)[form.cleaned_data["global_endpoint_token_version"]]
        messages.success(
            request, f"Session tokens from the STS global endpoint are now {choice[:1].lower()}{choice[1:]}."
        )
        return console.redirect(request, reverse("accounts:account-settings"))

    return sts_preferences
