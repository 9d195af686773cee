"""Console pages of the identities app: the Users list (``/users``) and the User groups pages (``/groups``)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iamconsole import console
from iamconsole.console_forms import errors_text
from iamconsole.errors import AccessDenied, IamError, ValidationError
from iamconsole.middleware import SignedInRequest, signin_required
from identities.awsapi.groups import group_shape
from identities.awsapi.users import user_arn
from identities.forms import ConfirmDeleteForm, GroupCreateForm, GroupRenameForm, NamesForm
from identities.pages.common import gate


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A user as a group's Users tab lists it."""

    name: str
    path: str
    arn: str
    created: datetime
    last_sign_in: datetime | None


def _member_row(user: Any) -> MemberRow:
    return MemberRow(
        name=user.name,
        path=user.path,
        arn=user_arn(user),
        created=user.created_at,
        last_sign_in=user.password_last_used,
    )


@dataclass(frozen=True, slots=True)
class UserRow(MemberRow):
    """A row of the Users list: the values of every column, shown or not."""

    groups: int
    last_activity: str
    mfa: str
    password_age: str
    key_id: str | None
    key_status: str
    key_age: str
    key_last_used: str


def days_old(moment: datetime, now: datetime) -> str:
    """An age in whole days, as the console's Password age and Active key age read: "Today", "1 day", "12 days"."""
    days = max(0, (now - moment).days)
    return "Today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"


