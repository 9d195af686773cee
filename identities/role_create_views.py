"""The create role wizard (``/roles/create``): select trusted entity, add permissions, name, review and create.

The wizard's input lives in the console session between steps, so Back, Next and the review's Edit links never lose
it. Step 1 shows the trust policy its choices produce as they change (htmx); step 3 checks the name, description and
tags as they are typed through the very validators CreateRole applies. Create runs CreateRole, then one
AttachRolePolicy per chosen policy, each through the catalogue as the signed-in actor, so each is authorized on its
own; when a later call fails the role stays, and the page says what was attached and what was not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iamconsole import console, domain, quotas
from iamconsole.errors import AccessDenied, IamError, NoSuchEntity
from iamconsole.middleware import SignedInRequest, signin_required
from identities import service_linked_catalog, trust_templates
from identities.role_create_forms import PermissionsForm, RoleDetailsForm, TrustedEntityForm
from policies.views.editor import EditorState, editor_state

TEMPLATE = "identities/role_create.html"
STATE_KEY = "iam_role_create"
PICKER_SIZE = 50
#: The policy type filter: ListPolicies' scope, and AWS's job-function policies by their path.
POLICY_TYPES = {
    "all": {"scope": "All"},
    "aws": {"scope": "AWS"},
    "customer": {"scope": "Local"},
    "job": {"scope": "AWS", "path_prefix": "/job-function/"},
}


def _services() -> list[tuple[str, str]]:
    """The service list of step 1: the named use cases, then every other service the service-linked role catalogue
    knows (by principal), as ``(principal, label)``."""
    named = [(case.principal, f"{case.service}: {case.use_case}") for case in trust_templates.SERVICE_USE_CASES]
    seen = {principal for principal, _ in named}
    others = sorted(
        spec.service_principal
        for spec in service_linked_catalog.all_specs()
        if spec.service_principal not in seen and not spec.service_principal.startswith("custom-resource")
    )
    return named + [(principal, principal.removesuffix(".amazonaws.com")) for principal in others]


def _state(request: SignedInRequest) -> dict[str, Any]:
    return dict(request.session.get(STATE_KEY) or {})


def _save(request: SignedInRequest, **changes: Any) -> None:
    request.session[STATE_KEY] = {**_state(request), **changes}


def _posted(data: QueryDict) -> dict[str, list[str]]:
    return {key: values for key, values in data.lists() if key not in ("csrfmiddlewaretoken", "action")}


def _query(saved: dict[str, list[str]] | None) -> QueryDict | None:
    if not saved:
        return None
    query = QueryDict(mutable=True)
    for key, values in saved.items():
        query.setlist(key, values)
    return query


def _providers(request: SignedInRequest, operation: str) -> list[str]:
    try:
        return [provider.arn for provider in console.run(request, operation)]
    except AccessDenied:
        return []


#: How many OIDC providers step 1 reads the audiences of (GetOpenIDConnectProvider each).
AUDIENCE_PROVIDERS = 20


def _audiences(request: SignedInRequest, arns: list[str]) -> list[str]:
    """The client IDs (audiences) registered on the account's OIDC providers, for the audience field's suggestions;
    each provider is read with GetOpenIDConnectProvider, so one the actor may not read suggests nothing."""
    found: dict[str, None] = {}
    for arn in arns[:AUDIENCE_PROVIDERS]:
        try:
            provider = console.run(request, "GetOpenIDConnectProvider", {"open_id_connect_provider_arn": arn})
        except IamError:
            continue
        found.update(dict.fromkeys(provider.client_ids))
    return list(found)


def _trust_form(request: SignedInRequest, data: QueryDict | None) -> TrustedEntityForm:
    return TrustedEntityForm(
        data,
        account_id=request.actor.account_id,
        oidc_providers=_providers(request, "ListOpenIDConnectProviders"),
        saml_providers=_providers(request, "ListSAMLProviders"),
    )


def _limit() -> int:
    return quotas.limit("managed_policies_per_role")


def _base_context(request: SignedInRequest, step: int) -> dict[str, Any]:
    state = _state(request)
    return {
        "step": step,
        "state": state,
        "trust_policy": state.get("trust_policy", ""),
        "trust_lines": str(state.get("trust_policy", "")).splitlines(),
        "policy_arns": state.get("policy_arns", []),
        "boundary_arn": state.get("boundary_arn", ""),
        "policy_limit": _limit(),
        "can_create": console.can_run(request, "CreateRole", {"role_name": "*"}),
    }


@require_http_methods(["GET", "POST"])
@signin_required
def role_create(request: SignedInRequest) -> HttpResponse:
    """``/roles/create?step=1|2|3``: each step saves its input and moves on; a later step without step 1 done goes
    back to it."""
    step = {"2": 2, "3": 3}.get(request.GET.get("step", "1"), 1)
    state = _state(request)
    if step > 1 and not state.get("trust_policy"):
        return HttpResponseRedirect("/roles/create")
    if step == 1:
        return _step_trust(request)
    if step == 2:
        return _step_permissions(request)
    return _step_review(request)


def _step_trust(request: SignedInRequest) -> HttpResponse:
    context = _base_context(request, 1)
    if request.method == "GET":
        form = _trust_form(request, _query(context["state"].get("trust")))
        if form.is_bound:
            form.is_valid()
        context.update(
            form=form,
            services=_services(),
            preview=_preview_text(form),
            audiences=_audiences(request, form.oidc_providers),
            editor=_custom_editor(request, form),
        )
        return console.page(request, TEMPLATE, "wizard", context)
    form = _trust_form(request, request.POST)
    if form.is_valid() and form.cleaned_data["entity"] == "custom":
        # Next is blocked while the policy has errors; warnings and suggestions do not block.
        for finding in _trust_findings(request, form.cleaned_data["trust_policy"]):
            if finding.type == "ERROR":
                form.add_error("custom_policy", f"Line {finding.line}: {finding.message}")
    if not form.is_valid():
        context.update(form=form, services=_services(), preview="", audiences=[], editor=_custom_editor(request, form))
        return console.page(request, TEMPLATE, "wizard", context, status=400)
    _save(
        request,
        trust=_posted(request.POST),
        entity=form.cleaned_data["entity"],
        trust_policy=form.cleaned_data["trust_policy"],
    )
    return console.redirect(request, "/roles/create?step=2")


def _custom_editor(request: SignedInRequest, form: TrustedEntityForm) -> EditorState:
    """The policy editor in trust mode for the custom trust policy, with what was typed or the starting template; its
    findings come live from the editor (the view checks the document again on Next)."""
    text = form.data.get("custom_policy") if form.is_bound else None
    if text is None:
        text = str(form.fields["custom_policy"].initial or "")
    return editor_state(request, str(text), "trust", field_name="custom_policy", validate=False)


def _trust_findings(request: SignedInRequest, text: str) -> list[Any]:
    """Access Analyzer's checks of a typed trust policy (ValidatePolicy in trust mode), as the signed-in actor; none
    when it may not run them (CreateRole still checks the grammar)."""
    params = {
        "policy_document": text,
        "policy_type": "RESOURCE_POLICY",
        "validate_policy_resource_type": "AWS::IAM::AssumeRolePolicyDocument",
    }
    try:
        return list(console.run(request, "ValidatePolicy", params))
    except IamError:
        return []


def _preview_text(form: TrustedEntityForm) -> str:
    if not form.is_bound:
        return ""
    return str(form.cleaned_data.get("trust_policy", "")) if form.is_valid() else ""


@require_POST
@signin_required
def role_create_preview(request: SignedInRequest) -> HttpResponse:
    """The trust policy step 1's current choices produce, or what is missing: htmx refreshes it on every change."""
    form = _trust_form(request, request.POST)
    valid = form.is_valid()
    context: dict[str, Any] = {"form": form, "preview": form.cleaned_data.get("trust_policy", "") if valid else ""}
    if valid and form.cleaned_data["entity"] == "custom":
        context["findings"] = _trust_findings(request, form.cleaned_data["trust_policy"])
    return console.page(request, TEMPLATE, "trust-preview", context)


