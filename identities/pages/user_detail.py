"""The user detail page (``/users/<name>``): summary, and the tabs Permissions, Groups, Tags, Security
credentials and Access advisor (``identities.pages.access_advisor``), each an htmx partial with its own row actions;
and deleting the user.

A tab's writes post to ``/users/<name>/<tab>`` and answer with the tab again (with a notice, or the error where it
happened). Every read and write is an operation run as the signed-in actor, and each button is enabled only when
``can_run`` says the actor may use it, with the missing permission as the reason otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from iamconsole import console
from iamconsole.errors import IamError, NoSuchEntity, ValidationError
from iamconsole.middleware import SignedInRequest, signin_required
from identities.awsapi.users import user_arn
from identities.pages import access_advisor, credentials
from identities.pages.common import delete_user_and_credentials, gate
from identities.pages.forms import MAX_GROUPS_PER_USER, InlinePolicyForm, max_managed_policies_per_user, tags_from_post

TEMPLATE = "identities/user_detail.html"
#: How many managed policies a picker lists for its search.
PICKER_SIZE = 50
TABS = {
    "permissions": "Permissions",
    "groups": "Groups",
    "tags": "Tags",
    "security_credentials": "Security credentials",
    access_advisor.TAB: access_advisor.LABEL,
}
#: Tabs that only show: ``user_tab`` takes no write for them.
READ_ONLY_TABS = {access_advisor.TAB}


def _tab(request: SignedInRequest) -> str:
    tab = request.GET.get("tab", "permissions")
    return tab if tab in TABS else "permissions"


def _summary(request: SignedInRequest, user: Any) -> dict[str, Any]:
    """The summary: ARN, creation, console access (with MFA or not), last sign-in and the access keys."""
    params = {"user_name": user.name}
    summary: dict[str, Any] = {
        "arn": user_arn(user),
        "created": user.created_at,
        "last_sign_in": user.password_last_used,
    }
    try:
        console.run(request, "GetLoginProfile", params)
        summary["console_access"] = "Enabled"
    except NoSuchEntity:
        summary["console_access"] = "Disabled"
    except IamError:
        summary["console_access"] = None
    try:
        if summary["console_access"] == "Enabled" and console.list_all(request, "ListMFADevices", params):
            summary["console_access"] = "Enabled with MFA"
    except IamError:
        pass
    try:
        summary["access_keys"] = console.list_all(request, "ListAccessKeys", params)
    except IamError:
        summary["access_keys"] = None
    return summary


def _permissions(request: SignedInRequest, user: Any, **extra: Any) -> dict[str, Any]:
    params = {"user_name": user.name}
    rows: list[dict[str, Any]] = []
    context: dict[str, Any] = {}
    try:
        attached = console.list_all(request, "ListAttachedUserPolicies", params)
        rows += [{"policy": item.policy, "via": None} for item in attached]
        for group in console.list_all(request, "ListGroupsForUser", params):
            for item in console.list_all(request, "ListAttachedGroupPolicies", {"group_name": group.name}):
                rows.append({"policy": item.policy, "via": group.name})
        context["inline"] = console.list_all(request, "ListUserPolicies", params)
    except IamError as error:
        context.update(credentials.error_context(error))
        attached = []
    direct = {item.policy.arn for item in attached}
    # The pickers show the first matches of a search, not the whole catalogue (AWS alone has over a thousand).
    query = request.GET.get("policy_q", "").strip()
    try:
        found, matching = console.first_matches(request, "ListPolicies", query, limit=PICKER_SIZE + len(direct))
        choices = [p for p in found if p.is_attachable]
    except IamError:
        choices, matching = [], 0
    boundary = user.permissions_boundary
    context.update(
        {
            "policies": rows,
            "attachable": [p for p in choices if p.arn not in direct][:PICKER_SIZE],
            "boundary_choices": choices[:PICKER_SIZE],
            "policy_query": query,
            "policy_matching": matching,
            "attach_open": bool(query),
            "boundary": boundary,
            "max_policies": max_managed_policies_per_user(),
            "attach_full": len(direct) >= max_managed_policies_per_user(),
            "inline_form": InlinePolicyForm(),
            "can": {
                "attach": gate(request, "AttachUserPolicy", params),
                "detach": gate(request, "DetachUserPolicy", params),
                "put_inline": gate(request, "PutUserPolicy", params),
                "delete_inline": gate(request, "DeleteUserPolicy", params),
                "put_boundary": gate(
                    request,
                    "PutUserPermissionsBoundary",
                    {**params, "permissions_boundary": boundary.arn if boundary else ""},
                ),
                "delete_boundary": gate(request, "DeleteUserPermissionsBoundary", params),
            },
        }
    )
    context.update(extra)
    return context


def _groups(request: SignedInRequest, user: Any, **extra: Any) -> dict[str, Any]:
    params = {"user_name": user.name}
    context: dict[str, Any] = {}
    try:
        member_of = console.list_all(request, "ListGroupsForUser", params)
    except IamError as error:
        member_of = []
        context.update(credentials.error_context(error))
    names = {group.name for group in member_of}
    try:
        others = [group for group in console.list_all(request, "ListGroups", {}) if group.name not in names]
    except IamError:
        others = []
    context.update(
        {
            "member_of": [
                {
                    "group": group,
                    "can_remove": gate(request, "RemoveUserFromGroup", {**params, "group_name": group.name}),
                }
                for group in member_of
            ],
            "other_groups": others,
            "can_add": gate(request, "AddUserToGroup", {**params, "group_name": others[0].name if others else "*"}),
            "max_groups": MAX_GROUPS_PER_USER,
        }
    )
    context.update(extra)
    return context


def _user_tags(request: SignedInRequest, user_name: str) -> list[tuple[str, str]]:
    """Every tag of the user (50 at most: one page of ListUserTags)."""
    page = console.run(request, "ListUserTags", {"user_name": user_name, "max_items": 100})
    return [(tag["Key"], tag["Value"]) for tag in page.tags]


def _tags(request: SignedInRequest, user: Any, **extra: Any) -> dict[str, Any]:
    params = {"user_name": user.name}
    context: dict[str, Any] = {}
    try:
        tags = _user_tags(request, user.name)
    except IamError as error:
        tags = []
        context.update(credentials.error_context(error))
    context.update(
        {
            "tags": tags,
            "tag_rows": extra.pop("tag_rows", None) or [*tags, ("", "")],
            "max_tags": 50,
            "can_tag": gate(request, "TagUser", params),
            "can_untag": gate(request, "UntagUser", params),
        }
    )
    context.update(extra)
    return context


def _tab_context(request: SignedInRequest, user: Any, tab: str, **extra: Any) -> dict[str, Any]:
    if tab == "security_credentials":
        subject = credentials.Subject(user_name=user.name, post_url=_tab_url(user.name, tab), target="#user-tab")
        return credentials.section_context(request, subject, **extra)
    if tab == access_advisor.TAB:
        detail_url = reverse("identities:user-detail", args=[user.name])
        return {**access_advisor.context(request, user_arn(user), detail_url), "advisor_target": "#user-tab", **extra}
    builders: dict[str, Callable[..., dict[str, Any]]] = {
        "permissions": _permissions,
        "groups": _groups,
        "tags": _tags,
    }
    return builders[tab](request, user, **extra)


def _tab_url(user_name: str, tab: str) -> str:
    return reverse("identities:user-tab", kwargs={"user_name": user_name, "tab": tab})


def _get_user(request: SignedInRequest, user_name: str) -> Any:
    return console.run(request, "GetUser", {"user_name": user_name})


def _missing_user(request: SignedInRequest, error: IamError, user_name: str) -> HttpResponse:
    """The page in place of a user that cannot be read (no such user, or GetUser denied)."""
    return console.render_error(request, error, TEMPLATE, "user-tab", {"missing_user": user_name})


def _with_user(view: Callable[[SignedInRequest, Any], HttpResponse]) -> Callable[[SignedInRequest, str], HttpResponse]:
    """A view on the user the URL names: given the user read once (GetUser), or the missing-user page."""

    @functools.wraps(view)
    def wrapper(request: SignedInRequest, user_name: str) -> HttpResponse:
        try:
            user = _get_user(request, user_name)
        except IamError as error:
            return _missing_user(request, error, user_name)
        return view(request, user)

    return wrapper


def _page(request: SignedInRequest, user: Any, tab: str, extra: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {
        "user": user,
        "tab": tab,
        "tabs": [
            (key, label, f"{reverse('identities:user-detail', args=[user.name])}?tab={key}")
            for key, label in TABS.items()
        ],
        "tab_url": _tab_url(user.name, tab),
        "detail_url": reverse("identities:user-detail", args=[user.name]),
        "can_delete": gate(request, "DeleteUser", {"user_name": user.name}),
        **_tab_context(request, user, tab, **extra),
    }
    if not (request.htmx and not request.htmx.boosted):
        context["summary"] = _summary(request, user)
    if status == 200 and context.get("advisor_status"):
        status = context["advisor_status"]  # a denied or failed read of the Access advisor tab
    return console.page(request, TEMPLATE, "user-tab", context, status=status)


@require_GET
@signin_required
@_with_user
def user_detail(request: SignedInRequest, user: Any) -> HttpResponse:
    """A user's page: the summary and the tab the query string names (``?tab=``)."""
    return _page(request, user, _tab(request), {})