def time_ago(moment: datetime | None, now: datetime) -> str:
    """How long ago, as the console's Last activity and Access key last used read: "Never", "5 minutes ago",
    "3 hours ago", "Yesterday", "12 days ago"."""
    if moment is None:
        return "Never"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 3600:
        minutes = max(1, seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if seconds < 86400:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = seconds // 86400
    return "Yesterday" if days == 1 else f"{days} days ago"


def _row(user: Any, now: datetime) -> UserRow:
    # The annotations come from the console's window (identities.selectors.users.with_activity).
    key_created = user.key_created_at
    active_key = user.key_status == "Active"
    return UserRow(
        **asdict(_member_row(user)),
        groups=user.group_count,
        last_activity=time_ago(user.last_activity, now),
        mfa="None" if not user.mfa_count else "Virtual" if user.mfa_count == 1 else f"Virtual ({user.mfa_count})",
        password_age=days_old(user.password_changed_at, now) if user.password_changed_at else "None",
        key_id=user.key_id,
        key_status=user.key_status or "",
        key_age=days_old(key_created, now) if active_key and key_created else "None",
        key_last_used=time_ago(user.key_last_used, now) if user.key_id else "None",
    )


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the Users list the picker can show or hide."""

    key: str
    label: str
    shown: bool


#: The Users list's optional columns in order, and whether each is shown until someone picks (AWS's defaults).
USER_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("path", "Path", True),
    ("groups", "Groups", True),
    ("last_activity", "Last activity", True),
    ("mfa", "MFA", True),
    ("password_age", "Password age", True),
    ("last_sign_in", "Console last sign-in", True),
    ("access_key", "Access key ID", True),
    ("key_age", "Active key age", True),
    ("key_last_used", "Access key last used", False),
    ("arn", "ARN", True),
    ("created", "Creation time", False),
)
#: The session key remembering the columns someone picked.
USER_COLUMNS_SESSION = "users_columns"


def _user_columns(request: SignedInRequest) -> list[Column]:
    """The picker's columns: as the query asks (``col=``, the picker's GET form, which always sends ``col=name``),
    remembered in the session for the next visit; else as last picked; else the defaults."""
    known = {key for key, _, _ in USER_COLUMNS}
    if "col" in request.GET:
        picked = [key for key in request.GET.getlist("col") if key in known]
        request.session[USER_COLUMNS_SESSION] = picked
    else:
        remembered = request.session.get(USER_COLUMNS_SESSION)
        picked = remembered if isinstance(remembered, list) else [key for key, _, shown in USER_COLUMNS if shown]
    return [Column(key=key, label=label, shown=key in picked) for key, label, _ in USER_COLUMNS]


@require_GET
@signin_required
def user_list(request: SignedInRequest) -> HttpResponse:
    """Users: one page of ListUsers, searched by name or path, sorted and cut by the database, in the columns picked."""
    template = "identities/user_list.html"
    columns = _user_columns(request)
    shown = {column.key for column in columns if column.shown}
    context: dict[str, Any] = {"columns": columns, "shown": shown, "width": len(shown) + 2}
    now = timezone.now()
    try:
        listing = console.list_page(request, "ListUsers", row=lambda user: _row(user, now))
    except IamError as error:
        return console.render_error(request, error, template, "user-table", context)
    actions = {
        "can_create": gate(request, "CreateUser", {"user_name": "new-user"}),
        # Bulk delete is judged per user when it runs; the button asks about users in general.
        "can_delete": gate(request, "DeleteUser", {"user_name": "*"}),
    }
    return console.page(request, template, "user-table", {"users": listing, **context, **actions})


# --- user groups ------------------------------------------------------------------------------------------------

#: How many candidates a picker (users to add, policies to attach) shows for its search.
PICKER_SIZE = 50


@dataclass(frozen=True, slots=True)
class GroupRow:
    """A row of the User groups list."""

    name: str
    path: str
    arn: str
    users: int
    has_permissions: bool
    created: datetime


def _group_row(group: Any) -> GroupRow:
    return GroupRow(
        name=group.name,
        path=group.path,
        arn=group_shape(group)["Arn"],
        users=getattr(group, "user_count", 0),
        has_permissions=bool(getattr(group, "has_permissions", False)),
        created=group.created_at,
    )


def _group_url(group_name: str, tab: str = "") -> str:
    url = reverse("identities:group-detail", args=[group_name])
    return f"{url}?{urlencode({'tab': tab})}" if tab else url


@require_GET
@signin_required
def group_list(request: SignedInRequest) -> HttpResponse:
    """User groups: one page of ListGroups with each group's user count and whether it has permissions, searched by
    name, sorted and cut by the database."""
    template = "identities/group_list.html"
    context: dict[str, Any] = {
        "can_create": console.can_run(request, "CreateGroup", {"group_name": "*"}),
        "can_delete": console.can_run(request, "DeleteGroup", {"group_name": "*"}),
    }
    try:
        context["groups"] = console.list_page(request, "ListGroups", row=_group_row)
    except IamError as error:
        return console.render_error(request, error, template, "group-table", context)
    return console.page(request, template, "group-table", context)


def _user_choices(
    request: SignedInRequest, query: str, exclude: AbstractSet[str] = frozenset()
) -> tuple[list[str], str | None]:
    """Users a picker offers (their names), or the action that the actor lacks to list them."""
    try:
        users, _ = console.first_matches(request, "ListUsers", query, limit=PICKER_SIZE + len(exclude))
    except AccessDenied as error:
        return [], error.action or "iam:ListUsers"
    return [user.name for user in users if user.name.lower() not in exclude][:PICKER_SIZE], None


@dataclass(frozen=True, slots=True)
class PolicyChoice:
    name: str
    arn: str
    aws_managed: bool
    description: str


def _policy_choices(
    request: SignedInRequest, query: str, exclude: AbstractSet[str] = frozenset()
) -> tuple[list[PolicyChoice], str | None]:
    """Managed policies a picker offers, or the action that the actor lacks to list them."""
    try:
        policies, _ = console.first_matches(request, "ListPolicies", query, limit=PICKER_SIZE + len(exclude))
    except AccessDenied as error:
        return [], error.action or "iam:ListPolicies"
    choices = [
        PolicyChoice(policy.name, policy.arn, policy.account_id is None, policy.description)
        for policy in policies
        if policy.arn not in exclude
    ]
    return choices[:PICKER_SIZE], None


@require_http_methods(["GET", "POST"])
@signin_required
def group_create(request: SignedInRequest) -> HttpResponse:
    """Create user group: CreateGroup, then AddUserToGroup for each chosen user and AttachGroupPolicy for each chosen
    policy, each as the signed-in actor. A later step that fails leaves the group created and says what is missing."""
    template = "identities/group_create.html"
    form = GroupCreateForm(request.POST or None)
    user_query = request.GET.get("user_q", "").strip()[: console.MAX_SEARCH]
    policy_query = request.GET.get("policy_q", "").strip()[: console.MAX_SEARCH]
    users, users_denied = _user_choices(request, user_query)
    policies, policies_denied = _policy_choices(request, policy_query)
    context: dict[str, Any] = {
        "form": form,
        "users": users,
        "users_denied": users_denied,
        "user_query": user_query,
        "policies": policies,
        "policies_denied": policies_denied,
        "policy_query": policy_query,
        "can_create": console.can_run(request, "CreateGroup", {"group_name": "*"}),
        "user_field": "user_names",
        "policy_field": "policy_arns",
        "search_url": request.path,
    }
    if request.method == "GET":
        return console.page(request, *_picker_partial(request, template, "group-form"), context)
    if not form.is_valid():
        return console.page(request, template, "group-form", context, status=400)
    data = form.cleaned_data
    try:
        console.run(request, "CreateGroup", {"group_name": data["group_name"], "path": data["path"]})
    except IamError as error:
        return console.render_error(request, error, template, "group-form", context, form=form)
    name = data["group_name"]
    failures = _apply_each(request, "AddUserToGroup", "user_name", data["user_names"], group_name=name)
    failures += _apply_each(request, "AttachGroupPolicy", "policy_arn", data["policy_arns"], group_name=name)
    messages.success(request, f"User group {name} created.")
    for failure in failures:
        messages.error(request, failure)
    return console.redirect(request, _group_url(name))


def _apply_each(request: SignedInRequest, operation: str, key: str, values: list[str], *, group_name: str) -> list[str]:
    """Run ``operation`` on the group for each value; the messages of those that failed."""
    failures = []
    for value in values:
        try:
            console.run(request, operation, {"group_name": group_name, key: value})
        except IamError as error:
            failures.append(f"{operation} {value}: {error.message}")
    return failures


@dataclass(frozen=True, slots=True)
class InlineRow:
    name: str
    document: str


def _group_context(request: SignedInRequest, group_name: str, tab: str) -> dict[str, Any]:
    """Everything the group page shows, read as the signed-in actor; raises the GetGroup error (NoSuchEntity,
    AccessDenied) for the page to show instead."""
    result = console.run(request, "GetGroup", {"group_name": group_name, "max_items": 1000})
    group = result.group
    name = group.name
    members = [_member_row(user) for user in result.users.items]
    context: dict[str, Any] = {
        "group": _group_row(group),
        "members": members,
        "members_truncated": result.users.is_truncated,
        "tab": tab,
        "group_tabs": [("users", f"Users ({len(members)})"), ("permissions", "Permissions")],
        "can_add_users": console.can_run(request, "AddUserToGroup", {"group_name": name}),
        "can_remove_users": console.can_run(request, "RemoveUserFromGroup", {"group_name": name}),
        "can_attach": console.can_run(request, "AttachGroupPolicy", {"group_name": name, "policy_arn": "*"}),
        "can_detach": console.can_run(request, "DetachGroupPolicy", {"group_name": name, "policy_arn": "*"}),
        "can_delete": console.can_run(request, "DeleteGroup", {"group_name": name}),
        "can_rename": console.can_run(request, "UpdateGroup", {"group_name": name}),
        "delete_form": ConfirmDeleteForm(expected=name),
        "user_field": "names",
        "policy_field": "names",
        "search_url": request.path,
    }
    if tab == "users":
        query = request.GET.get("user_q", "").strip()[: console.MAX_SEARCH]
        in_group = {member.name.lower() for member in members}
        context["users"], context["users_denied"] = _user_choices(request, query, in_group)
        context["user_query"] = query
    else:
        try:
            attached = console.run(request, "ListAttachedGroupPolicies", {"group_name": name, "max_items": 1000})
            context["attached"] = list(attached.items)
        except AccessDenied as error:
            context["attached_denied"] = error.action
            context["attached"] = []
        try:
            names = console.run(request, "ListGroupPolicies", {"group_name": name, "max_items": 1000})
            inline = []
            for policy_name in names.items:
                policy = console.run(request, "GetGroupPolicy", {"group_name": name, "policy_name": _name(policy_name)})
                inline.append(InlineRow(policy.name, console.indented_json(policy.document)))
            context["inline"] = inline
        except AccessDenied as error:
            context["inline_denied"] = error.action
            context["inline"] = []
        query = request.GET.get("policy_q", "").strip()[: console.MAX_SEARCH]
        exclude = {attachment.policy.arn for attachment in context["attached"]}
        context["policies"], context["policies_denied"] = _policy_choices(request, query, exclude)
        context["policy_query"] = query
    return context


def _name(item: Any) -> str:
    return item if isinstance(item, str) else str(item.name)


GROUP_TABS = ("users", "permissions")


def _group_page(
    request: SignedInRequest,
    group_name: str,
    *,
    error: IamError | None = None,
    delete_form: ConfirmDeleteForm | None = None,
    template: str = "identities/group_detail.html",
    partial: str = "group-tab",
) -> HttpResponse:
    tab = request.GET.get("tab", "users")
    tab = tab if tab in GROUP_TABS else "users"
    try:
        context = _group_context(request, group_name, tab)
    except IamError as failure:
        context = {"group_name": group_name, "missing": True}
        return console.render_error(request, failure, "identities/group_detail.html", "group-tab", context)
    if delete_form is not None:
        context["delete_form"] = delete_form
        context["confirming_delete"] = True
        return console.page(request, template, partial, context, status=400)
    if error is not None:
        return console.render_error(request, error, template, partial, context)
    return console.page(request, template, partial, context)


@require_GET
@signin_required
def group_detail(request: SignedInRequest, group_name: str) -> HttpResponse:
    """A user group: summary, then the Users tab (members, add, remove) or the Permissions tab (attached managed
    policies with attach and detach; inline policies with their JSON)."""
    template, partial = _picker_partial(request, "identities/group_detail.html", "group-tab")
    return _group_page(request, group_name, template=template, partial=partial)


def _picker_partial(request: SignedInRequest, template: str, partial: str) -> tuple[str, str]:
    """The template and partial an htmx request renders: a picker's search replaces only the picker."""
    if request.htmx and "user_q" in request.GET:
        return "identities/_user_picker.html", "user-picker"
    if request.htmx and "policy_q" in request.GET:
        return "identities/_policy_picker.html", "policy-picker"
    return template, partial


