"""Console forms of the policies pages: shape only (the operations judge names, sizes and documents).

Field names are the operations' snake_case parameters, so an ``IamError``'s ``field`` lands on its form field.
"""

from __future__ import annotations

from typing import Any

from django import forms

from iamconsole import domain, form_fields
from iamconsole.console_forms import EditForm


def _document_field() -> forms.CharField:
    # strip=False: the findings point at lines and columns of the text exactly as typed.
    return forms.CharField(strip=False, widget=forms.Textarea, error_messages={"required": "Enter a policy document."})


class PolicyDocumentForm(EditForm):
    """A new version of a policy: the document, and whether it becomes the default."""

    policy_document = _document_field()
    set_as_default = forms.BooleanField(required=False, initial=True)


class PolicyCreateForm(forms.Form):
    """CreatePolicy: the document, then the name, description and tags (``key=value``, one a line)."""

    policy_document = _document_field()
    policy_name = form_fields.name_field(domain.POLICY_NAME_MAX, label="Policy name")
    description = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    tags = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), strip=False)

    def clean_tags(self) -> list[dict[str, str]]:
        tags = []
        for number, line in enumerate(str(self.cleaned_data.get("tags") or "").splitlines(), 1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"Line {number}: write each tag as key=value.")
            tags.append({"key": key.strip(), "value": value.strip()})
        return tags


class TagForm(forms.Form):
    """TagPolicy with one tag (a key already set gets the new value)."""

    key = form_fields.tag_key_field()
    value = form_fields.tag_value_field()


class AttachForm(forms.Form):
    """Attach the policy to an entity, or detach it: ``entity`` is ``user:NAME``, ``group:NAME`` or ``role:NAME``."""

    entity = forms.CharField()

    def clean_entity(self) -> tuple[str, str]:
        kind, sep, name = str(self.cleaned_data["entity"]).partition(":")
        if not sep or kind not in ("user", "group", "role") or not name:
            raise forms.ValidationError("Choose a user, group or role.")
        return kind, name


class DeletePolicyForm(forms.Form):
    """DeletePolicy, confirmed by typing the policy's name."""

    confirm = forms.CharField(label="Type the policy name to confirm")

    def __init__(self, *args: Any, policy_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy_name = policy_name

    def clean_confirm(self) -> str:
        value = str(self.cleaned_data["confirm"])
        if value != self.policy_name:
            raise forms.ValidationError("The name you typed does not match the policy name.")
        return value


class SimulatorForm(forms.Form):
    """The simulator's inputs: a principal's policies or pasted ones, actions, resources and context keys."""

    mode = forms.ChoiceField(choices=[("principal", "A user, group or role"), ("custom", "Policies I paste")])
    principal = forms.CharField(required=False)
    policy_input_list = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    permissions_boundary_policy_input_list = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    action_names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Choose at least one action."}
    )
    resource_arns = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    context_entries = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_action_names(self) -> list[str]:
        actions = _lines(self.cleaned_data.get("action_names"))
        if not actions:
            raise forms.ValidationError("Choose at least one action.")
        return actions

    def clean_resource_arns(self) -> list[str]:
        return _lines(self.cleaned_data.get("resource_arns"))

    def clean_context_entries(self) -> list[dict[str, Any]]:
        """``key=value`` lines: ``key=a,b`` for a list of values, ``key[type]=value`` names the type (``ip``,
        ``boolean``, ``numeric``, ``date``…; string by default)."""
        entries = []
        for number, line in enumerate(_lines(self.cleaned_data.get("context_entries")), 1):
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"Line {number}: write each context key as key=value.")
            name, key_type = key.strip(), ""
            if name.endswith("]") and "[" in name:
                name, _, key_type = name[:-1].partition("[")
            values = [item.strip() for item in value.split(",")]
            entries.append(
                {
                    "context_key_name": name.strip(),
                    "context_key_values": values,
                    "context_key_type": key_type or ("stringList" if len(values) > 1 else "string"),
                }
            )
        return entries

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "principal" and not data.get("principal"):
            self.add_error("principal", "Choose a user, group or role.")
        if data.get("mode") == "custom" and not str(data.get("policy_input_list") or "").strip():
            self.add_error("policy_input_list", "Paste at least one policy.")
        return data


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]
