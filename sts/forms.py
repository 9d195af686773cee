"""Console forms of the sts app: the Switch role form (shape only; AssumeRole judges the rest)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from iamconsole import form_fields
from iamconsole.middleware import ROLE_COLORS, palette_hex

#: Role names and paths: IAM's characters, and at most 64 together (the console's limit on what it can keep).
_ROLE_NAME = re.compile(r"[\w+=,.@/-]{1,64}", re.ASCII)
_ACCOUNT = re.compile(r"\d{12}|[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?", re.ASCII)


class _PaletteField(forms.ChoiceField):
    """A palette colour as its hex; any other value (an older hex of the same colour aside) becomes no colour."""

    def to_python(self, value: Any) -> str:
        return palette_hex(value if isinstance(value, str) else None)


class SwitchRoleForm(forms.Form):
    """The fields of ``/switchrole``, named as the custom switch-role URL names them."""

    account = form_fields.text_field(
        63, form_fields.ACCOUNT_ID_OR_ALIAS, label="Account ID or alias", help_text="12 digits, or the account alias."
    )
    roleName = form_fields.text_field(
        64,
        form_fields.ROLE_NAME_WITH_PATH,
        label="IAM role name",
        help_text="Include the path if the role has one (team/deploy); role names are case sensitive.",
    )
    displayName = forms.CharField(
        label="Display name", max_length=64, required=False, help_text="Shown in the top bar; the role name if empty."
    )
    color = _PaletteField(
        label="Display colour",
        required=False,
        choices=[("", "None"), *((color.hex, color.name.capitalize()) for color in ROLE_COLORS)],
    )
    redirect_uri = forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)

    def clean_account(self) -> str:
        value = str(self.cleaned_data["account"]).strip()
        if not _ACCOUNT.fullmatch(value):
            raise forms.ValidationError("Enter a 12-digit account ID or an account alias.")
        return value

    def clean_roleName(self) -> str:
        value = str(self.cleaned_data["roleName"]).strip().strip("/")
        if not _ROLE_NAME.fullmatch(value) or "//" in value:
            raise forms.ValidationError("Enter the role name, with its path if it has one (at most 64 characters).")
        return value

    @classmethod
    def initial_from(cls, query: Any) -> dict[str, str]:
        """The form's values from a custom switch-role URL; a colour outside the palette is ignored."""
        return {
            "account": str(query.get("account", ""))[:63],
            "roleName": str(query.get("roleName", ""))[:64],
            "displayName": str(query.get("displayName", ""))[:64],
            "color": palette_hex(query.get("color")),
            "redirect_uri": str(query.get("redirect_uri", ""))[:2048],
        }
