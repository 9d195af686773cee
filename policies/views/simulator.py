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
#: The most users, groups or roles of each kind the principal menu offers (the first by name).
MAX_PRINCIPALS = 200
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
            entities, _ = console.first_matches(request, operation, "", limit=MAX_PRINCIPALS)
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
    #: 1-based columns of the statement's first and last characters (the end is inclusive, as IAM reports it).
    start_column: int | None
    end_column: int | None
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


Span = tuple[int, int, int, int]  # first line, first column, last line, last column (all 1-based, inclusive)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a policy text, cut into pieces that are, or are not, inside a deciding statement."""

    number: int
    pieces: list[tuple[str, bool]]

    @property
    def marked(self) -> bool:
        return any(marked for _, marked in self.pieces)


@dataclass(frozen=True, slots=True)
class PolicyText:
    """A policy's text with the statements that decided some result marked."""

    anchor: str
    title: str
    lines: list[Line] = field(default_factory=list)


def _anchor(source: str) -> str | None:
    for prefix, name in ((CUSTOM_SOURCE, "policy"), (BOUNDARY_SOURCE, "boundary")):
        if source.startswith(prefix):
            return f"{name}-{source.removeprefix(prefix)}"
    return None


def _results(evaluations: Sequence[dict[str, Any]], anchors: dict[str, str]) -> list[Result]:
    """The decisions, one per action and resource; ``anchors`` names the page anchor of each source's text."""
    results = []
    for evaluation in evaluations:
        specific = evaluation.get("ResourceSpecificResults") or [evaluation]
        for item in specific:
            matches = []
            for statement in item.get("MatchedStatements", []):
                source = str(statement.get("SourcePolicyId", ""))
                matches.append(
                    Match(
                        source=source,
                        source_type=str(statement.get("SourcePolicyType", "")),
                        start_line=(statement.get("StartPosition") or {}).get("Line"),
                        end_line=(statement.get("EndPosition") or {}).get("Line"),
                        start_column=(statement.get("StartPosition") or {}).get("Column"),
                        end_column=(statement.get("EndPosition") or {}).get("Column"),
                        anchor=_anchor(source) or anchors.get(source),
                    )
                )
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


def _marked(results: Sequence[Result]) -> dict[str, set[Span]]:
    marked: dict[str, set[Span]] = {}
    for result in results:
        for match in result.matches:
            if match.anchor and match.start_line and match.end_line:
                span = (match.start_line, match.start_column or 1, match.end_line, match.end_column or 10**9)
                marked.setdefault(match.anchor, set()).add(span)
    return marked


def _pieces(number: int, line: str, spans: set[Span]) -> list[tuple[str, bool]]:
    inside = [False] * len(line)
    for first_line, first_column, last_line, last_column in spans:
        if first_line <= number <= last_line:
            start = first_column - 1 if number == first_line else 0
            end = last_column if number == last_line else len(line)
            for index in range(max(start, 0), min(end, len(line))):
                inside[index] = True
    pieces: list[tuple[str, bool]] = []
    for char, marked in zip(line, inside, strict=True):
        if pieces and pieces[-1][1] == marked:
            pieces[-1] = (pieces[-1][0] + char, marked)
        else:
            pieces.append((char, marked))
    return pieces or [("", False)]


def _text(anchor: str, title: str, document: str, marked: dict[str, set[Span]]) -> PolicyText:
    spans = marked.get(anchor, set())
    lines = [Line(number, _pieces(number, line, spans)) for number, line in enumerate(document.splitlines(), 1)]
    return PolicyText(anchor, title, lines)


def _texts(policies: Sequence[str], boundaries: Sequence[str], results: Sequence[Result]) -> list[PolicyText]:
    """The pasted policies, line by line, each line inside a deciding statement marked."""
    marked = _marked(results)
    texts = []
    for prefix, title, documents in (("policy", "Policy", policies), ("boundary", "Permissions boundary", boundaries)):
        for number, document in enumerate(documents, 1):
            texts.append(_text(f"{prefix}-{number}", f"{title} {number}", document, marked))
    return texts