def _permissions_action(request: SignedInRequest, user: Any) -> dict[str, Any]:
    action = request.POST.get("action")
    params = {"user_name": user.name}
    if action == "attach":
        arns = request.POST.getlist("policy_arn")
        if not arns:
            raise ValidationError("Choose at least one policy to attach.", field="policy_arn")
        attached = console.list_all(request, "ListAttachedUserPolicies", params)
        limit = max_managed_policies_per_user()
        if len(attached) + len(arns) > limit:
            raise ValidationError(
                f"A user can have at most {limit} managed policies attached; {len(attached)} already are.",
                field="policy_arn",
            )
        for arn in arns:
            console.run(request, "AttachUserPolicy", {**params, "policy_arn": arn})
        return {"notice": f"{len(arns)} {'policy' if len(arns) == 1 else 'policies'} attached."}
    if action == "detach":
        console.run(request, "DetachUserPolicy", {**params, "policy_arn": request.POST.get("policy_arn", "")})
        return {"notice": "Policy detached."}
    if action == "put_inline":
        form = InlinePolicyForm(request.POST)
        if not form.is_valid():
            return {"inline_form": form, "inline_open": True, "status": 400}
        try:
            console.run(request, "PutUserPolicy", {**params, **form.cleaned_data})
        except IamError as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
                return {"inline_form": form, "inline_open": True, "status": error.http_status}
            raise
        return {"notice": f"Inline policy {form.cleaned_data['policy_name']} saved."}
    if action == "delete_inline":
        console.run(request, "DeleteUserPolicy", {**params, "policy_name": request.POST.get("policy_name", "")})
        return {"notice": "Inline policy deleted."}
    if action == "set_boundary":
        arn = request.POST.get("permissions_boundary", "")
        if not arn:
            raise ValidationError("Choose a policy to use as the permissions boundary.", field="permissions_boundary")
        console.run(request, "PutUserPermissionsBoundary", {**params, "permissions_boundary": arn})
        return {"notice": "Permissions boundary set.", "reload_user": True}
    if action == "remove_boundary":
        console.run(request, "DeleteUserPermissionsBoundary", params)
        return {"notice": "Permissions boundary removed.", "reload_user": True}
    raise ValidationError("Unknown action.")


