"""Versions of a customer managed policy on its page: create one from the editor, make one the default, delete one,
and compare any two side by side (``difflib``, rendered as a table)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from iamconsole import console
from iamconsole.errors import IamError, MalformedPolicyDocument
from iamconsole.middleware import SignedInRequest, signin_required
from policies import forms
from policies.views.editor import editor_state
from policies.views.policies import back_to, detail_error, form_error, load_policy, page_write, pretty


@require_POST
@signin_required
def version_create(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """CreatePolicyVersion from the editor; at five versions AWS answers LimitExceeded, shown on the page."""
    form = forms.PolicyDocumentForm(request.POST)
    try:
        policy = load_policy(request, policy_id)
        if not form.is_valid():
            raise form_error(form)
        editor = editor_state(request, form.cleaned_data["policy_document"], "managed")
        if editor.blocking:
            # The console refuses what the validator calls an error, as AWS's does (IAM's API takes some of it).
            raise MalformedPolicyDocument("The policy has errors: fix them before saving.", field="policy_document")
        console.run(
            request,
            "CreatePolicyVersion",
            {
                "policy_arn": policy.arn,
                "policy_document": form.cleaned_data["policy_document"],
                "set_as_default": form.cleaned_data["set_as_default"],
            },
        )
    except IamError as error:
        return detail_error(request, policy_id, error, version_form=form)
    messages.success(request, "New version created.")
    return back_to(request, policy_id, "#versions")


def _version_write(operation: str, done: str) -> Callable[[SignedInRequest, str, str], HttpResponse]:
    """A POST view running ``operation`` on one version of the policy; ``done`` names the version as ``{}``."""

    @require_POST
    @signin_required
    @page_write("#versions")
    def view(request: SignedInRequest, policy_id: str, version_id: str) -> str:
        policy = load_policy(request, policy_id)
        console.run(request, operation, {"policy_arn": policy.arn, "version_id": version_id})
        return done.format(version_id)

    return view


version_set_default = _version_write("SetDefaultPolicyVersion", "Version {} is now the default.")
version_delete = _version_write("DeletePolicyVersion", "Version {} deleted.")


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the side-by-side diff: a line on each side (None where that side has none) and how they differ."""

    left_number: int | None
    left: str
    right_number: int | None
    right: str
    change: str  # "equal", "replace", "delete" or "insert"


def side_by_side(left: str, right: str) -> list[DiffRow]:
    """The two documents line by line, paired as ``difflib`` matches them."""
    a, b = left.splitlines(), right.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + offset, j1 + offset
            rows.append(
                DiffRow(
                    left_number=i + 1 if i < i2 else None,
                    left=a[i] if i < i2 else "",
                    right_number=j + 1 if j < j2 else None,
                    right=b[j] if j < j2 else "",
                    change=tag,
                )
            )
    return rows


@require_GET
@signin_required
def version_compare(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """Two versions of a policy side by side (``?left=v1&right=v2``), each read with GetPolicyVersion."""
    template = "policies/policy_compare.html"
    try:
        policy = load_policy(request, policy_id)
        versions = console.list_all(request, "ListPolicyVersions", {"policy_arn": policy.arn})
        ids = [version.version_id for version in versions]
        left_id = request.GET.get("left") or (ids[1] if len(ids) > 1 else ids[0])
        right_id = request.GET.get("right") or ids[0]
        left = console.run(request, "GetPolicyVersion", {"policy_arn": policy.arn, "version_id": left_id})
        right = console.run(request, "GetPolicyVersion", {"policy_arn": policy.arn, "version_id": right_id})
    except IamError as error:
        return console.render_error(request, error, template, "diff", {})
    rows = side_by_side(pretty(left.document), pretty(right.document))
    context = {
        "policy": policy,
        "version_ids": ids,
        "left": left,
        "right": right,
        "rows": rows,
        "changed": sum(1 for row in rows if row.change != "equal"),
    }
    return console.page(request, template, "diff", context)
