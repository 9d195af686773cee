"""Console pages of identity providers (``/identity-providers``): the SAML and OpenID Connect providers of the
account, adding one, its detail with edits (SAML metadata; OIDC audiences and thumbprints), tags and deletion.

Providers are named by their ARN (as the API names them); every read and write is an operation of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from iamconsole import console, form_fields, operations
from iamconsole.arn import parse_arn
from iamconsole.console_forms import errors_text
from iamconsole.errors import IamError, NoSuchEntity, ValidationError
from iamconsole.middleware import SignedInRequest, signin_required
from identities.forms import ThumbprintsForm

LIST_TEMPLATE = "identities/provider_list.html"
ADD_TEMPLATE = "identities/provider_add.html"
DETAIL_TEMPLATE = "identities/provider_detail.html"
DELETE_TEMPLATE = "identities/provider_delete.html"
#: The most a metadata upload may hold (AWS's SAMLMetadataDocument bound is 10,000,000 characters).
MAX_METADATA_BYTES = 10_000_000


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """A row of the identity providers list."""

    name: str
    arn: str
    kind: str
    created: datetime
    #: DeleteSAMLProvider / DeleteOpenIDConnectProvider allowed on it (the list's Delete).
    can_delete: bool = False


def _kind(arn: str) -> str | None:
    """``SAML`` or ``OpenID Connect`` from the provider's ARN; None when it names no provider."""
    parsed = parse_arn(arn)
    if parsed is None:
        return None
    if parsed.resource.startswith("saml-provider/"):
        return "SAML"
    if parsed.resource.startswith("oidc-provider/"):
        return "OpenID Connect"
    return None


def _back_to(request: SignedInRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url, status=303)


def _detail_url(arn: str) -> str:
    return reverse("identities:provider-detail", args=[arn])