def _group_write(
    request: SignedInRequest, group_name: str, operation: str, key: str, tab: str, done: str
) -> HttpResponse:
    """Add or remove users, attach or detach policies: ``operation`` for each checked value, then the tab again."""
    form = NamesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose at least one.")
        return console.redirect(request, _group_url(group_name, tab))
    values = form.cleaned_data["names"]
    failures = _apply_each(request, operation, key, values, group_name=group_name)
    succeeded = len(values) - len(failures)
    if succeeded:
        messages.success(request, f"{done} ({succeeded}).")
    for failure in failures:
        messages.error(request, failure)
    return console.redirect(request, _group_url(group_name, tab))


def _group_write_view(operation: str, key: str, tab: str, done: str) -> Callable[[SignedInRequest, str], HttpResponse]:
    """A POST view that runs ``operation`` for each checked ``key`` of the group's ``tab``."""

    @require_POST
    @signin_required
    def view(request: SignedInRequest, group_name: str) -> HttpResponse:
        return _group_write(request, group_name, operation, key, tab, done)

    return view


group_add_users = _group_write_view("AddUserToGroup", "user_name", "users", "Users added to the group")
group_remove_users = _group_write_view("RemoveUserFromGroup", "user_name", "users", "Users removed from the group")
group_attach_policies = _group_write_view("AttachGroupPolicy", "policy_arn", "permissions", "Policies attached")
group_detach_policies = _group_write_view("DetachGroupPolicy", "policy_arn", "permissions", "Policies detached")


