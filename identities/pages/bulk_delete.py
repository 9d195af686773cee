"""Deleting several users from the Users list: a confirmation naming them, where the word ``delete`` is typed, then
each user deleted through the catalogue with what it holds, and one result line per user (done, denied, or
failed with its error code)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iamconsole.middleware import SignedInRequest, signin_required
from identities.pages.common import delete_user_and_credentials

TEMPLATE = "identities/user_bulk_delete.html"
CONFIRM_WORD = "delete"


@require_POST
@signin_required
def user_bulk_delete(request: SignedInRequest) -> HttpResponse:
    """First POST (from the list): the confirmation. Second POST (``confirm`` typed): the deletions."""
    names = list(dict.fromkeys(name for name in request.POST.getlist("user_name") if name))
    if not names:
        messages.error(request, "Select the users to delete first.")
        return HttpResponseRedirect(reverse("identities:user-list"))
    if "confirm" not in request.POST:
        return render(request, TEMPLATE, {"names": names, "word": CONFIRM_WORD})
    if request.POST["confirm"].strip().lower() != CONFIRM_WORD:
        context = {"names": names, "word": CONFIRM_WORD, "confirm_error": f"Type {CONFIRM_WORD} to confirm."}
        return render(request, TEMPLATE, context, status=400)
    outcomes = [delete_user_and_credentials(request, name) for name in names]
    failed = [outcome for outcome in outcomes if not outcome.deleted]
    status = 200 if not failed else max(outcome.error.http_status for outcome in failed if outcome.error)
    return render(request, TEMPLATE, {"outcomes": outcomes, "failed": failed}, status=status)
