"""Create user (``/users/create``): a three-step wizard (details, permissions, review with tags), then the result.

The wizard's input lives in the server-side session between steps (a custom password included, never in a URL or
a hidden field), so Back and Next keep it. Create runs each operation on its own, as the actor and authorized on its
own: CreateUser, then PutUserPermissionsBoundary, TagUser, CreateLoginProfile, and the permissions (AddUserToGroup,
AttachUserPolicy, or what copying a user takes). When CreateUser fails nothing was done and the review shows why;
when a later step fails the others still run and the result page lists what was and was not done.

The result (with a generated password) is kept in the session only until the next GET of the result page, which
takes it out: the password is shown once, with a CSV file to download from the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from iamconsole import console
from iamconsole.arn import aws_managed_policy_arn
from iamconsole.errors import IamError, NoSuchEntity
from iamconsole.middleware import SignedInRequest, signin_required
from identities.pages.common import csv_data_uri, gate, generate_password
from identities.pages.forms import UserDetailsForm, UserPermissionsForm, tags_from_post

TEMPLATE = "identities/user_create.html"
RESULT_TEMPLATE = "identities/user_created.html"
STATE_KEY = "iam_console_user_create"
RESULT_KEY = "iam_console_user_created"
STEPS = ("details", "permissions", "review")
#: Attached when a reset is required but the password policy does not let users change their own password.
CHANGE_PASSWORD_POLICY = aws_managed_policy_arn("IAMUserChangePassword")


@dataclass(frozen=True, slots=True)
class Step:
    """One operation the wizard ran: what it was for, and its error (None when it succeeded)."""

    label: str
    error: str | None = None


def _state(request: SignedInRequest) -> dict[str, Any]:
    return dict(request.session.get(STATE_KEY, {}))


def _save(request: SignedInRequest, **parts: Any) -> None:
    state = _state(request)
    state.update(parts)
    request.session[STATE_KEY] = state


def _step_url(step: str) -> str:
    return f"{reverse('identities:user-create')}?step={step}"


def _choices(request: SignedInRequest) -> tuple[dict[str, Any], dict[str, str]]:
    """The groups, users and managed policies to choose from, as far as the actor may list them."""
    found: dict[str, Any] = {"groups": [], "users": [], "policies": []}
    denied: dict[str, str] = {}
    for key, name in (("groups", "ListGroups"), ("users", "ListUsers"), ("policies", "ListPolicies")):
        try:
            found[key] = console.list_all(request, name)
        except IamError as error:
            denied[key] = error.message
    return found, denied


def _permissions_form(request: SignedInRequest, data: Any = None) -> tuple[UserPermissionsForm, dict[str, Any]]:
    found, denied = _choices(request)
    policies = [(p.arn, p.name) for p in found["policies"] if p.is_attachable]
    form = UserPermissionsForm(
        data,
        groups=[group.name for group in found["groups"]],
        users=[user.name for user in found["users"]],
        policies=policies,
        initial=_state(request).get("permissions"),
    )
    extra = {"choices_denied": denied, "policy_names": dict(policies)}
    return form, extra


def _render(request: SignedInRequest, step: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    state = _state(request)
    base = {
        "step": step,
        "steps": [(name, index) for index, name in enumerate(STEPS, start=1)],
        "state": state,
        "can_create": gate(
            request, "CreateUser", {"user_name": state.get("details", {}).get("user_name") or "new-user"}
        ),
    }
    return render(request, TEMPLATE, {**base, **context}, status=status)


def _details_step(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = UserDetailsForm(request.POST)
        if form.is_valid():
            _save(request, details=form.cleaned_data)
            return HttpResponseRedirect(_step_url("permissions"))
        return _render(request, "details", {"form": form}, status=400)
    return _render(request, "details", {"form": UserDetailsForm(initial=_state(request).get("details"))})


def _permissions_step(request: SignedInRequest) -> HttpResponse:
    if "details" not in _state(request):
        return HttpResponseRedirect(_step_url("details"))
    if request.method == "POST":
        form, extra = _permissions_form(request, request.POST)
        valid = form.is_valid()
        if request.POST.get("nav") == "back":
            if valid:
                _save(request, permissions=form.cleaned_data)
            return HttpResponseRedirect(_step_url("details"))
        if valid:
            _save(request, permissions=form.cleaned_data)
            return HttpResponseRedirect(_step_url("review"))
        return _render(request, "permissions", {"form": form, **extra}, status=400)
    form, extra = _permissions_form(request)
    return _render(request, "permissions", {"form": form, **extra})


def _review_context(request: SignedInRequest) -> dict[str, Any]:
    state = _state(request)
    _, extra = _permissions_form(request)
    return {"details": state["details"], "permissions": state["permissions"], "policy_names": extra["policy_names"]}


def _review_step(request: SignedInRequest) -> HttpResponse:
    state = _state(request)
    if "details" not in state:
        return HttpResponseRedirect(_step_url("details"))
    if "permissions" not in state:
        return HttpResponseRedirect(_step_url("permissions"))
    rows = [(tag["key"], tag["value"]) for tag in state.get("tags", [])] or [("", "")]
    if request.method == "POST":
        tags, errors = tags_from_post(request.POST)
        _save(request, tags=tags)
        rows = [(tag["key"], tag["value"]) for tag in tags]
        nav = request.POST.get("nav")
        if nav == "back":
            return HttpResponseRedirect(_step_url("permissions"))
        if nav == "add_tag":
            return _render(request, "review", {**_review_context(request), "tag_rows": [*rows, ("", "")]})
        if errors:
            context = {**_review_context(request), "tag_rows": rows or [("", "")], "tag_errors": errors}
            return _render(request, "review", context, status=400)
        if nav == "create":
            return _create(request)
    return _render(request, "review", {**_review_context(request), "tag_rows": rows})


def _users_may_change_password(request: SignedInRequest) -> bool:
    try:
        return bool(console.run(request, "GetAccountPasswordPolicy").allow_users_to_change_password)
    except NoSuchEntity:
        return False
    except IamError:
        return True  # unknown: do not attach a policy the actor cannot tell is needed


def _create(request: SignedInRequest) -> HttpResponse:
    state = _state(request)
    details, permissions, tags = state["details"], state["permissions"], state.get("tags", [])
    user_name = details["user_name"]
    user = {"user_name": user_name}
    try:
        console.run(request, "CreateUser", {"user_name": user_name, "path": details["path"]})
    except IamError as error:
        context = {**_review_context(request), "tag_rows": [(t["key"], t["value"]) for t in tags] or [("", "")]}
        context.update({"create_error": error, "denied": error if error.code == "AccessDenied" else None})
        return _render(request, "review", context, status=error.http_status)

    steps: list[Step] = [Step(f"Created user {user_name}")]

    def attempt(label: str, name: str, params: dict[str, Any]) -> Any:
        try:
            result = console.run(request, name, params)
        except IamError as error:
            steps.append(Step(label, f"{error.code}: {error.message}"))
            return None
        steps.append(Step(label))
        return result if result is not None else True

    boundary = permissions.get("permissions_boundary")
    if boundary:
        attempt(
            "Set the permissions boundary", "PutUserPermissionsBoundary", {**user, "permissions_boundary": boundary}
        )
    if tags:
        attempt(f"Added {len(tags)} tag(s)", "TagUser", {**user, "tags": tags})
    password = None
    if details.get("console_access"):
        password = details["password"] if details["password_type"] == "custom" else generate_password(request)
        reset = bool(details.get("password_reset_required"))
        params = {**user, "password": password, "password_reset_required": reset}
        if not attempt("Gave the user a console password", "CreateLoginProfile", params):
            password = None
        elif reset and not _users_may_change_password(request):
            attempt(
                "Attached IAMUserChangePassword so the user can choose a new password",
                "AttachUserPolicy",
                {**user, "policy_arn": CHANGE_PASSWORD_POLICY},
            )
    option = permissions.get("option")
    if option == "groups":
        for group in permissions.get("groups", []):
            attempt(f"Added to group {group}", "AddUserToGroup", {**user, "group_name": group})
    elif option == "attach":
        for arn in permissions.get("policy_arns", []):
            attempt(f"Attached policy {arn}", "AttachUserPolicy", {**user, "policy_arn": arn})
    elif option == "copy":
        _copy_permissions(request, permissions["copy_from"], user_name, bool(boundary), attempt, steps)

    request.session.pop(STATE_KEY, None)
    request.session[RESULT_KEY] = {
        "user_name": user_name,
        "password": password,
        "steps": [(step.label, step.error) for step in steps],
    }
    return HttpResponseRedirect(reverse("identities:user-created"))


def _copy_permissions(
    request: SignedInRequest, source: str, user_name: str, has_boundary: bool, attempt: Any, steps: list[Step]
) -> None:
    """Copy another user's groups, managed policies, inline policies and (unless one was chosen) boundary."""
    src = {"user_name": source}
    user = {"user_name": user_name}
    try:
        groups = console.list_all(request, "ListGroupsForUser", src)
        attached = console.list_all(request, "ListAttachedUserPolicies", src)
        inline = console.list_all(request, "ListUserPolicies", src)
        source_user = console.run(request, "GetUser", src)
    except IamError as error:
        steps.append(Step(f"Read the permissions of {source}", f"{error.code}: {error.message}"))
        return
    for group in groups:
        attempt(f"Added to group {group.name}", "AddUserToGroup", {**user, "group_name": group.name})
    for item in attached:
        attempt(f"Attached policy {item.policy.name}", "AttachUserPolicy", {**user, "policy_arn": item.policy.arn})
    for policy in inline:
        params = {**user, "policy_name": policy.name, "policy_document": policy.document}
        attempt(f"Copied inline policy {policy.name}", "PutUserPolicy", params)
    if not has_boundary and source_user.permissions_boundary is not None:
        arn = source_user.permissions_boundary.arn
        attempt("Copied the permissions boundary", "PutUserPermissionsBoundary", {**user, "permissions_boundary": arn})