@require_POST
@signin_required
def group_rename(request: SignedInRequest, group_name: str) -> HttpResponse:
    """UpdateGroup: a new name (policies that name the old one are not updated, as AWS warns)."""
    form = GroupRenameForm(request.POST)
    if not form.is_valid():
        return _group_page(request, group_name, error=ValidationError(errors_text(form), field="new_group_name"))
    new_name = form.changes["new_group_name"]
    try:
        console.run(request, "UpdateGroup", {"group_name": group_name, "new_group_name": new_name})
    except IamError as error:
        return _group_page(request, group_name, error=error)
    messages.success(request, f"User group {group_name} renamed to {new_name}.")
    return console.redirect(request, _group_url(new_name))


def _empty_group(request: SignedInRequest, group_name: str) -> None:
    """What AWS's console does before DeleteGroup: remove the members, detach the managed policies, delete the inline
    policies, each through its own operation (so each is authorized and audited)."""
    members = console.run(request, "GetGroup", {"group_name": group_name, "max_items": 1000})
    for user in members.users.items:
        console.run(request, "RemoveUserFromGroup", {"group_name": group_name, "user_name": user.name})
    attached = console.run(request, "ListAttachedGroupPolicies", {"group_name": group_name, "max_items": 1000})
    for attachment in attached.items:
        console.run(request, "DetachGroupPolicy", {"group_name": group_name, "policy_arn": attachment.policy.arn})
    inline = console.run(request, "ListGroupPolicies", {"group_name": group_name, "max_items": 1000})
    for policy in inline.items:
        console.run(request, "DeleteGroupPolicy", {"group_name": group_name, "policy_name": _name(policy)})


