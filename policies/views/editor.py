"""The policy editor: one component for permission, inline, boundary and trust policies.

A page puts ``policies/_policy_editor.html`` in its form with an :class:`EditorState` from :func:`editor_state`, and
``policies/_editor_assets.html`` once (CodeMirror and ``static/js/policy-editor.js``). As the user types, the editor
posts the document to :func:`policy_validate`, which runs ValidatePolicy through the catalogue and answers the
findings fragment: four tabs of findings, each linked to its line, the statements in words, and whether the document
may be saved. Without JavaScript the textarea stays a plain textarea and the page's own view checks the document
with :func:`editor_state` on submit: errors block saving either way, the other findings never do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from iamconsole import console, quotas
from iamconsole.errors import AccessDenied, IamError
from iamconsole.middleware import SignedInRequest, signin_required


@dataclass(frozen=True, slots=True)
class EditorKind:
    """What a policy document is for: its ValidatePolicy ``policyType`` and the size AWS allows it."""

    name: str
    policy_type: str
    limit: int
    label: str


#: AWS's size quotas, counted without whitespace (IAM User Guide, "IAM and AWS STS quotas"). An inline policy's limit
#: is the entity's total for all its inline policies: the page passes what is left of it as ``limit``.
MANAGED_POLICY_SIZE = 6144
INLINE_POLICY_TOTALS: Mapping[str, int] = {"user": 2048, "group": 5120, "role": 10240}


def editor_kind(name: str, *, limit: int | None = None) -> EditorKind:
    """The kind ``managed``, ``boundary``, ``trust``, ``inline-user``, ``inline-group`` or ``inline-role``."""
    if name == "trust":
        return EditorKind(name, "TRUST_POLICY", limit or quotas.limit("role_trust_policy_size"), "Trust policy")
    if name == "boundary":
        return EditorKind(name, "PERMISSIONS_BOUNDARY_POLICY", limit or MANAGED_POLICY_SIZE, "Permissions boundary")
    if name.startswith("inline-") and name.removeprefix("inline-") in INLINE_POLICY_TOTALS:
        total = INLINE_POLICY_TOTALS[name.removeprefix("inline-")]
        return EditorKind(name, "IDENTITY_POLICY", limit or total, "Inline policy")
    if name == "managed":
        return EditorKind(name, "IDENTITY_POLICY", limit or MANAGED_POLICY_SIZE, "Policy")
    raise ValueError(f"unknown policy editor kind {name!r}")


def policy_size(text: str) -> int:
    """The size AWS counts against its quotas: every character but space, tab, CR and LF (as the JS counter)."""
    return sum(1 for char in text if char not in " \t\r\n")


#: The tabs of the findings pane, in the order they are shown, with ValidatePolicy's finding type of each.
TABS: tuple[tuple[str, str, str], ...] = (
    ("security", "SECURITY_WARNING", "Security"),
    ("errors", "ERROR", "Errors"),
    ("warnings", "WARNING", "Warnings"),
    ("suggestions", "SUGGESTION", "Suggestions"),
)
#: Access Analyzer's check reference, where each issue code has its own section.
CHECK_REFERENCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
_ANCHOR_PREFIX = {"ERROR": "error", "SECURITY_WARNING": "security-warning", "WARNING": "general-warning"}


@dataclass(frozen=True, slots=True)
class FindingView:
    """One finding as the editor shows it: its tab, where it points, and the check reference link."""

    type: str
    code: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def title(self) -> str:
        return self.code.replace("_", " ").capitalize()

    @property
    def learn_more(self) -> str:
        anchor = self.code.lower().replace("_", "-")
        prefix = _ANCHOR_PREFIX.get(self.type, "suggestion")
        return f"{CHECK_REFERENCE}#access-analyzer-reference-policy-checks-{prefix}-{anchor}"

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@dataclass(frozen=True, slots=True)
class FindingTab:
    key: str
    label: str
    findings: list[FindingView]


@dataclass(frozen=True, slots=True)
class StatementSummary:
    """One statement in words: its effect, and what it applies to."""

    sid: str
    effect: str
    actions: list[str]
    actions_negated: bool
    resources: list[str]
    resources_negated: bool
    principals: list[str]
    principals_negated: bool
    conditions: list[str]


@dataclass(frozen=True, slots=True)
class EditorState:
    """Everything the editor include and its findings fragment show."""

    kind: EditorKind
    document: str
    field_name: str = "policy_document"
    findings: list[FindingView] = field(default_factory=list)
    #: ValidatePolicy refused (the actor may not run it): the findings are unknown, and saving is not blocked.
    denied: AccessDenied | None = None
    statements: list[StatementSummary] = field(default_factory=list)

    @property
    def size(self) -> int:
        return policy_size(self.document)

    @property
    def size_text(self) -> str:
        return f"{self.size:,}"

    @property
    def limit_text(self) -> str:
        return f"{self.kind.limit:,}"

    @property
    def over_limit(self) -> bool:
        return self.size > self.kind.limit

    @property
    def tabs(self) -> list[FindingTab]:
        return [
            FindingTab(key, label, [finding for finding in self.findings if finding.type == finding_type])
            for key, finding_type, label in TABS
        ]

    @property
    def error_count(self) -> int:
        return sum(1 for finding in self.findings if finding.type == "ERROR")

    @property
    def blocking(self) -> bool:
        """Errors (the validator's, or a document over its size) block saving; the other findings never do."""
        return self.error_count > 0 or self.over_limit or not self.document.strip()

    @property
    def findings_json(self) -> list[dict[str, Any]]:
        return [finding.as_json() for finding in self.findings]

    @property
    def element_id(self) -> str:
        return f"editor-{self.field_name}"

    @property
    def data_id(self) -> str:
        return f"editor-{self.field_name}-data"


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    return [value if isinstance(value, str) else json.dumps(value)]


def _principals(value: Any) -> list[str]:
    if value == "*":
        return ["everyone (*)"]
    if isinstance(value, dict):
        return [f"{kind}: {name}" for kind, names in value.items() for name in _strings(names)]
    return _strings(value)


def _conditions(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return []
    words = []
    for operator, keys in value.items():
        if not isinstance(keys, dict):
            continue
        for key, values in keys.items():
            words.append(f"{key} {operator} {' or '.join(_strings(values))}")
    return words


def summarize(document: str) -> list[StatementSummary]:
    """The statements of a document in words, or none while it is not a JSON object with statements (the findings
    then say why)."""
    try:
        policy = json.loads(document)
    except ValueError:
        return []
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return []
    summaries = []
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        summaries.append(
            StatementSummary(
                sid=str(statement.get("Sid") or ""),
                effect=str(statement.get("Effect") or "?"),
                actions=_strings(statement.get("Action", statement.get("NotAction"))),
                actions_negated="NotAction" in statement and "Action" not in statement,
                resources=_strings(statement.get("Resource", statement.get("NotResource"))),
                resources_negated="NotResource" in statement and "Resource" not in statement,
                principals=_principals(statement.get("Principal", statement.get("NotPrincipal"))),
                principals_negated="NotPrincipal" in statement and "Principal" not in statement,
                conditions=_conditions(statement.get("Condition")),
            )
        )
    return summaries


def editor_state(
    request: SignedInRequest,
    document: str,
    kind: str | EditorKind = "managed",
    *,
    field_name: str = "policy_document",
    validate: bool = True,
) -> EditorState:
    """The editor for ``document``, checked by ValidatePolicy as the signed-in actor (unless ``validate`` is false:
    a fresh form shows no findings yet). A denied ValidatePolicy leaves the findings unknown and saving allowed."""
    editor = kind if isinstance(kind, EditorKind) else editor_kind(kind)
    findings: list[FindingView] = []
    denied: AccessDenied | None = None
    if validate and document.strip():
        try:
            results = console.run(
                request, "ValidatePolicy", {"policy_document": document, "policy_type": editor.policy_type}
            )
        except AccessDenied as error:
            denied = error
        except IamError as error:  # a document no validator takes (a NUL character): one error at its start
            findings = [FindingView("ERROR", error.code, error.message, 1, 1, 1, 1)]
        else:
            findings = [
                FindingView(
                    type=str(item.type),
                    code=item.code,
                    message=item.message,
                    line=item.line,
                    column=item.column,
                    end_line=item.end_line,
                    end_column=item.end_column,
                )
                for item in results
            ]
    return EditorState(
        kind=editor,
        document=document,
        field_name=field_name,
        findings=findings,
        denied=denied,
        statements=summarize(document),
    )


def _kind_from_request(request: SignedInRequest) -> EditorKind | None:
    """The editor's kind as its textarea posts it; a limit only ever lowers the kind's own (an inline policy's
    remaining budget), so a crafted value cannot make a document look smaller than AWS's quota."""
    try:
        kind = editor_kind(request.POST.get("editor_kind", "managed"))
        limit = int(request.POST.get("editor_limit", "") or kind.limit)
    except ValueError:
        return None
    return editor_kind(kind.name, limit=max(0, min(limit, kind.limit))) if limit != kind.limit else kind


@require_POST
@signin_required
def policy_validate(request: SignedInRequest) -> HttpResponse:
    """The findings fragment for the document the editor posts (``editor_field`` names its field)."""
    kind = _kind_from_request(request)
    field_name = request.POST.get("editor_field", "policy_document")
    if kind is None or not field_name.isidentifier():
        return HttpResponse("Unknown policy editor.", status=400, content_type="text/plain")
    try:
        editor = editor_state(request, request.POST.get(field_name, ""), kind, field_name=field_name)
    except IamError as error:  # a document ValidatePolicy cannot take at all (not text): shown, never a 500
        return render(request, "policies/_policy_findings.html", {"editor": None, "error": error}, status=400)
    return render(request, "policies/_policy_findings.html", {"editor": editor})


#: The most policies the import search lists at once.
IMPORT_MATCHES = 20


@require_GET
@signin_required
def policy_import_search(request: SignedInRequest) -> HttpResponse:
    """Managed policies whose name contains ``q`` (ListPolicies), to import into the editor."""
    query = request.GET.get("q", "").strip().lower()
    matches: list[Any] = []
    error: IamError | None = None
    if len(query) >= 2:
        try:
            matches, _ = console.first_matches(request, "ListPolicies", query, limit=IMPORT_MATCHES)
        except IamError as failure:
            error = failure
    return render(request, "policies/_import_matches.html", {"matches": matches, "query": query, "error": error})


@require_GET
@signin_required
def policy_import(request: SignedInRequest, policy_id: str) -> HttpResponse:
    """The default document of a managed policy (GetPolicy, GetPolicyVersion), for the editor to append its
    statements to the document being edited."""
    try:
        policy = console.run(request, "GetPolicyById", {"policy_id": policy_id})
        version = console.run(
            request, "GetPolicyVersion", {"policy_arn": policy.arn, "version_id": policy.default_version_id}
        )
    except IamError as error:
        return render(request, "policies/_import_document.html", {"error": error}, status=200)
    return render(request, "policies/_import_document.html", {"policy": policy, "document": version.document})
