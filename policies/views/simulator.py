"""The policy simulator (``/policies/simulator``): a user's, group's or role's policies (SimulatePrincipalPolicy) or
pasted ones (SimulateCustomPolicy), for chosen actions, resources and context keys; each decision with the
statements that made it, highlighted in the policy text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from iamconsole import console
from iamconsole.errors import AccessDenied, IamError
from iamconsole.middleware import SignedInRequest, signin_required
from identities.awsapi.groups import group_shape
from identities.awsapi.roles import role_arn
from identities.awsapi.users import user_arn
from policies import forms

# The Service Authorization Reference the validator uses: public reference data, the same for every caller (AWS's
# simulator lists every action to anyone), so the action search reads it directly rather than through an operation.
from policies.engine.catalog import get_catalog

TEMPLATE = "policies/simulator.html"
#: The most actions the search answers at once: enough to pick from, small enough to read.
ACTION_MATCHES = 40
#: Where SimulateCustomPolicy's statements come from: ``PolicyInputList.N`` is the N-th pasted policy.
CUSTOM_SOURCE = "PolicyInputList."
BOUNDARY_SOURCE = "PermissionsBoundaryPolicyInputList."


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str
    name: str
    arn: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.name}"


def _principals(request: SignedInRequest) -> list[Principal]:
    """The users, groups and roles the actor may list (a list it may not read is left out)."""
    found: list[Principal] = []
    for kind, operation in (("user", "ListUsers"), ("group", "ListGroups"), ("role", "ListRoles")):
        try:
            entities = console.list_all(request, operation)
        except AccessDenied:
            continue
        for entity in entities:
            if kind == "user":
                arn = user_arn(entity)
            elif kind == "role":
                arn = role_arn(entity)
            else:
                arn = str(group_shape(entity)["Arn"])
            found.append(Principal(kind, entity.name, arn))
    return found


@dataclass(frozen=True, slots=True)
class Match:
    """A statement that decided a result: which policy, and where in its text."""

    source: str
    source_type: str
    start_line: int | None
    end_line: int | None
    #: The index of the pasted policy it comes from (``policy-N`` in the page), None for a principal's policies.
    anchor: str | None


DECISIONS = {"allowed": "Allowed", "explicitDeny": "Denied (explicit deny)", "implicitDeny": "Denied (implicit)"}


@dataclass(frozen=True, slots=True)
class Result:
    action: str
    resource: str
    decision: str
    matches: list[Match]
    missing_context: list[str]

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


@dataclass(frozen=True, slots=True)
class PolicyText:
    """A pasted policy with the lines that decided some result marked."""

    anchor: str
    title: str
    lines: list[tuple[int, str, bool]] = field(default_factory=list)


def _anchor(source: str) -> str | None:
    for prefix, name in ((CUSTOM_SOURCE, "policy"), (BOUNDARY_SOURCE, "boundary")):
        if source.startswith(prefix):
            return f"{name}-{source.removeprefix(prefix)}"
    return None


def _results(evaluations: Sequence[dict[str, Any]]) -> list[Result]:
    results = []
    for evaluation in evaluations:
        specific = evaluation.get("ResourceSpecificResults") or [evaluation]
        for item in specific:
            matches = [
                Match(
                    source=str(statement.get("SourcePolicyId", "")),
                    source_type=str(statement.get("SourcePolicyType", "")),
                    start_line=(statement.get("StartPosition") or {}).get("Line"),
                    end_line=(statement.get("EndPosition") or {}).get("Line"),
                    anchor=_anchor(str(statement.get("SourcePolicyId", ""))),
                )
                for statement in item.get("MatchedStatements", [])
            ]
            results.append(
                Result(
                    action=evaluation["EvalActionName"],
                    resource=item.get("EvalResourceName", evaluation.get("EvalResourceName", "*")),
                    decision=item.get("EvalResourceDecision", evaluation["EvalDecision"]),
                    matches=matches,
                    missing_context=list(item.get("MissingContextValues", evaluation.get("MissingContextValues", []))),
                )
            )
    return results


def _texts(policies: Sequence[str], boundaries: Sequence[str], results: Sequence[Result]) -> list[PolicyText]:
    """The pasted policies, line by line, each line inside a deciding statement marked."""
    marked: dict[str, set[int]] = {}
    for result in results:
        for match in result.matches:
            if match.anchor and match.start_line and match.end_line:
                marked.setdefault(match.anchor, set()).update(range(match.start_line, match.end_line + 1))
    texts = []
    for prefix, title, documents in (("policy", "Policy", policies), ("boundary", "Permissions boundary", boundaries)):
        for number, document in enumerate(documents, 1):
            anchor = f"{prefix}-{number}"
            lines = [
                (line_number, line, line_number in marked.get(anchor, set()))
                for line_number, line in enumerate(document.splitlines(), 1)
            ]
            texts.append(PolicyText(anchor, f"{title} {number}", lines))
    return texts


def _split(text: str) -> list[str]:
    """Pasted policies: several are separated by a line holding only ``---``."""
    parts: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip() == "---":
            parts.append("\n".join(current))
            current = []
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [part for part in parts if part.strip()]


@require_http_methods(["GET", "POST"])
@signin_required
def simulator(request: SignedInRequest) -> HttpResponse:
    """The simulator's form; on POST, its results below it (only the results for an htmx request)."""
    principals = _principals(request)
    context: dict[str, Any] = {
        "principals": principals,
        "can_simulate_principal": console.can_run(request, "SimulatePrincipalPolicy", {"policy_source_arn": "*"}),
        "can_simulate_custom": console.can_run(request, "SimulateCustomPolicy"),
    }
    if request.method == "GET":
        context["form"] = forms.SimulatorForm(
            initial={"mode": "principal" if principals else "custom", "principal": request.GET.get("principal", "")}
        )
        return console.page(request, TEMPLATE, "simulation", context)
    form = forms.SimulatorForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return console.page(request, TEMPLATE, "simulation", context, status=400)
    data = form.cleaned_data
    params: dict[str, Any] = {"action_names": data["action_names"]}
    if data["resource_arns"]:
        params["resource_arns"] = data["resource_arns"]
    if data["context"]:
        params["context_entries"] = data["context"]
    policies = _split(data["policy_input"] or "")
    boundaries = _split(data["boundary_input"] or "")
    if boundaries:
        params["permissions_boundary_policy_input_list"] = boundaries
    try:
        if data["mode"] == "principal":
            chosen = {principal.value: principal for principal in principals}.get(data["principal"])
            if chosen is None:
                form.add_error("principal", "Choose a user, group or role of this account.")
                return console.page(request, TEMPLATE, "simulation", context, status=400)
            params["policy_source_arn"] = chosen.arn
            if policies:
                params["policy_input_list"] = policies
            page = console.run(request, "SimulatePrincipalPolicy", {**params, "max_items": 1000})
            context["subject"] = chosen
        else:
            params["policy_input_list"] = policies
            page = console.run(request, "SimulateCustomPolicy", {**params, "max_items": 1000})
    except IamError as error:
        return console.render_error(request, error, TEMPLATE, "simulation", context, form=form)
    results = _results(page.results)
    context.update(results=results, texts=_texts(policies, boundaries, results), simulated=True)
    return console.page(request, TEMPLATE, "simulation", context)


@require_GET
@signin_required
def action_search(request: SignedInRequest) -> HttpResponse:
    """Actions of the catalogue matching ``q`` (``s3:get``, ``GetObject``, ``iam:*Role``): a fragment of choices."""
    query = request.GET.get("q", "").strip().lower()
    matches: list[str] = []
    if len(query) >= 2:
        catalog = get_catalog()
        if "*" in query or "?" in query:
            matches = sorted(action.full_name for action in catalog.expand_action(query))[:ACTION_MATCHES]
        else:
            for prefix in catalog.service_prefixes():
                service = catalog.service(prefix)
                if service is None:
                    continue
                for action in service.actions.values():
                    if query in action.full_name.lower():
                        matches.append(action.full_name)
                        if len(matches) >= ACTION_MATCHES:
                            break
                if len(matches) >= ACTION_MATCHES:
                    break
    return render(request, "policies/_action_matches.html", {"matches": matches, "query": query})