@require_POST
@signin_required
def group_delete(request: SignedInRequest, group_name: str) -> HttpResponse:
    """Delete a user group, confirmed by typing its name: empty it, then DeleteGroup."""
    form = ConfirmDeleteForm(request.POST, expected=group_name)
    if not form.is_valid():
        return _group_page(request, group_name, delete_form=form)
    try:
        _empty_group(request, group_name)
        console.run(request, "DeleteGroup", {"group_name": group_name})
    except IamError as error:
        return _group_page(request, group_name, error=error)
    messages.success(request, f"User group {group_name} deleted.")
    return console.redirect(request, reverse("identities:group-list"))


def _delete_phrase(names: list[str]) -> str:
    """What the confirmation asks to type: the group's name, or ``N user groups`` for several (as AWS asks)."""
    return names[0] if len(names) == 1 else f"{len(names)} user groups"


@require_http_methods(["GET", "POST"])
@signin_required
def group_bulk_delete(request: SignedInRequest) -> HttpResponse:
    """Delete the user groups checked in the list, confirmed by typing their name or ``N user groups``."""
    template = "identities/group_delete.html"
    source = request.POST if request.method == "POST" else request.GET
    names = sorted({name for name in source.getlist("names") if name})[:300]
    if not names:
        messages.error(request, "Choose the user groups to delete.")
        return HttpResponseRedirect(reverse("identities:group-list"))
    phrase = _delete_phrase(names)
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None, expected=phrase)
    context = {"names": names, "phrase": phrase, "form": form}
    if request.method == "GET" or not form.is_valid():
        return console.page(request, template, "delete-form", context, status=200 if request.method == "GET" else 400)
    deleted, failures = [], []
    for name in names:
        try:
            _empty_group(request, name)
            console.run(request, "DeleteGroup", {"group_name": name})
        except IamError as error:
            failures.append(f"{name}: {error.message}")
        else:
            deleted.append(name)
    if deleted:
        messages.success(request, f"Deleted {len(deleted)} user group(s): {', '.join(deleted)}.")
    for failure in failures:
        messages.error(request, f"Not deleted: {failure}")
    return console.redirect(request, reverse("identities:group-list"))