def _policy_choices(request: SignedInRequest, query: str, kind: str) -> tuple[list[Any], int, str | None]:
    try:
        items, total = console.first_matches(
            request, "ListPolicies", query, limit=PICKER_SIZE, params=POLICY_TYPES.get(kind, POLICY_TYPES["all"])
        )
    except AccessDenied as error:
        return [], 0, error.action or "iam:ListPolicies"
    return items, total, None


def _step_permissions(request: SignedInRequest) -> HttpResponse:
    context = _base_context(request, 2)
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("policy_q", "").strip()[: console.MAX_SEARCH]
    kind = source.get("type", "all") if source.get("type") in POLICY_TYPES else "all"
    form = PermissionsForm(request.POST or None, limit=_limit())
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if form.is_valid():
            boundary = form.cleaned_data["boundary_arn"] if form.cleaned_data["use_boundary"] else ""
            _save(request, policy_arns=form.cleaned_data["policy_arns"], boundary_arn=boundary)
            if action == "back":
                return console.redirect(request, "/roles/create")
            if action == "next":
                return console.redirect(request, "/roles/create?step=3")
            context = _base_context(request, 2)  # a search: the selection is saved, the list is refreshed
        else:
            status = 400
            context["policy_arns"] = form.cleaned_data.get("policy_arns", [])
    items, total, denied = _policy_choices(request, query, kind)
    selected = set(context["policy_arns"])
    context.update(
        form=form,
        policy_query=query,
        policy_type=kind,
        policy_types=[
            ("all", "All types"),
            ("aws", "AWS managed"),
            ("customer", "Customer managed"),
            ("job", "AWS managed – job function"),
        ],
        policies=[item for item in items if item.arn not in selected],
        truncated=total > len(items),
        policies_denied=denied,
        selected_policies=[{"arn": arn, "name": arn.rpartition("/")[2]} for arn in context["policy_arns"]],
    )
    partial = "policy-step" if request.htmx else "wizard"
    return console.page(request, TEMPLATE, partial, context, status=status)


