"""Console pages of managed policies: the list (``/policies``), create (``/policies/create``) and a policy's page
(``/policies/<policy id>``) with its document, versions and their diff, the entities it is attached to, and delete.

Every read and write is an operation run as the signed-in actor (``console.run``); buttons come with
``console.can_run`` flags, and errors go through ``console.render_error``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import update_wrapper
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from iamconsole import console
from iamconsole.console_forms import errors_text
from iamconsole.errors import AccessDenied, DeleteConflict, IamError, InvalidInput
from iamconsole.middleware import SignedInRequest, signin_required
from identities.awsapi.groups import group_shape
from identities.awsapi.roles import role_arn
from identities.awsapi.users import user_arn
from policies import forms
from policies.views import deletion
from policies.views.deletion import DETACH
from policies.views.editor import editor_state, summarize
from policies.views.summary import service_summary

#: AWS's job-function policies (IAM User Guide, "AWS managed policies for job functions"): those under
#: ``/job-function/``, and four that predate that path.
#: A write made from a policy's page: called with the request and the URL's parameters (``policy_id``, and
#: ``version_id`` for a version), it makes the change and returns the message to show (see :func:`page_write`).
PageChange = Callable[..., str]

JOB_FUNCTION_PATH = "/job-function/"
JOB_FUNCTIONS_AT_ROOT = frozenset({"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "SecurityAudit"})
POLICY_TYPES = {"aws": "AWS managed", "customer": "Customer managed", "job": "AWS managed – job function"}
USED_AS = {"policy": "Permissions policy", "boundary": "Permissions boundary"}
#: A managed policy holds at most five versions (IAM User Guide, "Versioning IAM policies").
MAX_VERSIONS = 5
#: The most users, groups or roles of each kind offered to attach to (each is checked with can_run): enough for a
#: team's account without making a page of thousands of options and authorizations.
MAX_CHOICES = 100
#: What a new policy's editor starts with.
NEW_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": []}]}, indent=2
)


def policy_type(policy: Any) -> str:
    """``aws``, ``job`` or ``customer``: what the list's Type column and filter call the policy."""
    if policy.account_id is not None:
        return "customer"
    if policy.path == JOB_FUNCTION_PATH or (policy.path == "/" and policy.name in JOB_FUNCTIONS_AT_ROOT):
        return "job"
    return "aws"


@dataclass(frozen=True, slots=True)
class PolicyRow:
    """A row of the Policies list."""

    policy_id: str
    name: str
    type: str
    attachments: int
    boundaries: int
    description: str
    arn: str = ""
    #: What the list's Actions menu allows on this row (``console.can_run``; Delete for customer managed only).
    can_attach: bool = False
    can_detach: bool = False
    can_delete: bool = False

    @property
    def type_label(self) -> str:
        return POLICY_TYPES[self.type]

    @property
    def used_as(self) -> str:
        uses = []
        if self.attachments:
            uses.append(f"Permissions policy ({self.attachments})")
        if self.boundaries:
            uses.append(f"Permissions boundary ({self.boundaries})")
        return ", ".join(uses)

    @property
    def usage(self) -> int:
        return self.attachments + self.boundaries


def _row(policy: Any) -> PolicyRow:
    return PolicyRow(
        policy_id=policy.policy_id,
        name=policy.name,
        type=policy_type(policy),
        attachments=getattr(policy, "attachment_count", 0),
        boundaries=getattr(policy, "permissions_boundary_usage_count", 0),
        description=policy.description,
        arn=policy.arn,
    )


def may_change_attachments(request: SignedInRequest, policy_arn: str, operations: dict[str, str]) -> bool:
    """Whether the actor may attach (``ATTACH``) or detach (``DETACH``) the policy on any user, group or role."""
    return any(
        console.can_run(request, operation, {f"{kind}_name": "*", "policy_arn": policy_arn})
        for kind, operation in operations.items()
    )


