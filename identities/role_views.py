"""Console pages of IAM roles: the Roles list (``/roles``) and a role's detail (``/roles/<name>``) with its tabs
(permissions, trust relationships, tags, sessions), the edits they offer, and deletion.

Every read and write is an operation of the catalogue run as the signed-in actor (``console.run``); buttons come
enabled or disabled from ``console.can_run`` with the permission that is missing. A service-linked role is shown
read-only (only its service may change it) and is deleted through DeleteServiceLinkedRole, whose status the page
polls until the deletion task has finished.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from iamconsole import console, form_fields, operations, quotas
from iamconsole.console_forms import EditForm
from iamconsole.errors import DeleteConflict, IamError, ValidationError
from iamconsole.middleware import SignedInRequest, signin_required
from identities import trust_words
from identities.awsapi.instance_profiles import instance_profile_shape
from identities.awsapi.roles import role_arn
from identities.pages import access_advisor
from policies.views.editor import editor_state

LIST_TEMPLATE = "identities/role_list.html"
DETAIL_TEMPLATE = "identities/role_detail.html"
TRUST_TEMPLATE = "identities/role_trust_edit.html"
INLINE_TEMPLATE = "identities/role_inline_policy.html"
ATTACH_TEMPLATE = "identities/role_attach.html"
DELETE_TEMPLATE = "identities/role_delete.html"
DELETION_TEMPLATE = "identities/role_deletion_status.html"
DELETE_SELECTED_TEMPLATE = "identities/role_delete_selected.html"
#: The most roles one Delete of the list removes (one page of the list).
MAX_SELECTED = 25
TABS = ("permissions", "trust", "tags", "sessions", access_advisor.TAB)
#: AWS tracks a role's last activity over the last 400 days.
TRACKING_WINDOW = timedelta(days=400)
SERVICE_LINKED_NOTE = "Service-linked roles are managed by their AWS service: only the service may change them."
#: How many policies the attach picker shows for one search.
PICKER_ROWS = 25
#: The inline policy the "Revoke active sessions" button writes (CONSOLE.md §4.4).
REVOKE_POLICY_NAME = "AWSRevokeOlderSessions"


# --- shared pieces -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Control:
    """A button: whether the actor may use it, and why not."""

    enabled: bool
    reason: str = ""


def _control(request: SignedInRequest, name: str, params: dict[str, Any], *, service_linked: bool = False) -> Control:
    if service_linked:
        return Control(False, SERVICE_LINKED_NOTE)
    if console.can_run(request, name, params):
        return Control(True)
    action = operations.get_operation(name).iam_action
    return Control(False, f"You need the permission {action} to do this.")


def _last_activity(role: Any) -> datetime | None:
    used = role.last_used_at
    return used if used is not None and timezone.now() - used <= TRACKING_WINDOW else None


def _detail_url(role_name: str, tab: str | None = None) -> str:
    url = reverse("identities:role-detail", args=[role_name])
    return f"{url}?tab={tab}" if tab and tab != "permissions" else url


def _back_to(request: SignedInRequest, url: str) -> HttpResponse:
    """After a write: htmx follows the redirect on the client, a plain form post gets a 303."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url, status=303)


def _role_write(
    request: SignedInRequest, role_name: str, tab: str, operation: str, params: dict[str, Any], done: str
) -> HttpResponse:
    """Run one write on the role; back to the tab with ``done`` as its notice, or the tab with the error."""
    try:
        console.run(request, operation, {"role_name": role_name, **params})
    except IamError as error:
        return _failed(request, role_name, tab, error)
    messages.success(request, done)
    return _back_to(request, _detail_url(role_name, tab))


# --- the Roles list ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleRow:
    """A row of the Roles list."""

    name: str
    path: str
    arn: str
    description: str
    trusted: tuple[str, ...]
    service_linked: bool
    created: datetime
    last_activity: datetime | None


def _row(role: Any, account_id: str) -> RoleRow:
    return RoleRow(
        name=role.name,
        path=role.path,
        arn=role_arn(role, account_id),
        description=role.description,
        trusted=tuple(trust_words.trusted_entities(role.assume_role_policy_document)),
        service_linked=bool(role.linked_service),
        created=role.created_at,
        last_activity=_last_activity(role),
    )