def _groups_action(request: SignedInRequest, user: Any) -> dict[str, Any]:
    action = request.POST.get("action")
    params = {"user_name": user.name}
    if action == "add":
        names = request.POST.getlist("group_name")
        if not names:
            raise ValidationError("Choose at least one group.", field="group_name")
        current = console.list_all(request, "ListGroupsForUser", params)
        if len(current) + len(names) > MAX_GROUPS_PER_USER:
            raise ValidationError(
                f"A user can be in at most {MAX_GROUPS_PER_USER} groups; it is in {len(current)}.", field="group_name"
            )
        for name in names:
            console.run(request, "AddUserToGroup", {**params, "group_name": name})
        return {"notice": f"Added to {', '.join(names)}."}
    if action == "remove":
        name = request.POST.get("group_name", "")
        console.run(request, "RemoveUserFromGroup", {**params, "group_name": name})
        return {"notice": f"Removed from {name}."}
    raise ValidationError("Unknown action.")


def _tags_action(request: SignedInRequest, user: Any) -> dict[str, Any]:
    params = {"user_name": user.name}
    wanted, errors = tags_from_post(request.POST)
    rows = [(tag["key"], tag["value"]) for tag in wanted]
    if request.POST.get("action") == "add_row":
        return {"tag_rows": [*rows, ("", "")], "tag_errors": errors}
    if errors:
        return {"tag_rows": rows or [("", "")], "tag_errors": errors, "status": 400}
    current = dict(_user_tags(request, user.name))
    wanted_keys = {tag["key"] for tag in wanted}
    removed = [key for key in current if key not in wanted_keys]
    changed = [tag for tag in wanted if current.get(tag["key"]) != tag["value"]]
    if removed:
        console.run(request, "UntagUser", {**params, "tag_keys": removed})
    if changed:
        console.run(request, "TagUser", {**params, "tags": changed})
    return {"notice": "Tags saved." if removed or changed else "No tag changed."}