def _details_query(state: dict[str, Any]) -> QueryDict | None:
    return _query(state.get("details"))


def _step_review(request: SignedInRequest) -> HttpResponse:
    context = _base_context(request, 3)
    if request.method == "GET":
        saved = _details_query(context["state"])
        form = RoleDetailsForm(saved) if saved else RoleDetailsForm()
        context.update(form=form, tags=form.tag_rows() if saved else [], checks=[])
        return console.page(request, TEMPLATE, "wizard", context)
    form = RoleDetailsForm(request.POST)
    _save(request, details=_posted(request.POST))
    if request.POST.get("action") == "back":
        return console.redirect(request, "/roles/create?step=2")
    tags = form.tag_rows()
    if request.POST.get("action") == "add_tag":
        context.update(form=form, tags=[*tags, ("", "")], checks=[])
        return console.page(request, TEMPLATE, "wizard", context)
    context.update(form=form, tags=tags, checks=[])
    if not form.is_valid():
        return console.page(request, TEMPLATE, "wizard", context, status=400)
    return _create(request, form, tags, context)


def _create(
    request: SignedInRequest, form: RoleDetailsForm, tags: list[tuple[str, str]], context: dict[str, Any]
) -> HttpResponse:
    state = _state(request)
    name = form.cleaned_data["role_name"]
    params: dict[str, Any] = {
        "role_name": name,
        "path": "/",
        "assume_role_policy_document": state["trust_policy"],
        "max_session_duration": form.cleaned_data["max_session_duration"],
        "tags": [{"key": key, "value": value} for key, value in tags],
    }
    if form.cleaned_data["description"]:
        params["description"] = form.cleaned_data["description"]
    if state.get("boundary_arn"):
        params["permissions_boundary"] = state["boundary_arn"]
    try:
        console.run(request, "CreateRole", params)
    except IamError as error:
        return console.render_error(request, error, TEMPLATE, "wizard", context, form=form)
    attached: list[str] = []
    failed: list[str] = []
    for arn in state.get("policy_arns", []):
        try:
            console.run(request, "AttachRolePolicy", {"role_name": name, "policy_arn": arn})
            attached.append(arn.rpartition("/")[2])
        except IamError as error:
            failed.append(f"{arn.rpartition('/')[2]} ({error.code}: {error.message})")
    if state.get("entity") == "service" and '"ec2.amazonaws.com"' in state["trust_policy"]:
        _instance_profile(request, name, failed)
    request.session.pop(STATE_KEY, None)
    if failed:
        done = ", ".join(attached) if attached else "none"
        messages.warning(
            request,
            f"Role {name} was created, but not every step succeeded. Attached: {done}. Not done: {'; '.join(failed)}.",
        )
    else:
        messages.success(request, f"Role {name} created" + (f" with {', '.join(attached)}." if attached else "."))
    return console.redirect(request, reverse("identities:role-detail", args=[name]))