@require_GET
@signin_required
def role_list(request: SignedInRequest) -> HttpResponse:
    """Roles: one page of ListRoles, searched by name, description or trusted entity, sorted and cut by the
    database."""
    account_id = request.actor.account_id
    context = {"can_create": console.can_run(request, "CreateRole", {"role_name": "*"})}
    try:
        listing = console.list_page(request, "ListRoles", row=lambda role: _row(role, account_id))
    except IamError as error:
        return console.render_error(request, error, LIST_TEMPLATE, "role-table", context)
    return console.page(request, LIST_TEMPLATE, "role-table", {**context, "roles": listing})


# --- the role's detail page ----------------------------------------------------------------------------------------


class RoleEditForm(EditForm):
    """Edit role: the description and, unless the role is service-linked, the maximum session duration. Only what
    the POST submits changes (UpdateRole leaves out what it is not given)."""

    DURATIONS = [(3600, "1 hour"), (7200, "2 hours"), (14400, "4 hours"), (28800, "8 hours"), (43200, "12 hours")]

    description = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    max_session_duration = forms.IntegerField(
        required=False,
        label="Maximum session duration (seconds)",
        widget=forms.NumberInput(attrs={"min": 3600, "max": 43200, "step": 1, "list": "session-durations"}),
    )


class InlinePolicyForm(forms.Form):
    policy_name = form_fields.name_field(128, label="Policy name")
    policy_document = forms.CharField(widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}))


class TrustPolicyForm(forms.Form):
    policy_document = forms.CharField(widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false"}))


class TagForm(forms.Form):
    key = form_fields.tag_key_field()
    value = form_fields.tag_value_field()


@dataclass(slots=True)
class RolePage:
    """What the detail page shows of a role, read through the catalogue for the tab asked for."""

    role: Any
    arn: str
    tab: str
    service_linked: bool
    last_activity: datetime | None
    switch_role_url: str | None
    trust_document: str
    trust_words: list[trust_words.TrustStatement]
    attached: list[Any] = field(default_factory=list)
    inline: list[Any] = field(default_factory=list)
    sessions: list[Any] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)
    #: The ARNs of the instance profiles holding the role (EC2 roles); None when the actor may not list them.
    instance_profiles: list[str] | None = None
    controls: dict[str, Control] = field(default_factory=dict)

    @property
    def policy_count(self) -> int:
        return len(self.attached) + len(self.inline)

    @property
    def duration_text(self) -> str:
        seconds = int(self.role.max_session_duration)
        hours, rest = divmod(seconds, 3600)
        if rest:
            return f"{seconds:,} seconds"
        return f"{hours} hour{'s' if hours != 1 else ''}"


def _switch_role_url(role: Any, account_id: str) -> str | None:
    if role.linked_service or not trust_words.allows_aws_principals(role.assume_role_policy_document):
        return None
    # A role with a path is named with it (without the leading slash), as AWS's switch-role links do.
    query = urlencode({"roleName": f"{role.path.lstrip('/')}{role.name}", "account": account_id})
    return f"{settings.IAM_CONSOLE_URL}/switchrole?{query}"


def _role_page(request: SignedInRequest, role_name: str, tab: str) -> RolePage:
    role = console.run(request, "GetRole", {"role_name": role_name})
    name = role.name
    account_id = request.actor.account_id
    linked = bool(role.linked_service)
    page = RolePage(
        role=role,
        arn=role_arn(role, account_id),
        tab=tab,
        service_linked=linked,
        last_activity=_last_activity(role),
        switch_role_url=_switch_role_url(role, account_id),
        trust_document=console.indented_json(role.assume_role_policy_document),
        trust_words=trust_words.describe_trust_policy(role.assume_role_policy_document),
        tags=sorted(role.tags.items(), key=lambda item: item[0].lower()),
    )
    params = {"role_name": name}
    if console.can_run(request, "ListInstanceProfilesForRole", params):
        profiles = console.list_all(request, "ListInstanceProfilesForRole", params)
        page.instance_profiles = [instance_profile_shape(profile)["Arn"] for profile in profiles]
    if tab == "permissions":
        page.attached = console.list_all(request, "ListAttachedRolePolicies", params)
        page.inline = [
            console.run(request, "GetRolePolicy", {**params, "policy_name": policy.name})
            for policy in console.list_all(request, "ListRolePolicies", params)
        ]
        for policy in page.inline:
            policy.pretty = console.indented_json(policy.document)
    elif tab == "sessions" and not linked:
        page.sessions = console.list_all(request, "ListRoleSessions", params)
    controls = {
        "edit": _control(request, "UpdateRole", params)
        if not linked
        else _control(request, "UpdateRoleDescription", params),
        "trust": _control(request, "UpdateAssumeRolePolicy", params, service_linked=linked),
        "attach": _control(request, "AttachRolePolicy", params, service_linked=linked),
        "detach": _control(request, "DetachRolePolicy", params, service_linked=linked),
        "put_inline": _control(request, "PutRolePolicy", params, service_linked=linked),
        "delete_inline": _control(request, "DeleteRolePolicy", params, service_linked=linked),
        "boundary": _control(request, "PutRolePermissionsBoundary", params, service_linked=linked),
        "remove_boundary": _control(request, "DeleteRolePermissionsBoundary", params, service_linked=linked),
        "tag": _control(request, "TagRole", params),
        "untag": _control(request, "UntagRole", params),
        "revoke": _control(request, "RevokeRoleSession", params, service_linked=linked),
        "revoke_all": _control(request, "RevokeOlderRoleSessions", params, service_linked=linked),
        "delete": _control(request, "DeleteServiceLinkedRole" if linked else "DeleteRole", params),
    }
    page.controls = controls
    return page