def _principal_document(request: SignedInRequest, subject: Principal, source: str, source_type: str) -> str:
    """The text of one of a principal's policies as the simulator names it: a managed policy by its ARN (its default
    version), an inline policy by its name (``GROUP/NAME`` for a user's group's), each read through its operation."""
    if source.startswith("arn:"):
        policy = console.run(request, "GetPolicy", {"policy_arn": source})
        version = console.run(
            request, "GetPolicyVersion", {"policy_arn": source, "version_id": policy.default_version_id}
        )
        return str(version.document)
    if source_type == "group":
        group, _, name = source.partition("/") if subject.kind == "user" else (subject.name, "", source)
        return str(console.run(request, "GetGroupPolicy", {"group_name": group, "policy_name": name}).document)
    operation = {"user": "GetUserPolicy", "role": "GetRolePolicy"}[subject.kind]
    inline = console.run(request, operation, {f"{subject.kind}_name": subject.name, "policy_name": source})
    return str(inline.document)


def _principal_texts(
    request: SignedInRequest, subject: Principal, evaluations: Sequence[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, str]]:
    """For each of the principal's policies a deciding statement comes from: its page anchor and its text (a text
    the actor may not read is left out, and its statements are then named without their lines)."""
    sources: dict[str, str] = {}
    for evaluation in evaluations:
        for item in evaluation.get("ResourceSpecificResults") or [evaluation]:
            for statement in item.get("MatchedStatements", []):
                source = str(statement.get("SourcePolicyId", ""))
                if source and not _anchor(source):
                    sources.setdefault(source, str(statement.get("SourcePolicyType", "")))
    anchors: dict[str, str] = {}
    documents: dict[str, str] = {}
    for number, (source, source_type) in enumerate(sources.items(), 1):
        try:
            document = _principal_document(request, subject, source, source_type)
        except IamError:
            continue
        anchors[source] = f"source-{number}"
        documents[source] = document
    return anchors, documents


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
    if data["context_entries"]:
        params["context_entries"] = data["context_entries"]
    policies = _split(data["policy_input_list"] or "")
    boundaries = _split(data["permissions_boundary_policy_input_list"] or "")
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
    anchors: dict[str, str] = {}
    documents: dict[str, str] = {}
    if data["mode"] == "principal":
        anchors, documents = _principal_texts(request, context["subject"], page.results)
    results = _results(page.results, anchors)
    texts = _texts(policies, boundaries, results)
    marked = _marked(results)
    texts += [_text(anchors[source], source, document, marked) for source, document in documents.items()]
    context.update(results=results, texts=texts, simulated=True)
    return console.page(request, TEMPLATE, "simulation", context)


def _rank(action: str, query: str) -> int:
    full = action.lower()
    name = full.partition(":")[2]
    if query in (full, name):
        return 0
    if full.startswith(query) or name.startswith(query):
        return 1
    return 2


@require_GET
@signin_required
def action_search(request: SignedInRequest) -> HttpResponse:
    """Actions of the catalogue matching ``q`` (``s3:get``, ``GetObject``, ``iam:*Role``): a fragment of choices."""
    query = request.GET.get("q", "").strip().lower()[:128]
    matches: list[str] = []
    if len(query) >= 2:
        catalog = get_catalog()
        if "*" in query or "?" in query:
            matches = sorted(action.full_name for action in catalog.expand_action(query))[:ACTION_MATCHES]
        else:
            services = [service for prefix in catalog.service_prefixes() if (service := catalog.service(prefix))]
            found = [
                action.full_name
                for service in services
                for action in service.actions.values()
                if query in action.full_name.lower()
            ]
            # The action named exactly first, then those whose name (or service:name) starts with the text.
            matches = sorted(found, key=lambda name: (_rank(name, query), name.lower()))[:ACTION_MATCHES]
    return render(request, "policies/_action_matches.html", {"matches": matches, "query": query})