def _with_actions(request: SignedInRequest, rows: Sequence[PolicyRow]) -> list[PolicyRow]:
    """The rows with what the actor may do to each from the list.

    Each ``can_run`` reads the caller's policies (some eight queries for an IAM user), so Attach and Detach are asked
    once per page, of its first policy (a page of 25 rows asked row by row cost some 1,250 queries): the Actions
    view asks again of the selected policy, and the policy page of each entity. Delete, whose resource is the policy
    itself, is asked of each customer managed row (AWS managed policies cannot be deleted)."""
    if not rows:
        return []
    attach = may_change_attachments(request, rows[0].arn, ATTACH)
    detach = may_change_attachments(request, rows[0].arn, DETACH)
    return [
        replace(
            row,
            can_attach=attach,
            can_detach=detach,
            can_delete=row.type == "customer" and console.can_run(request, "DeletePolicy", {"policy_arn": row.arn}),
        )
        for row in rows
    ]


def _list_params(kind: str, used: str) -> dict[str, Any]:
    """ListPolicies' parameters for the list's filters: the type narrows ``Scope``, the use ``PolicyUsageFilter``."""
    params: dict[str, Any] = {"scope": {"customer": "Local", "aws": "AWS", "job": "AWS"}.get(kind, "All")}
    if used == "policy":
        params.update(only_attached=True, policy_usage_filter="PermissionsPolicy")
    elif used == "boundary":
        params["policy_usage_filter"] = "PermissionsBoundary"
    return params


@require_GET
@signin_required
def policy_list(request: SignedInRequest) -> HttpResponse:
    """Policies: every managed policy the account sees (ListPolicies), filtered by type and use, searched by name
    or description, sorted and paged on the server."""
    template = "policies/policy_list.html"
    kind = request.GET.get("type", "")
    kind = kind if kind in POLICY_TYPES else ""
    used = request.GET.get("used", "")
    used = used if used in USED_AS else ""
    context: dict[str, Any] = {
        "types": POLICY_TYPES,
        "uses": USED_AS,
        "kind": kind,
        "used": used,
        "can_create": console.can_run(request, "CreatePolicy", {"policy_name": "*"}),
    }
    try:
        if kind == "job":
            # Job functions are AWS managed policies known by path and name, not a column ListPolicies filters on:
            # the AWS catalogue is read and the fifteen are searched, sorted and paged here.
            rows = [_row(policy) for policy in console.list_all(request, "ListPolicies", _list_params(kind, used))]
            listing: console.Listing[PolicyRow] = console.listing(
                request,
                [row for row in rows if row.type == "job"],
                search=lambda row: (row.name,),
                sorts={"name": lambda row: row.name, "attachments": lambda row: row.attachments},
                default_sort="name",
            )
        else:
            # One page of ListPolicies searched, sorted and cut by the database (the ~1,600 AWS managed policies).
            listing = console.list_page(request, "ListPolicies", _list_params(kind, used), row=_row)
    except IamError as error:
        return console.render_error(request, error, template, "policy-table", context)
    listing = replace(listing, rows=_with_actions(request, listing.rows))
    # Without JavaScript a button cannot follow the selection: it is enabled when some row on the page allows it
    # (static/js/app.js then follows the selected row).
    context["action_menu"] = [
        {
            "action": action,
            "label": label,
            "reason": reason,
            "allowed": any(getattr(row, f"can_{action}") for row in listing.rows),
        }
        for action, (label, reason) in LIST_ACTIONS.items()
    ]
    return console.page(request, template, "policy-table", {**context, "policies": listing})


#: The list's Actions menu, and where each leads for the selected policy: Attach and Detach to the policy page's
#: entities (the forms of ``policies.views.entities``), Delete to its confirmation.
LIST_ACTIONS = {
    "attach": ("Attach", "You need iam:AttachUserPolicy, iam:AttachGroupPolicy or iam:AttachRolePolicy."),
    "detach": ("Detach", "You need iam:DetachUserPolicy, iam:DetachGroupPolicy or iam:DetachRolePolicy."),
    "delete": ("Delete", "Only customer managed policies can be deleted, with iam:DeletePolicy."),
}


