"""The create role wizard's forms: shape only. The trust policy each choice produces comes from
``identities.trust_templates``; CreateRole and AttachRolePolicy judge the rest (names, sizes, principals, quotas)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict

from iamconsole import domain, form_fields
from identities import trust_templates as templates

ENTITY_CHOICES = [
    ("service", "AWS service"),
    ("account", "AWS account"),
    ("web", "Web identity"),
    ("saml", "SAML 2.0 federation"),
    ("custom", "Custom trust policy"),
]
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?", re.ASCII)
#: External IDs as AWS accepts them: 2-1224 characters of ``[\w+=,.@:/-]``.
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
_GITHUB_NAME = re.compile(r"[A-Za-z0-9_.-]+", re.ASCII)
_GITHUB_BRANCH = re.compile(r"[A-Za-z0-9_./*-]+", re.ASCII)
MAX_SESSION_CHOICES = [(hours * 3600, f"{hours} hour{'s' if hours > 1 else ''}") for hours in range(1, 13)]


class TrustedEntityForm(forms.Form):
    """Step 1. ``providers`` are the account's OIDC providers (ARNs), ``saml_providers`` its SAML providers."""

    entity = forms.ChoiceField(choices=ENTITY_CHOICES, widget=forms.RadioSelect, initial="service")
    service = forms.CharField(required=False, max_length=128, label="Service principal")
    account_choice = forms.ChoiceField(
        choices=[("this", "This account"), ("other", "Another AWS account")], initial="this", required=False
    )
    account_id = form_fields.text_field(12, form_fields.ACCOUNT_ID, required=False, label="Account ID")
    require_external_id = forms.BooleanField(required=False, label="Require external ID")
    external_id = form_fields.text_field(1224, form_fields.EXTERNAL_ID, required=False, label="External ID")
    require_mfa = forms.BooleanField(required=False, label="Require MFA")
    web_provider = forms.ChoiceField(required=False, choices=[], label="Identity provider")
    audience = forms.CharField(required=False, max_length=255, label="Audience or application ID")
    cognito_amr = forms.ChoiceField(
        required=False,
        choices=[("", "Any identity"), ("authenticated", "Authenticated identities"), ("unauthenticated", "Guests")],
        label="Amazon Cognito identities",
    )
    github_org = forms.CharField(required=False, max_length=39, label="GitHub organization")
    github_repo = forms.CharField(required=False, max_length=100, label="GitHub repository (optional)")
    github_branch = forms.CharField(required=False, max_length=255, label="GitHub branch (optional)")
    saml_provider = forms.ChoiceField(required=False, choices=[], label="SAML 2.0 provider")
    saml_access = forms.ChoiceField(
        choices=[("console", "Programmatic and console access"), ("programmatic", "Programmatic access only")],
        initial="console",
        required=False,
    )
    saml_attribute = forms.ChoiceField(
        required=False, choices=[(key, key) for key in templates.SAML_ATTRIBUTES], label="Attribute"
    )
    saml_value = forms.CharField(required=False, max_length=255, label="Value")
    custom_policy = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}), label="Trust policy"
    )

    def __init__(
        self,
        *args: Any,
        account_id: str,
        oidc_providers: Sequence[str] = (),
        saml_providers: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.home_account_id = account_id
        self.oidc_providers = list(oidc_providers)
        well_known = [(provider.key, provider.label) for provider in templates.WELL_KNOWN_PROVIDERS]
        web_field = cast(forms.ChoiceField, self.fields["web_provider"])
        saml_field = cast(forms.ChoiceField, self.fields["saml_provider"])
        web_field.choices = [*well_known, *((arn, _oidc_host(arn)) for arn in oidc_providers)]
        saml_field.choices = [(arn, arn.rpartition("/")[2]) for arn in saml_providers]
        self.fields["custom_policy"].initial = templates.pretty(templates.CUSTOM_SKELETON)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        entity = data.get("entity")
        builder = {
            "service": self._service,
            "account": self._account,
            "web": self._web,
            "saml": self._saml,
            "custom": self._custom,
        }.get(str(entity))
        if builder is not None:
            document = builder(data)
            if document is not None:
                data["trust_policy"] = document
        return data

    def _required(self, data: dict[str, Any], field: str, message: str) -> str:
        value = str(data.get(field) or "").strip()
        if not value:
            self.add_error(field, message)
        return value

    def _service(self, data: dict[str, Any]) -> str | None:
        service = self._required(data, "service", "Choose a service.")
        if service and not _SERVICE.fullmatch(service):
            self.add_error("service", "Choose a service principal, such as ec2.amazonaws.com.")
            return None
        return templates.pretty(templates.service_trust(service)) if service else None

    def _account(self, data: dict[str, Any]) -> str | None:
        account_id = self.home_account_id
        if data.get("account_choice") == "other":
            account_id = str(data.get("account_id") or "").strip()
            if not re.fullmatch(r"\d{12}", account_id):
                self.add_error("account_id", "Enter a 12-digit account ID.")
                return None
        external_id = None
        if data.get("require_external_id"):
            external_id = str(data.get("external_id") or "").strip()
            if not _EXTERNAL_ID.fullmatch(external_id):
                self.add_error("external_id", "2 to 1,224 characters: letters, digits and +=,.@:/-_ (no spaces).")
                return None
        document = templates.account_trust(
            account_id, external_id=external_id, require_mfa=bool(data.get("require_mfa"))
        )
        return templates.pretty(document)

    def _web(self, data: dict[str, Any]) -> str | None:
        provider = self._required(data, "web_provider", "Choose an identity provider.")
        audience = self._required(data, "audience", "Enter the audience or application ID.")
        if not (provider and audience):
            return None
        known = next((p for p in templates.WELL_KNOWN_PROVIDERS if p.key == provider), None)
        if known is not None:
            amr = str(data.get("cognito_amr") or "") if known.key == "cognito" else ""
            document = templates.web_identity_trust(known.principal, known.audience_key, audience, cognito_amr=amr)
            return templates.pretty(document)
        host = _oidc_host(provider)
        sub = None
        if host == templates.GITHUB_HOST:
            org = self._required(data, "github_org", "Enter the GitHub organization.")
            repo = str(data.get("github_repo") or "").strip()
            branch = str(data.get("github_branch") or "").strip()
            for field, value, pattern in (
                ("github_org", org, _GITHUB_NAME),
                ("github_repo", repo, _GITHUB_NAME),
                ("github_branch", branch, _GITHUB_BRANCH),
            ):
                if value and not pattern.fullmatch(value):
                    self.add_error(field, "Letters, digits and - _ . only.")
            if not org or self.errors:
                return None
            sub = templates.github_sub(org, repo, branch if repo else "")
        return templates.pretty(templates.web_identity_trust(provider, f"{host}:aud", audience, github_sub=sub))

    def _saml(self, data: dict[str, Any]) -> str | None:
        provider = self._required(data, "saml_provider", "Choose a SAML provider (add one under Identity providers).")
        if not provider:
            return None
        if data.get("saml_access") == "programmatic":
            value = self._required(data, "saml_value", "Enter the value the attribute must have.")
            if not value:
                return None
            attribute = str(data.get("saml_attribute") or templates.SAML_ATTRIBUTES[0])
            return templates.pretty(templates.saml_trust(provider, console=False, attribute=attribute, value=value))
        return templates.pretty(templates.saml_trust(provider, console=True))

    def _custom(self, data: dict[str, Any]) -> str | None:
        text = self._required(data, "custom_policy", "Enter a trust policy.")
        if not text:
            return None
        try:
            document = json.loads(text)
        except ValueError as error:
            self.add_error("custom_policy", f"The policy is not valid JSON: {error}.")
            return None
        if not isinstance(document, dict):
            self.add_error("custom_policy", "A policy is a JSON object.")
            return None
        return text


def _oidc_host(arn: str) -> str:
    """``host/path`` of an OIDC provider's ARN (``arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH``)."""
    return arn.partition(":oidc-provider/")[2]


class PermissionsForm(forms.Form):
    """Step 2: the managed policies to attach (ARNs) and an optional permissions boundary."""

    use_boundary = forms.BooleanField(required=False)
    boundary_arn = forms.CharField(required=False, max_length=2048)

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The checked policies: the picker's rows change with each search, so they are not a fixed set of choices.
        posted = self.data.getlist("policy_arns") if isinstance(self.data, QueryDict) else []
        arns = list(dict.fromkeys(str(arn) for arn in posted if str(arn).startswith("arn:")))
        data["policy_arns"] = arns
        if len(arns) > self.limit:
            self.add_error(None, f"A role can have at most {self.limit} managed policies; {len(arns)} are selected.")
        if data.get("use_boundary") and not str(data.get("boundary_arn") or "").startswith("arn:"):
            self.add_error("boundary_arn", "Choose the policy that sets the permissions boundary.")
        return data


class RoleDetailsForm(forms.Form):
    """Step 3: name, description, maximum session duration and tags (``tag_key``/``tag_value`` rows)."""

    role_name = form_fields.name_field(domain.ROLE_NAME_MAX, label="Role name")
    description = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), label="Description"
    )
    max_session_duration = forms.TypedChoiceField(
        choices=MAX_SESSION_CHOICES, coerce=int, initial=3600, label="Maximum session duration"
    )

    def tag_rows(self) -> list[tuple[str, str]]:
        keys = self.data.getlist("tag_key") if hasattr(self.data, "getlist") else []
        values = self.data.getlist("tag_value") if hasattr(self.data, "getlist") else []
        rows = [(str(key), str(values[i]) if i < len(values) else "") for i, key in enumerate(keys)]
        return [(key, value) for key, value in rows if key.strip() or value.strip()]
