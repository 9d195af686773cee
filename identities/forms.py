"""Console forms of the identities app (shape only: the services check the rules and answer with AWS's errors)."""

from __future__ import annotations

from typing import Any

from django import forms

from iamconsole import domain, form_fields
from iamconsole.console_forms import EditForm

#: Managed policies a group may have attached (AWS's PoliciesPerGroup quota, not adjustable).
POLICIES_PER_GROUP = 10


class NameList(forms.MultipleChoiceField):
    """Checked names or ARNs from a picker whose choices depend on its search: any value is taken here, and the
    operation judges it (an unknown user is ``NoSuchEntity``)."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value) <= 2048


class GroupCreateForm(forms.Form):
    """Create user group: the name and path (CreateGroup), the users to add and the policies to attach."""

    group_name = form_fields.name_field(
        domain.GROUP_NAME_MAX,
        label="User group name",
        help_text="Up to 128 letters, digits and + = , . @ - _ characters; unique in the account, ignoring case.",
    )
    path = form_fields.path_field(
        label="Path", help_text="Optional: starts and ends with a slash, such as /division_abc/."
    )
    user_names = NameList(required=False)
    policy_arns = NameList(required=False)

    def clean_path(self) -> str:
        return str(self.cleaned_data.get("path") or "/")

    def clean_policy_arns(self) -> list[str]:
        arns = list(self.cleaned_data.get("policy_arns") or [])
        if len(arns) > POLICIES_PER_GROUP:
            raise forms.ValidationError(f"A user group can have at most {POLICIES_PER_GROUP} managed policies.")
        return arns


class GroupRenameForm(EditForm):
    """Edit name of a user group (UpdateGroup's new name; the service checks AWS's rules)."""

    new_group_name = form_fields.name_field(domain.GROUP_NAME_MAX, label="User group name")


class ThumbprintsForm(EditForm):
    """Manage thumbprints of an OIDC provider: the whole list, one a line (empty clears it, as AWS allows)."""

    thumbprints = forms.CharField(required=False, strip=False, widget=forms.Textarea)


class NamesForm(forms.Form):
    """Users to add to or remove from a group, or policy ARNs to attach or detach."""

    names = NameList()


class ConfirmDeleteForm(forms.Form):
    """A deletion confirmed by typing what the page asks for (the entity's name, as AWS's console asks)."""

    confirmation = forms.CharField(max_length=256, strip=True)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirmation(self) -> str:
        value = str(self.cleaned_data["confirmation"])
        if value != self.expected:
            raise forms.ValidationError(f"Type {self.expected} to confirm.")
        return value