@require_GET
@signin_required
def policy_action(request: SignedInRequest) -> HttpResponse:
    """The Actions menu of the list submitted: the page that does the chosen action to the selected policy."""
    policy_id = request.GET.get("policy_id", "")
    action = request.GET.get("action", "")
    if not policy_id or action not in LIST_ACTIONS:
        messages.error(request, "Select a policy, then choose Attach, Detach or Delete.")
        return console.redirect(request, reverse("policies:policy-list"))
    if action == "delete":
        return console.redirect(request, reverse("policies:policy-delete", args=[policy_id]))
    try:
        policy = load_policy(request, policy_id)
    except IamError as error:
        return console.render_error(request, error, "policies/policy_list.html", "policy-table", {})
    if not may_change_attachments(request, policy.arn, ATTACH if action == "attach" else DETACH):
        messages.error(request, f"{policy.name}: {LIST_ACTIONS[action][1]}")
        return console.redirect(request, reverse("policies:policy-list"))
    anchor = "#attach-entity" if action == "attach" else "#attached-entities"
    return console.redirect(request, reverse("policies:policy-detail", args=[policy_id]) + anchor)


@require_http_methods(["GET", "POST"])
@signin_required
def policy_create(request: SignedInRequest) -> HttpResponse:
    """Create policy: the editor, then name, description and tags; CreatePolicy, then the new policy's page.

    The validator's errors block saving here as in the editor (AWS's console does the same); CreatePolicy itself
    checks the grammar only.
    """
    template = "policies/policy_create.html"
    can_create = console.can_run(request, "CreatePolicy", {"policy_name": "*"})
    if request.method == "GET":
        form = forms.PolicyCreateForm(initial={"policy_document": NEW_POLICY})
        editor = editor_state(request, NEW_POLICY, "managed")
        context = {"form": form, "editor": editor, "can_create": can_create}
        return console.page(request, template, "policy-form", context)
    form = forms.PolicyCreateForm(request.POST)
    editor = editor_state(request, request.POST.get("policy_document", ""), "managed")
    context = {"form": form, "editor": editor, "can_create": can_create}
    if not form.is_valid():
        return console.page(request, template, "policy-form", context, status=400)
    if editor.blocking:
        form.add_error(None, "The policy has errors: fix them before saving.")
        return console.page(request, template, "policy-form", context, status=400)
    params = {
        "policy_name": form.cleaned_data["policy_name"],
        "policy_document": form.cleaned_data["policy_document"],
        "tags": form.cleaned_data["tags"],
    }
    if form.cleaned_data["description"]:
        params["description"] = form.cleaned_data["description"]
    try:
        policy = console.run(request, "CreatePolicy", params)
    except IamError as error:
        return console.render_error(request, error, template, "policy-form", context, form=form)
    messages.success(request, f"Policy {policy.name} created.")
    return console.redirect(request, reverse("policies:policy-detail", args=[policy.policy_id]))


@require_GET
@signin_required
def policy_by_arn(request: SignedInRequest, policy_arn: str) -> HttpResponse:
    """``/policies/arn:aws:iam::…`` (the form AWS's console uses) leads to the policy's page by its id."""
    try:
        policy = console.run(request, "GetPolicy", {"policy_arn": f"arn:{policy_arn}"})
    except IamError as error:
        return console.render_error(request, error, "policies/policy_detail.html", "policy-page", {})
    return console.redirect(request, reverse("policies:policy-detail", args=[policy.policy_id]))


@dataclass(frozen=True, slots=True)
class VersionRow:
    version_id: str
    is_default: bool
    created: datetime
    can_set_default: bool
    can_delete: bool


@dataclass(frozen=True, slots=True)
class EntityRow:
    kind: str
    name: str
    arn: str
    #: Detach (an attachment) or remove the boundary (a permissions boundary): allowed to the actor?
    can_detach: bool

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.name}"


ATTACH = {"user": "AttachUserPolicy", "group": "AttachGroupPolicy", "role": "AttachRolePolicy"}
LIST = {"user": "ListUsers", "group": "ListGroups", "role": "ListRoles"}
SET_BOUNDARY = {"user": "PutUserPermissionsBoundary", "role": "PutRolePermissionsBoundary"}
REMOVE_BOUNDARY = {"user": "DeleteUserPermissionsBoundary", "role": "DeleteRolePermissionsBoundary"}