@require_POST
@signin_required
def user_tab(request: SignedInRequest, user_name: str, tab: str) -> HttpResponse:
    """A write on one tab, then the tab again (a notice, or the error in place)."""
    if tab not in TABS or tab in READ_ONLY_TABS:
        raise Http404
    try:
        user = _get_user(request, user_name)
    except IamError as error:
        return _missing_user(request, error, user_name)
    if tab == "security_credentials":
        subject = credentials.Subject(user_name=user.name, post_url=_tab_url(user.name, tab), target="#user-tab")
        extra, status = credentials.handle_post(request, subject)
        return _page(request, user, tab, extra, status)
    handlers = {"permissions": _permissions_action, "groups": _groups_action, "tags": _tags_action}
    try:
        extra = handlers[tab](request, user)
    except IamError as error:
        return _page(request, user, tab, credentials.error_context(error), error.http_status)
    status = int(extra.pop("status", 200))
    if extra.pop("reload_user", False):
        user = _get_user(request, user_name)
    return _page(request, user, tab, extra, status)


@require_POST
@signin_required
@_with_user
def user_delete(request: SignedInRequest, user: Any) -> HttpResponse:
    """Delete the user and what it holds, once its name is typed to confirm."""
    if request.POST.get("confirm", "").strip() != user.name:
        mistyped = ValidationError(f"Type the user name “{user.name}” to confirm the deletion.", field="confirm")
        return _page(request, user, _tab(request), {"delete_error": mistyped, "delete_open": True}, 400)
    outcome = delete_user_and_credentials(request, user.name)
    if outcome.error is not None:
        extra = {"delete_outcome": outcome, "delete_open": True, **credentials.error_context(outcome.error)}
        return _page(request, user, _tab(request), extra, outcome.error.http_status)
    messages.success(request, f"User {user.name} deleted.")
    return console.redirect(request, reverse("identities:user-list"))