def _allowed(request: SignedInRequest, name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    enabled = console.can_run(request, name, params)
    action = operations.get_operation(name).iam_action
    return {"enabled": enabled, "reason": "" if enabled else f"You need the permission {action} to do this."}


@require_GET
@signin_required
def provider_list(request: SignedInRequest) -> HttpResponse:
    """Identity providers: the SAML providers (ListSAMLProviders) and OIDC providers (ListOpenIDConnectProviders)."""
    try:
        saml = console.run(request, "ListSAMLProviders")
        oidc = console.run(request, "ListOpenIDConnectProviders")
    except IamError as error:
        return console.render_error(request, error, LIST_TEMPLATE, "provider-table", {})
    rows = [ProviderRow(p.name, p.arn, "SAML", p.created_at) for p in saml] + [
        ProviderRow(p.url, p.arn, "OpenID Connect", p.created_at) for p in oidc
    ]
    listing = console.listing(
        request,
        rows,
        search=lambda row: (row.name, row.arn, row.kind),
        sorts={"name": lambda row: row.name, "kind": lambda row: row.kind, "created": lambda row: row.created},
        default_sort="name",
    )
    # Asked of the page's rows only: each can_run reads the caller's policies.
    listing = replace(listing, rows=[replace(row, can_delete=_may_delete(request, row.arn)) for row in listing.rows])
    return console.page(
        request,
        LIST_TEMPLATE,
        "provider-table",
        {
            "providers": listing,
            # Without JavaScript Delete cannot follow the selection: enabled when some provider allows it.
            "can_delete": any(row.can_delete for row in listing.rows),
            "can_add": console.can_run(request, "CreateSAMLProvider", {"name": "x"})
            or console.can_run(request, "CreateOpenIDConnectProvider", {"url": "https://x"}),
        },
    )


class ProviderAddForm(forms.Form):
    """Add provider: a SAML provider (name and metadata file) or an OIDC provider (URL, audiences, thumbprints).

    Shape only: names, URLs, client ids and thumbprints are judged by the operations."""

    provider_type = forms.ChoiceField(
        choices=[("saml", "SAML"), ("oidc", "OpenID Connect")], widget=forms.RadioSelect, initial="saml"
    )
    name = form_fields.text_field(128, form_fields.SAML_PROVIDER_NAME, required=False, label="Provider name")
    metadata = forms.FileField(required=False, label="Metadata document")
    url = form_fields.text_field(255, form_fields.OIDC_URL, required=False, label="Provider URL")
    client_ids = forms.CharField(
        required=False, label="Audiences (client IDs)", widget=forms.Textarea(attrs={"rows": 3})
    )
    thumbprints = forms.CharField(required=False, label="Thumbprints", widget=forms.Textarea(attrs={"rows": 3}))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _metadata(upload: Any) -> str:
    """The uploaded metadata document as text; ``ValidationError`` for a file too large or not UTF-8."""
    if upload is None:
        raise ValidationError("Choose the metadata document your identity provider gave you.", field="metadata")
    if upload.size > MAX_METADATA_BYTES:
        raise ValidationError("The metadata document is larger than 10,000,000 characters.", field="metadata")
    try:
        return str(upload.read().decode("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError("The metadata document must be a UTF-8 XML file.", field="metadata") from None


@require_http_methods(["GET", "POST"])
@signin_required
def provider_add(request: SignedInRequest) -> HttpResponse:
    """Add a provider: CreateSAMLProvider or CreateOpenIDConnectProvider."""
    if request.method == "GET":
        return console.page(request, ADD_TEMPLATE, "provider-form", {"form": ProviderAddForm()})
    form = ProviderAddForm(request.POST, request.FILES)
    if not form.is_valid():
        return console.page(request, ADD_TEMPLATE, "provider-form", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        if data["provider_type"] == "saml":
            provider = console.run(
                request,
                "CreateSAMLProvider",
                {"name": data["name"], "saml_metadata_document": _metadata(data["metadata"])},
            )
        else:
            params: dict[str, Any] = {"url": data["url"].strip(), "client_id_list": _lines(data["client_ids"])}
            thumbprints = _lines(data["thumbprints"])
            if thumbprints:
                params["thumbprint_list"] = thumbprints
            provider = console.run(request, "CreateOpenIDConnectProvider", params)
    except IamError as error:
        fields = {
            "saml_metadata_document": "metadata",
            "client_id_list": "client_ids",
            "thumbprint_list": "thumbprints",
        }
        if error.field in fields:
            error.field = fields[error.field]
        return console.render_error(request, error, ADD_TEMPLATE, "provider-form", {"form": form}, form=form)
    messages.success(request, "Identity provider added.")
    return _back_to(request, _detail_url(provider.arn))


def _read(request: SignedInRequest, arn: str) -> tuple[str, Any]:
    kind = _kind(arn)
    if kind == "SAML":
        return kind, console.run(request, "GetSAMLProvider", {"saml_provider_arn": arn})
    if kind == "OpenID Connect":
        return kind, console.run(request, "GetOpenIDConnectProvider", {"open_id_connect_provider_arn": arn})
    raise NoSuchEntity(f"{arn} names no identity provider.")


def _arn_param(kind: str) -> str:
    return "saml_provider_arn" if kind == "SAML" else "open_id_connect_provider_arn"


def _delete_operation(kind: str) -> str:
    return "DeleteSAMLProvider" if kind == "SAML" else "DeleteOpenIDConnectProvider"


def _may_delete(request: SignedInRequest, arn: str) -> bool:
    kind = _kind(arn) or "SAML"
    return console.can_run(request, _delete_operation(kind), {_arn_param(kind): arn})


def _detail(request: SignedInRequest, arn: str, *, status: int = 200, **extra: Any) -> HttpResponse:
    try:
        kind, provider = _read(request, arn)
    except IamError as error:
        return console.render_error(request, error, DETAIL_TEMPLATE, "provider", {"provider": None})
    saml = kind == "SAML"
    param = {_arn_param(kind): provider.arn}
    controls = {
        "update": _allowed(request, "UpdateSAMLProvider", param)
        if saml
        else _allowed(request, "AddClientIDToOpenIDConnectProvider", param),
        "remove_client": {} if saml else _allowed(request, "RemoveClientIDFromOpenIDConnectProvider", param),
        "thumbprints": {} if saml else _allowed(request, "UpdateOpenIDConnectProviderThumbprint", param),
        "tag": _allowed(request, "TagSAMLProvider" if saml else "TagOpenIDConnectProvider", param),
        "untag": _allowed(request, "UntagSAMLProvider" if saml else "UntagOpenIDConnectProvider", param),
        "delete": _allowed(request, _delete_operation(kind), param),
    }
    context = {
        "provider": provider,
        "kind": kind,
        "saml": saml,
        "controls": controls,
        "tags": sorted(provider.tags.items(), key=lambda item: item[0].lower()),
        **extra,
    }
    return console.page(request, DETAIL_TEMPLATE, "provider", context, status=status)


@require_GET
@signin_required
def provider_detail(request: SignedInRequest, arn: str) -> HttpResponse:
    """A provider: its facts, and edits for its kind."""
    return _detail(request, arn)


def _failed(request: SignedInRequest, arn: str, error: IamError) -> HttpResponse:
    if error.code == "AccessDenied":
        return console.render_error(request, error, DETAIL_TEMPLATE, "provider", {"provider": None})
    return _detail(request, arn, status=error.http_status, error=error)


@require_POST
@signin_required
def provider_edit(request: SignedInRequest) -> HttpResponse:
    """One edit of a provider, by ``change``: ``metadata`` (UpdateSAMLProvider), ``add_client`` /
    ``remove_client`` (the OIDC audiences), ``thumbprints`` (UpdateOpenIDConnectProviderThumbprint)."""
    arn = request.POST.get("arn", "")
    change = request.POST.get("change", "")
    try:
        if change == "metadata":
            document = _metadata(request.FILES.get("metadata"))
            console.run(request, "UpdateSAMLProvider", {"saml_provider_arn": arn, "saml_metadata_document": document})
            messages.success(request, "Metadata document replaced.")
        elif change == "add_client":
            params = {"open_id_connect_provider_arn": arn, "client_id": request.POST.get("client_id", "").strip()}
            console.run(request, "AddClientIDToOpenIDConnectProvider", params)
            messages.success(request, "Audience added.")
        elif change == "remove_client":
            if request.POST.get("confirm", "").strip().lower() != "remove":
                # As AWS's console asks: the word typed, so one audience is not removed by a slip.
                raise ValidationError("Type remove to confirm removing the audience.", field="confirm")
            params = {"open_id_connect_provider_arn": arn, "client_id": request.POST.get("client_id", "")}
            console.run(request, "RemoveClientIDFromOpenIDConnectProvider", params)
            messages.success(request, "Audience removed.")
        elif change == "thumbprints":
            form = ThumbprintsForm(request.POST)
            if not form.is_valid():  # sent without its list: nothing is replaced
                raise ValidationError(errors_text(form), field="thumbprints")
            thumbprints = _lines(form.changes["thumbprints"])
            console.run(
                request,
                "UpdateOpenIDConnectProviderThumbprint",
                {"open_id_connect_provider_arn": arn, "thumbprint_list": thumbprints},
            )
            messages.success(request, "Thumbprints updated.")
        else:
            raise ValidationError(f"Unknown change '{change}'.", field="change")
    except IamError as error:
        return _failed(request, arn, error)
    return _back_to(request, _detail_url(arn))


@require_POST
@signin_required
def provider_tags(request: SignedInRequest) -> HttpResponse:
    """Add or change a tag, or remove one (``remove=KEY``)."""
    arn = request.POST.get("arn", "")
    kind = _kind(arn) or "SAML"
    prefix = "SAMLProvider" if kind == "SAML" else "OpenIDConnectProvider"
    param = {_arn_param(kind): arn}
    remove = request.POST.get("remove")
    try:
        if remove is not None:
            console.run(request, f"Untag{prefix}", {**param, "tag_keys": [remove]})
            messages.success(request, f"Tag {remove} removed.")
        else:
            tag = {"key": request.POST.get("key", "").strip(), "value": request.POST.get("value", "")}
            console.run(request, f"Tag{prefix}", {**param, "tags": [tag]})
            messages.success(request, f"Tag {tag['key']} saved.")
    except IamError as error:
        return _failed(request, arn, error)
    return _back_to(request, _detail_url(arn))


def _confirm_delete(request: SignedInRequest, arn: str, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The confirmation the list's Delete opens: the provider, and the word to type."""
    try:
        kind, provider = _read(request, arn)
    except IamError as error:
        return console.render_error(request, error, DELETE_TEMPLATE, "provider-delete", {"provider": None})
    context = {
        "provider": provider,
        "name": provider.name if kind == "SAML" else provider.url,
        "kind": kind,
        "delete": _allowed(request, _delete_operation(kind), {_arn_param(kind): provider.arn}),
        **extra,
    }
    return console.page(request, DELETE_TEMPLATE, "provider-delete", context, status=status)


@require_http_methods(["GET", "POST"])
@signin_required
def provider_delete(request: SignedInRequest) -> HttpResponse:
    """Delete a provider once the actor has typed ``delete``, as AWS's console asks.

    GET (``?arn=``) is the confirmation the list's Delete opens; a POST from it (``from=list``) shows its errors
    there, one from the provider's page on that page."""
    source = request.GET if request.method == "GET" else request.POST
    arn = source.get("arn", "")
    from_list = request.method == "GET" or request.POST.get("from") == "list"
    if request.method == "GET":
        if not arn:
            messages.error(request, "Select an identity provider, then choose Delete.")
            return _back_to(request, reverse("identities:provider-list"))
        return _confirm_delete(request, arn)
    if request.POST.get("confirm", "").strip().lower() != "delete":
        if from_list:
            return _confirm_delete(request, arn, status=400, confirm_error="Type delete to confirm.")
        return _detail(request, arn, status=400, confirm_error="Type delete to confirm.")
    kind = _kind(arn) or "SAML"
    try:
        console.run(request, _delete_operation(kind), {_arn_param(kind): arn})
    except IamError as error:
        if from_list:
            if error.code == "AccessDenied":
                context = {"provider": None}
                return console.render_error(request, error, DELETE_TEMPLATE, "provider-delete", context)
            return _confirm_delete(request, arn, status=error.http_status, error=error)
        return _failed(request, arn, error)
    messages.success(request, "Identity provider deleted.")
    return _back_to(request, reverse("identities:provider-list"))