def _entity_arn(kind: str, entity: Any) -> str:
    if kind == "user":
        return user_arn(entity)
    if kind == "role":
        return role_arn(entity)
    return str(group_shape(entity)["Arn"])


def _entities(request: SignedInRequest, policy: Any) -> tuple[list[EntityRow], list[EntityRow]]:
    """The entities the policy is attached to, and those it bounds (ListEntitiesForPolicy, read to its end)."""
    attached: list[EntityRow] = []
    bounded: list[EntityRow] = []
    for usage, rows in (("PermissionsPolicy", attached), ("PermissionsBoundary", bounded)):
        marker = None
        while True:
            params: dict[str, Any] = {"policy_arn": policy.arn, "policy_usage_filter": usage, "max_items": 1000}
            if marker:
                params["marker"] = marker
            page = console.run(request, "ListEntitiesForPolicy", params)
            for kind, entities in (("user", page.users), ("group", page.groups), ("role", page.roles)):
                for entity in entities:
                    if usage == "PermissionsPolicy":
                        params = {f"{kind}_name": entity.name, "policy_arn": policy.arn}
                        can_detach = console.can_run(request, DETACH[kind], params)
                    else:
                        can_detach = console.can_run(request, REMOVE_BOUNDARY[kind], {f"{kind}_name": entity.name})
                    rows.append(EntityRow(kind, entity.name, _entity_arn(kind, entity), can_detach))
            if not page.is_truncated:
                break
            marker = page.marker
    return attached, bounded


def _candidates(
    request: SignedInRequest, policy: Any, taken: Sequence[EntityRow], operations: dict[str, str]
) -> list[tuple[str, list[tuple[str, bool]]]]:
    """The entities of each kind in ``operations`` the actor may list and that are not in ``taken``, each with
    whether the actor may run that kind's operation with this policy on it (attach it, or make it the boundary)."""
    done = {row.value for row in taken}
    choices = []
    for kind, operation in operations.items():
        try:
            entities, _ = console.first_matches(request, LIST[kind], "", limit=MAX_CHOICES)
            names = [entity.name for entity in entities]
        except AccessDenied:
            continue
        parameter = "policy_arn" if operation in ATTACH.values() else "permissions_boundary"
        options = [
            (name, console.can_run(request, operation, {f"{kind}_name": name, parameter: policy.arn}))
            for name in sorted(names, key=str.lower)
            if f"{kind}:{name}" not in done
        ]
        choices.append((kind, options))
    return choices


def _versions(request: SignedInRequest, policy: Any, editable: bool) -> list[VersionRow]:
    versions = console.list_all(request, "ListPolicyVersions", {"policy_arn": policy.arn})
    rows = []
    for version in versions:
        params = {"policy_arn": policy.arn, "version_id": version.version_id}
        changeable = editable and not version.is_default
        rows.append(
            VersionRow(
                version_id=version.version_id,
                is_default=version.is_default,
                created=version.created_at,
                can_set_default=changeable and console.can_run(request, "SetDefaultPolicyVersion", params),
                can_delete=changeable and console.can_run(request, "DeletePolicyVersion", params),
            )
        )
    return rows


def _deletion(policy: Any, attached: list[EntityRow] | None, versions: Sequence[Any]) -> deletion.DeletionPlan:
    """How the policy would be deleted (see ``policies.views.deletion``), from what the page has read."""
    non_default = [version.version_id for version in versions if not version.is_default]
    return deletion.plan(policy, attached, non_default, boundary_count=policy.permissions_boundary_usage_count)


def _numbered(document: str) -> list[str]:
    return document.splitlines() or [""]


def pretty(document: str) -> str:
    """A stored document as the page shows it: indented when it is compact JSON (AWS managed policies), else as
    written."""
    if "\n" in document.strip():
        return document
    try:
        return json.dumps(json.loads(document), indent=2)
    except ValueError:
        return document