def _instance_profile(request: SignedInRequest, name: str, failed: list[str]) -> None:
    """EC2 roles get an instance profile of the same name holding them, as AWS's console makes."""
    try:
        console.run(request, "CreateInstanceProfile", {"instance_profile_name": name})
        console.run(request, "AddRoleToInstanceProfile", {"instance_profile_name": name, "role_name": name})
    except IamError as error:
        failed.append(f"instance profile {name} ({error.code}: {error.message})")


@require_POST
@signin_required
def role_create_check(request: SignedInRequest) -> HttpResponse:
    """Step 3's checks as the user types: the name, description and tags through CreateRole's own validators, and
    whether the name is taken (when the actor may read roles)."""
    form = RoleDetailsForm(request.POST)
    checks: list[str] = []
    name = request.POST.get("role_name", "")
    validations: list[Callable[[], object]] = [
        lambda: domain.validate_name(name, member="RoleName", field="role_name", max_length=domain.ROLE_NAME_MAX),
        lambda: domain.validate_role_description(request.POST.get("description", "")),
        lambda: domain.validate_tags([{"key": key, "value": value} for key, value in form.tag_rows()]),
    ]
    for validate in validations:
        try:
            validate()
        except IamError as error:
            checks.append(error.message)
    if name and not checks:
        try:
            console.run(request, "GetRole", {"role_name": name})
            checks.append(f"A role named {name} already exists.")
        except (NoSuchEntity, AccessDenied):
            pass
        except IamError as error:
            checks.append(error.message)
    return console.page(request, TEMPLATE, "detail-checks", {"checks": checks, "checked": True})


@require_GET
@signin_required
def role_create_policy_json(request: SignedInRequest) -> HttpResponse:
    """A picker row's policy document (its default version), opened on demand: GetPolicy then GetPolicyVersion."""
    arn = request.GET.get("arn", "")[:2048]
    context: dict[str, Any] = {"document": "", "denied": None}
    try:
        policy = console.run(request, "GetPolicy", {"policy_arn": arn})
        version = console.run(request, "GetPolicyVersion", {"policy_arn": arn, "version_id": policy.default_version_id})
        context["document"] = console.indented_json(version.document, indent=4)
    except IamError as error:
        context["error"] = error
    return console.page(request, TEMPLATE, "policy-json", context)


@require_POST
@signin_required
def role_create_cancel(request: SignedInRequest) -> HttpResponse:
    request.session.pop(STATE_KEY, None)
    return console.redirect(request, "/roles")