@require_http_methods(["GET", "POST"])
@signin_required
def user_create(request: SignedInRequest) -> HttpResponse:
    """The wizard; ``?step=`` names the step (a visit without one starts afresh)."""
    step = request.GET.get("step")
    if request.method == "GET" and step is None:
        request.session.pop(STATE_KEY, None)
    if request.method == "POST" and request.POST.get("nav") == "cancel":
        request.session.pop(STATE_KEY, None)
        return HttpResponseRedirect(reverse("identities:user-list"))
    if step == "permissions":
        return _permissions_step(request)
    if step == "review":
        return _review_step(request)
    return _details_step(request)


@require_GET
@signin_required
def user_created(request: SignedInRequest) -> HttpResponse:
    """The result of Create user: each step done or failed, and the console password once (then it is gone)."""
    result = request.session.pop(RESULT_KEY, None)
    if result is None:
        return render(request, RESULT_TEMPLATE, {"gone": True}, status=404)
    signin_url = f"{settings.IAM_CONSOLE_URL}/signin/{request.actor.account_id}"
    context: dict[str, Any] = {
        "result": result,
        "failed": [label for label, error in result["steps"] if error],
        "signin_url": signin_url,
    }
    if result["password"]:
        context["csv"] = csv_data_uri(
            ("User name", "Password", "Console sign-in URL"), (result["user_name"], result["password"], signin_url)
        )
    return render(request, RESULT_TEMPLATE, context)