def _detail_context(
    request: SignedInRequest, policy: Any, *, version_form: forms.PolicyDocumentForm | None = None
) -> dict[str, Any]:
    """Everything the policy page shows, each part read through its operation."""
    arn = policy.arn
    customer = policy.account_id is not None
    default = console.run(request, "GetPolicyVersion", {"policy_arn": arn, "version_id": policy.default_version_id})
    document = pretty(default.document)
    versions = _versions(request, policy, customer)
    try:
        attached, bounded = _entities(request, policy)
        entities_denied = None
    except AccessDenied as error:
        attached, bounded, entities_denied = [], [], error
    attachable = _candidates(request, policy, attached, ATTACH) if policy.is_attachable else []
    boundable = _candidates(request, policy, bounded, SET_BOUNDARY) if policy.is_attachable else []
    can_edit = customer and console.can_run(request, "CreatePolicyVersion", {"policy_arn": arn})
    can_delete = customer and console.can_run(request, "DeletePolicy", {"policy_arn": arn})
    deletion_plan = _deletion(policy, None if entities_denied else attached, versions)
    # Only a customer managed policy gets new versions, so only its page validates a document (AWS's largest
    # policies take seconds to check, for an editor nobody may use).
    editor = (
        editor_state(
            request,
            version_form.data.get("policy_document", document) if version_form is not None else document,
            "managed",
        )
        if customer
        else None
    )
    return {
        "policy": policy,
        "type_label": POLICY_TYPES[policy_type(policy)],
        "customer": customer,
        "document_lines": _numbered(document),
        "summary": summarize(document),
        "services": service_summary(document),
        "default_version": default,
        "versions": versions,
        "attached": attached,
        "bounded": bounded,
        "entities_denied": entities_denied,
        "attachable": attachable,
        "boundable": boundable,
        "can_edit": can_edit,
        "can_delete": can_delete,
        "can_tag": customer and console.can_run(request, "TagPolicy", {"policy_arn": arn, "tags": []}),
        "can_untag": customer and console.can_run(request, "UntagPolicy", {"policy_arn": arn, "tag_keys": []}),
        "deletion": deletion_plan,
        "version_limit_reached": len(versions) >= MAX_VERSIONS,
        "max_versions": MAX_VERSIONS,
        "editor": editor,
        "version_form": version_form or forms.PolicyDocumentForm(initial={"set_as_default": True}),
        "delete_form": forms.DeletePolicyForm(policy_name=policy.name),
    }


def load_policy(request: SignedInRequest, policy_id: str) -> Any:
    """The policy a page's URL names by its id, with its usage counts (GetPolicy, as the signed-in actor)."""
    return console.run(request, "GetPolicyById", {"policy_id": policy_id})


def form_error(form: Any) -> IamError:
    """A form's own refusal, shown on the policy page as any other error."""
    return InvalidInput(errors_text(form) or "Invalid input.")


DETAIL = "policies/policy_detail.html"