def _detail(
    request: SignedInRequest,
    role_name: str,
    tab: str = "permissions",
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The detail page (or its tab partial for htmx), with ``extra`` context such as a form that failed."""
    tab = tab if tab in TABS else "permissions"
    try:
        page = _role_page(request, role_name, tab)
    except IamError as error:
        return console.render_error(request, error, DETAIL_TEMPLATE, "role-tab", {"page": None, "tab": tab})
    if tab == access_advisor.TAB:
        extra = {**access_advisor.context(request, page.arn, _detail_url(page.role.name)), **extra}
        extra["advisor_target"] = "#role-tab"
        if status == 200:
            status = extra["advisor_status"]  # a denied or failed read shows in the tab with its status
    context = {
        "page": page,
        "tab": tab,
        "tabs": [(key, label, _detail_url(page.role.name, key)) for key, label in _TAB_LABELS],
        "edit_form": extra.pop("edit_form", None)
        or RoleEditForm(
            initial={"description": page.role.description, "max_session_duration": page.role.max_session_duration}
        ),
        "tag_form": extra.pop("tag_form", None) or TagForm(),
        "durations": RoleEditForm.DURATIONS,
        **extra,
    }
    partial = extra.get("partial", "role-tab")
    return console.page(request, DETAIL_TEMPLATE, partial, context, status=status)


_TAB_LABELS = (
    ("permissions", "Permissions"),
    ("trust", "Trust relationships"),
    ("tags", "Tags"),
    ("sessions", "Sessions"),
    (access_advisor.TAB, access_advisor.LABEL),
)


@require_GET
@signin_required
def role_detail(request: SignedInRequest, role_name: str) -> HttpResponse:
    """A role: summary, and the tab the query string names (``?tab=trust``)."""
    return _detail(request, role_name, request.GET.get("tab", "permissions"))


def _failed(request: SignedInRequest, role_name: str, tab: str, error: IamError, **extra: Any) -> HttpResponse:
    """A write that failed: the detail page again with the error as a banner (or the denial panel)."""
    if error.code == "AccessDenied":
        return console.render_error(request, error, DETAIL_TEMPLATE, "role-tab", {"page": None, "tab": tab})
    return _detail(request, role_name, tab, status=error.http_status, error=error, **extra)


@require_POST
@signin_required
def role_edit(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Edit role: UpdateRole (description and maximum session duration), or UpdateRoleDescription when the role is
    service-linked (the only change its service allows)."""
    form = RoleEditForm(request.POST)
    if not form.is_valid():
        return _detail(request, role_name, status=400, edit_form=form, edit_open=True)
    changes = form.changes
    if changes.get("max_session_duration", 0) is None:  # submitted empty: the duration stays as it is
        del changes["max_session_duration"]
    try:
        if request.POST.get("service_linked") == "1":
            if "description" not in changes:
                raise ValidationError(
                    "Enter a description: it is all a service-linked role lets change.", field="description"
                )
            console.run(
                request, "UpdateRoleDescription", {"role_name": role_name, "description": changes["description"]}
            )
        else:
            console.run(request, "UpdateRole", {"role_name": role_name, **changes})
    except IamError as error:
        if error.code == "AccessDenied":
            return _failed(request, role_name, "permissions", error)
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _detail(request, role_name, status=error.http_status, edit_form=form, edit_open=True)
    messages.success(request, f"Role {role_name} updated.")
    return _back_to(request, _detail_url(role_name))


# --- trust relationships -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signin_required
def role_trust_edit(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Edit trust policy: the policy editor in trust mode (Principal required, Resource refused), saved by
    UpdateAssumeRolePolicy. The validator's errors block saving, as in AWS's console."""
    try:
        role = console.run(request, "GetRole", {"role_name": role_name})
    except IamError as error:
        return console.render_error(request, error, TRUST_TEMPLATE, "trust-form", {"role": None})
    context: dict[str, Any] = {"role": role, "service_linked_note": SERVICE_LINKED_NOTE}
    if request.method == "GET":
        document = console.indented_json(role.assume_role_policy_document)
        form = TrustPolicyForm(initial={"policy_document": document})
        editor = editor_state(request, document, "trust", validate=False)
        return console.page(request, TRUST_TEMPLATE, "trust-form", {**context, "form": form, "editor": editor})
    form = TrustPolicyForm(request.POST)
    editor = editor_state(request, request.POST.get("policy_document", ""), "trust")
    context.update(form=form, editor=editor)
    if not form.is_valid():
        return console.page(request, TRUST_TEMPLATE, "trust-form", context, status=400)
    if editor.blocking:
        form.add_error(None, "The trust policy has errors: fix them before saving.")
        return console.page(request, TRUST_TEMPLATE, "trust-form", context, status=400)
    try:
        console.run(
            request,
            "UpdateAssumeRolePolicy",
            {"role_name": role.name, "policy_document": form.cleaned_data["policy_document"]},
        )
    except IamError as error:
        return console.render_error(request, error, TRUST_TEMPLATE, "trust-form", context, form=form)
    messages.success(request, f"Trust policy of {role.name} updated.")
    return _back_to(request, _detail_url(role.name, "trust"))


# --- permissions ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@signin_required
def role_attach(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Attach policies: a searchable picker over ListPolicies (customer and AWS managed), then AttachRolePolicy."""
    context: dict[str, Any] = {"role_name": role_name, "query": request.GET.get("q", "").strip()}
    if request.method == "POST":
        chosen = request.POST.getlist("policy_arn")
        if not chosen:
            context["error"] = ValidationError("Choose at least one policy to attach.", field="policy_arn")
        try:
            for policy_arn in chosen:
                console.run(request, "AttachRolePolicy", {"role_name": role_name, "policy_arn": policy_arn})
        except IamError as error:
            return console.render_error(request, error, ATTACH_TEMPLATE, "policy-picker", _picker(request, context))
        if chosen:
            count = len(chosen)
            messages.success(request, f"{count} polic{'y' if count == 1 else 'ies'} attached to {role_name}.")
            return _back_to(request, _detail_url(role_name))
        return console.page(request, ATTACH_TEMPLATE, "policy-picker", _picker(request, context), status=400)
    try:
        return console.page(request, ATTACH_TEMPLATE, "policy-picker", _picker(request, context))
    except IamError as error:
        return console.render_error(request, error, ATTACH_TEMPLATE, "policy-picker", context)


def _picker(request: SignedInRequest, context: dict[str, Any]) -> dict[str, Any]:
    """The policies matching the search (by name or description), the ones already attached marked."""
    attached = {
        attachment.policy.arn
        for attachment in console.list_all(request, "ListAttachedRolePolicies", {"role_name": context["role_name"]})
    }
    needle = context["query"].lower()
    matches = [
        policy
        for policy in console.list_all(request, "ListPolicies")
        if not needle or needle in policy.name.lower() or needle in policy.description.lower()
    ]
    # The policy named exactly as searched first, then names starting with it, then the other matches.
    matches.sort(key=lambda policy: (policy.name.lower() != needle, not policy.name.lower().startswith(needle)))
    # The quota is checked by AttachRolePolicy; the picker says it before the actor tries (CONSOLE.md §14).
    quota = quotas.limit("managed_policies_per_role")
    return {
        **context,
        "policies": matches[:PICKER_ROWS],
        "more": max(0, len(matches) - PICKER_ROWS),
        "attached": attached,
        "quota": quota,
        "room": max(0, quota - len(attached)),
    }


@require_POST
@signin_required
def role_detach(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Remove a managed policy from the role (DetachRolePolicy)."""
    policy_arn = request.POST.get("policy_arn", "")
    done = f"Policy {policy_arn.rsplit('/', 1)[-1]} detached from {role_name}."
    return _role_write(request, role_name, "permissions", "DetachRolePolicy", {"policy_arn": policy_arn}, done)


@require_http_methods(["GET", "POST"])
@signin_required
def role_inline_policy(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Create or edit an inline policy (``?policy_name=`` edits that one) in the policy editor: PutRolePolicy. The
    validator's errors block saving."""
    context: dict[str, Any] = {"role_name": role_name}
    editing = request.GET.get("policy_name", "")
    if request.method == "GET":
        initial = {"policy_document": _blank_policy()}
        if editing:
            try:
                policy = console.run(request, "GetRolePolicy", {"role_name": role_name, "policy_name": editing})
            except IamError as error:
                return console.render_error(request, error, INLINE_TEMPLATE, "inline-form", context)
            initial = {"policy_name": policy.name, "policy_document": console.indented_json(policy.document)}
        form = InlinePolicyForm(initial=initial)
        editor = editor_state(request, initial["policy_document"], "inline-role", validate=False)
        context.update(form=form, editing=editing, editor=editor)
        return console.page(request, INLINE_TEMPLATE, "inline-form", context)
    form = InlinePolicyForm(request.POST)
    editor = editor_state(request, request.POST.get("policy_document", ""), "inline-role")
    context.update(form=form, editing=request.POST.get("editing", ""), editor=editor)
    if not form.is_valid():
        return console.page(request, INLINE_TEMPLATE, "inline-form", context, status=400)
    if editor.blocking:
        form.add_error(None, "The policy has errors: fix them before saving.")
        return console.page(request, INLINE_TEMPLATE, "inline-form", context, status=400)
    try:
        console.run(request, "PutRolePolicy", {"role_name": role_name, **form.cleaned_data})
    except IamError as error:
        return console.render_error(request, error, INLINE_TEMPLATE, "inline-form", context, form=form)
    messages.success(request, f"Inline policy {form.cleaned_data['policy_name']} saved.")
    return _back_to(request, _detail_url(role_name))


def _blank_policy() -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": []}]}, indent=2
    )


@require_POST
@signin_required
def role_inline_delete(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Delete an inline policy (DeleteRolePolicy)."""
    policy_name = request.POST.get("policy_name", "")
    done = f"Inline policy {policy_name} deleted."
    return _role_write(request, role_name, "permissions", "DeleteRolePolicy", {"policy_name": policy_name}, done)


@require_POST
@signin_required
def role_boundary(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Set or change the permissions boundary (PutRolePermissionsBoundary), or remove it (``remove=1``)."""
    if request.POST.get("remove") == "1":
        done = f"Permissions boundary of {role_name} removed."
        return _role_write(request, role_name, "permissions", "DeleteRolePermissionsBoundary", {}, done)
    params = {"permissions_boundary": request.POST.get("permissions_boundary", "").strip()}
    done = f"Permissions boundary of {role_name} set."
    return _role_write(request, role_name, "permissions", "PutRolePermissionsBoundary", params, done)


# --- tags ----------------------------------------------------------------------------------------------------------


@require_POST
@signin_required
def role_tags(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Add or change one tag (TagRole), or remove one (``remove=KEY``: UntagRole)."""
    remove = request.POST.get("remove")
    try:
        if remove is not None:
            console.run(request, "UntagRole", {"role_name": role_name, "tag_keys": [remove]})
            messages.success(request, f"Tag {remove} removed.")
        else:
            form = TagForm(request.POST)
            if not form.is_valid():
                return _detail(request, role_name, "tags", status=400, tag_form=form)
            tag = {"key": form.cleaned_data["key"], "value": form.cleaned_data["value"]}
            try:
                console.run(request, "TagRole", {"role_name": role_name, "tags": [tag]})
            except IamError as error:
                if error.code == "AccessDenied":
                    raise
                form.add_error("key" if error.field in ("tags", "tag_keys", None) else None, error.message)
                return _detail(request, role_name, "tags", status=error.http_status, tag_form=form)
            messages.success(request, f"Tag {tag['key']} saved.")
    except IamError as error:
        return _failed(request, role_name, "tags", error)
    return _back_to(request, _detail_url(role_name, "tags"))


# --- sessions ------------------------------------------------------------------------------------------------------


@require_POST
@signin_required
def role_session_revoke(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Revoke one active session of the role at once (iamconsole's RevokeRoleSession)."""
    access_key_id = request.POST.get("access_key_id", "")
    params = {"access_key_id": access_key_id}
    return _role_write(request, role_name, "sessions", "RevokeRoleSession", params, f"Session {access_key_id} revoked.")


@require_POST
@signin_required
def role_sessions_revoke_all(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Revoke every session issued until now: the ``AWSRevokeOlderSessions`` inline policy (CONSOLE.md §4.4), once
    the actor has ticked the acknowledgement."""
    if request.POST.get("acknowledge") != "on":
        message = "Tick the box to confirm that every active session of this role will lose its permissions."
        return _detail(request, role_name, "sessions", status=400, revoke_error=message)
    done = f"Every session of {role_name} issued until now is revoked ({REVOKE_POLICY_NAME} inline policy)."
    return _role_write(request, role_name, "sessions", "RevokeOlderRoleSessions", {}, done)


# --- deletion ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeletionPlan:
    """What deleting a role takes, as the console does it: detach its managed policies, delete its inline policies,
    and remove it from the instance profile of the same name (deleted with it). An instance profile with another
    name blocks the deletion, as in AWS's console, until it is removed through the API."""

    attached: list[Any]
    inline: list[str]
    own_profile: Any
    other_profiles: list[Any]


def _deletion_plan(request: SignedInRequest, role_name: str) -> DeletionPlan:
    params = {"role_name": role_name}
    profiles = console.list_all(request, "ListInstanceProfilesForRole", params)
    own = next((profile for profile in profiles if profile.name.lower() == role_name.lower()), None)
    return DeletionPlan(
        attached=console.list_all(request, "ListAttachedRolePolicies", params),
        inline=[policy.name for policy in console.list_all(request, "ListRolePolicies", params)],
        own_profile=own,
        other_profiles=[profile for profile in profiles if profile is not own],
    )


@require_http_methods(["GET", "POST"])
@signin_required
def role_delete(request: SignedInRequest, role_name: str) -> HttpResponse:
    """Delete a role after the actor types its name. A service-linked role is submitted to DeleteServiceLinkedRole
    and the page follows its deletion task; any other role has its policies and same-named instance profile removed
    first, then DeleteRole runs, and a ``DeleteConflict`` is shown with its reason."""
    try:
        role = console.run(request, "GetRole", {"role_name": role_name})
        plan = None if role.linked_service else _deletion_plan(request, role.name)
    except IamError as error:
        return console.render_error(request, error, DELETE_TEMPLATE, "delete-form", {"role": None})
    context: dict[str, Any] = {"role": role, "plan": plan, "service_linked": bool(role.linked_service)}
    if request.method == "GET":
        return console.page(request, DELETE_TEMPLATE, "delete-form", context)
    if request.POST.get("confirm", "").strip() != role.name:
        context["confirm_error"] = f"Type the role name, {role.name}, to confirm."
        return console.page(request, DELETE_TEMPLATE, "delete-form", context, status=400)
    try:
        if role.linked_service:
            deletion = console.run(request, "DeleteServiceLinkedRole", {"role_name": role.name})
            status_url = reverse("identities:role-deletion", args=[role.name])
            return _back_to(request, f"{status_url}?{urlencode({'task_id': deletion.deletion_task_id})}")
        _delete_role(request, role.name, plan)
    except IamError as error:
        context["conflict" if isinstance(error, DeleteConflict) else "error"] = error
        if error.code == "AccessDenied":
            return console.render_error(request, error, DELETE_TEMPLATE, "delete-form", context)
        return console.page(request, DELETE_TEMPLATE, "delete-form", context, status=error.http_status)
    messages.success(request, f"Role {role.name} deleted.")
    return _back_to(request, reverse("identities:role-list"))


def _delete_role(request: SignedInRequest, role_name: str, plan: DeletionPlan | None) -> None:
    if plan is not None:
        params = {"role_name": role_name}
        for attachment in plan.attached:
            console.run(request, "DetachRolePolicy", {**params, "policy_arn": attachment.policy.arn})
        for policy_name in plan.inline:
            console.run(request, "DeleteRolePolicy", {**params, "policy_name": policy_name})
        if plan.own_profile is not None:
            profile = {"instance_profile_name": plan.own_profile.name}
            console.run(request, "RemoveRoleFromInstanceProfile", {**profile, **params})
            console.run(request, "DeleteInstanceProfile", profile)
    console.run(request, "DeleteRole", {"role_name": role_name})


@require_GET
@signin_required
def role_deletion_status(request: SignedInRequest, role_name: str) -> HttpResponse:
    """A service-linked role's deletion task (GetServiceLinkedRoleDeletionStatus); the page polls it through htmx
    every second while it is ``NOT_STARTED`` or ``IN_PROGRESS``."""
    task_id = request.GET.get("task_id", "")
    context: dict[str, Any] = {"role_name": role_name, "task_id": task_id}
    try:
        deletion = console.run(request, "GetServiceLinkedRoleDeletionStatus", {"deletion_task_id": task_id})
    except IamError as error:
        return console.render_error(request, error, DELETION_TEMPLATE, "deletion-status", context)
    status = str(deletion.status)
    return console.page(
        request,
        DELETION_TEMPLATE,
        "deletion-status",
        {
            **context,
            "deletion": deletion,
            "status": status,
            "finished": status in ("SUCCEEDED", "FAILED"),
            "poll_url": f"{request.path}?{urlencode({'task_id': task_id})}",
        },
    )


# --- deleting the roles selected in the list ----------------------------------------------------------------------


@dataclass(slots=True)
class SelectedRole:
    """A role chosen in the list for deletion: what deleting it takes, whether the actor may, and how it went."""

    name: str
    role: Any = None
    plan: DeletionPlan | None = None
    control: Control = field(default_factory=lambda: Control(True))
    last_activity: datetime | None = None
    error: IamError | None = None
    deleted: bool = False
    status_url: str | None = None


def _selected(request: SignedInRequest, names: list[str]) -> list[SelectedRole]:
    chosen = []
    for name in dict.fromkeys(names):  # each once, in the order chosen
        entry = SelectedRole(name=name)
        try:
            entry.role = console.run(request, "GetRole", {"role_name": name})
            linked = bool(entry.role.linked_service)
            entry.name = entry.role.name
            entry.last_activity = _last_activity(entry.role)
            entry.control = _control(
                request, "DeleteServiceLinkedRole" if linked else "DeleteRole", {"role_name": name}
            )
            entry.plan = None if linked else _deletion_plan(request, entry.name)
        except IamError as error:
            entry.error = error
        chosen.append(entry)
    return chosen


@require_http_methods(["GET", "POST"])
@signin_required
def role_delete_selected(request: SignedInRequest) -> HttpResponse:
    """Delete the roles ticked in the list once the actor types ``delete``: each as the detail page deletes one
    (service-linked roles through their deletion task), each result shown, a failure stopping no other."""
    source = request.POST if request.method == "POST" else request.GET
    names = [name for name in source.getlist("role_name") if name][:MAX_SELECTED]
    if not names:
        return HttpResponseRedirect(reverse("identities:role-list"))
    roles = _selected(request, names)
    context: dict[str, Any] = {"roles": roles, "done": False}
    if request.method == "GET":
        return console.page(request, DELETE_SELECTED_TEMPLATE, "delete-selected", context)
    if request.POST.get("confirm", "").strip().lower() != "delete":
        context["confirm_error"] = "Type delete to confirm."
        return console.page(request, DELETE_SELECTED_TEMPLATE, "delete-selected", context, status=400)
    for entry in roles:
        if entry.role is None or not entry.control.enabled:
            continue
        try:
            if entry.role.linked_service:
                deletion = console.run(request, "DeleteServiceLinkedRole", {"role_name": entry.name})
                status_url = reverse("identities:role-deletion", args=[entry.name])
                entry.status_url = f"{status_url}?{urlencode({'task_id': deletion.deletion_task_id})}"
            else:
                _delete_role(request, entry.name, entry.plan)
                entry.deleted = True
        except IamError as error:
            entry.error = error
    context["done"] = True
    return console.page(request, DELETE_SELECTED_TEMPLATE, "delete-selected", context)
