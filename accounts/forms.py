"""Console forms of the accounts app (shape only: the services check the rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms

from iamconsole.domain import ascii_digits


class RootSignInForm(forms.Form):
    """The root user's sign-in: email and password."""

    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class UserSignInForm(forms.Form):
    """An IAM user's sign-in on its account's page: user name and password."""

    user_name = forms.CharField(
        max_length=64, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ChangePasswordForm(forms.Form):
    """A new password chosen at sign-in (reset required or expired); the policy is checked by ChangePassword."""

    old_password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    confirm_password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean()
        if data and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", "The passwords do not match.")
        return data


class MfaCodeForm(forms.Form):
    """The MFA step of sign-in: which device (asked only when the principal has several) and its 6-digit code."""

    serial_number = forms.ChoiceField(label="MFA device")
    token_code = forms.CharField(
        label="MFA code",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "maxlength": "6",
            }
        ),
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, devices: Sequence[str]) -> None:
        super().__init__(data)
        field = cast(forms.ChoiceField, self.fields["serial_number"])
        field.choices = [(serial, serial) for serial in devices]
        field.initial = devices[0] if devices else None
        if len(devices) == 1:
            field.widget = forms.HiddenInput()

    def clean_token_code(self) -> str:
        code = str(self.cleaned_data["token_code"]).strip()
        if not ascii_digits(code):
            raise forms.ValidationError("Enter the 6 digits your MFA device shows.")
        return code