@require_GET
@signin_required
def policy_detail(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """A policy's page: its facts, its default document with its statements in words, its versions, the entities it
    is attached to (attach and detach), and delete (with what blocks it)."""
    try:
        policy = load_policy(request, policy_id)
        context = _detail_context(request, policy)
    except IamError as error:
        return console.render_error(request, error, DETAIL, "policy-page", {})
    return console.page(request, DETAIL, "policy-page", context)


def back_to(request: SignedInRequest, policy_id: str, anchor: str) -> HttpResponse:
    """After a write: the policy page again, at the section the write changed."""
    return console.redirect(request, reverse("policies:policy-detail", args=[policy_id]) + anchor)


def detail_error(request: SignedInRequest, policy_id: str, error: IamError, **extra: Any) -> HttpResponse:
    """The policy page again, with ``error`` shown (a denial as the access-denied panel)."""
    try:
        policy = load_policy(request, policy_id)
        context = _detail_context(request, policy, version_form=extra.pop("version_form", None))
    except IamError as failure:
        return console.render_error(request, failure, DETAIL, "policy-page", {})
    context.update(extra)
    return console.render_error(request, error, DETAIL, "policy-page", context)


def page_write(anchor: str) -> Callable[[PageChange], Callable[..., HttpResponse]]:
    """Make a view of a write made from a policy's page: the decorated function makes the change and returns the
    message to show; the view then goes back to the page at ``anchor``, or shows the page with the ``IamError`` the
    change raised."""

    def decorate(change: PageChange) -> Callable[..., HttpResponse]:
        def view(request: SignedInRequest, /, policy_id: str, **url: str) -> HttpResponse:
            try:
                done = change(request, policy_id=policy_id, **url)
            except IamError as error:
                return detail_error(request, policy_id, error)
            messages.success(request, done)
            return back_to(request, policy_id, anchor)

        update_wrapper(view, change)
        return view

    return decorate


DELETE = "policies/policy_delete.html"


def _delete_context(
    request: SignedInRequest,
    policy: Any,
    form: forms.DeletePolicyForm | None = None,
    stopped: deletion.DeletionStopped | None = None,
) -> dict[str, Any]:
    """The confirmation the list's Delete opens: what deleting does first, what blocks it, whether the actor may."""
    customer = policy.account_id is not None
    versions = console.list_all(request, "ListPolicyVersions", {"policy_arn": policy.arn}) if customer else []
    try:
        attached: list[EntityRow] | None = _entities(request, policy)[0] if customer else []
    except AccessDenied:
        attached = None
    return {
        "policy": policy,
        "customer": customer,
        "type_label": POLICY_TYPES[policy_type(policy)],
        "can_delete": customer and console.can_run(request, "DeletePolicy", {"policy_arn": policy.arn}),
        "deletion": _deletion(policy, attached, versions),
        "deletion_stopped": stopped,
        "delete_form": form or forms.DeletePolicyForm(policy_name=policy.name),
    }


@require_http_methods(["GET", "POST"])
@signin_required
def policy_delete(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """Delete a customer managed policy, confirmed by its name, as AWS's console does: detach it from every entity,
    delete its other versions, then DeletePolicy, each step authorized as itself (``policies.views.deletion``).

    GET is the confirmation the list's Actions ▾ Delete opens; a POST from it (``from=list``) shows its errors there,
    one from the policy page on the policy page. A step that fails stops the deletion, and the page says what was
    done and what was not."""
    from_list = request.method == "GET" or request.POST.get("from") == "list"
    try:
        policy = load_policy(request, policy_id)
        if request.method == "GET":
            return console.page(request, DELETE, "policy-delete", _delete_context(request, policy))
        form = forms.DeletePolicyForm(request.POST, policy_name=policy.name)
        if not form.is_valid():
            if from_list:
                context = _delete_context(request, policy, form)
                return console.page(request, DELETE, "policy-delete", context, status=400)
            return detail_error(request, policy_id, form_error(form), delete_form=form)
        context = _delete_context(request, policy)
        plan = context["deletion"]
        if plan.blockers:
            raise DeleteConflict(" ".join(plan.blockers), field="policy_arn")
        stopped = deletion.carry_out(request, plan)
    except IamError as error:
        return _delete_failed(request, policy_id, error, from_list)
    if stopped is not None:
        return _delete_failed(request, policy_id, stopped.error, from_list, stopped)
    messages.success(request, f"Policy {policy.name} deleted.")
    return console.redirect(request, reverse("policies:policy-list"))


def _delete_failed(
    request: SignedInRequest,
    policy_id: str,
    error: IamError,
    from_list: bool,
    stopped: deletion.DeletionStopped | None = None,
) -> HttpResponse:
    """The page the deletion came from again, with its error and, if steps ran, where the deletion stopped."""
    if not from_list:
        return detail_error(request, policy_id, error, deletion_stopped=stopped)
    try:
        context = _delete_context(request, load_policy(request, policy_id), stopped=stopped)
    except IamError as failure:
        return console.render_error(request, failure, DELETE, "policy-delete", {})
    return console.render_error(request, error, DELETE, "policy-delete", context)
