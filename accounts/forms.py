"""Console forms of the accounts app (shape only: the services check the rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms

from iamconsole.console_forms import EditForm
from iamconsole.domain import ascii_digits
from iamconsole.form_fields import ACCOUNT_ALIAS


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
        label="IAM user name",
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    remember = forms.BooleanField(label="Remember this account", required=False)


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


class SignInChoiceForm(forms.Form):
    """The generic sign-in page's IAM-user branch: which account to sign in to (then its own page)."""

    account = forms.CharField(
        label="Account ID (12 digits) or account alias",
        max_length=63,
        widget=forms.TextInput(attrs={"autocomplete": "organization", "spellcheck": "false"}),
    )

    def clean_account(self) -> str:
        value = str(self.cleaned_data["account"]).strip()
        if not value or "/" in value:
            raise forms.ValidationError("Enter an account ID or alias.")
        return value


class AccountAliasForm(EditForm):
    """The dashboard's alias dialog; CreateAccountAlias checks AWS's rules (3–63 characters, a-z, 0-9, hyphens)."""

    account_alias = forms.CharField(
        label="Account alias",
        max_length=63,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "pattern": ACCOUNT_ALIAS}),
        help_text="3 to 63 lowercase letters, digits and hyphens; not starting or ending with a hyphen.",
    )


class PasswordPolicyForm(EditForm):
    """The custom password policy, with AWS's bounds (UpdateAccountPasswordPolicy checks them again)."""

    POLICY_CHOICES = (("default", "IAM default"), ("custom", "Custom"))

    policy = forms.ChoiceField(choices=POLICY_CHOICES, widget=forms.RadioSelect, initial="default")
    minimum_password_length = forms.IntegerField(
        label="Password minimum length", min_value=6, max_value=128, initial=8, required=False
    )
    require_uppercase_characters = forms.BooleanField(
        label="Require at least one uppercase letter from the Latin alphabet (A–Z)", required=False
    )
    require_lowercase_characters = forms.BooleanField(
        label="Require at least one lowercase letter from the Latin alphabet (a–z)", required=False
    )
    require_numbers = forms.BooleanField(label="Require at least one number", required=False)
    require_symbols = forms.BooleanField(
        label="Require at least one non-alphanumeric character ( ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ' )",
        required=False,
    )
    expire_passwords = forms.BooleanField(label="Turn on password expiration", required=False)
    max_password_age = forms.IntegerField(
        label="Expire passwords after (days)", min_value=1, max_value=1095, initial=90, required=False
    )
    hard_expiry = forms.BooleanField(label="Password expiration requires administrator reset", required=False)
    allow_users_to_change_password = forms.BooleanField(
        label="Allow users to change their own password", required=False
    )
    prevent_reuse = forms.BooleanField(label="Prevent password reuse", required=False)
    password_reuse_prevention = forms.IntegerField(
        label="Remember this many previous passwords", min_value=1, max_value=24, initial=5, required=False
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if not data or data.get("policy") != "custom":
            return data
        if data.get("minimum_password_length") is None and "minimum_password_length" not in self.errors:
            self.add_error("minimum_password_length", "Enter a length from 6 to 128.")
        if (
            data.get("expire_passwords")
            and data.get("max_password_age") is None
            and "max_password_age" not in self.errors
        ):
            self.add_error("max_password_age", "Enter a number of days from 1 to 1095.")
        if (
            data.get("prevent_reuse")
            and data.get("password_reuse_prevention") is None
            and "password_reuse_prevention" not in self.errors
        ):
            self.add_error("password_reuse_prevention", "Enter a number of passwords from 1 to 24.")
        return data

    def operation_params(self) -> dict[str, Any]:
        """UpdateAccountPasswordPolicy's parameters for the custom policy."""
        data = self.cleaned_data
        params: dict[str, Any] = {
            "minimum_password_length": data["minimum_password_length"],
            "require_symbols": data["require_symbols"],
            "require_numbers": data["require_numbers"],
            "require_uppercase_characters": data["require_uppercase_characters"],
            "require_lowercase_characters": data["require_lowercase_characters"],
            "allow_users_to_change_password": data["allow_users_to_change_password"],
        }
        if data["expire_passwords"]:
            params["max_password_age"] = data["max_password_age"]
            params["hard_expiry"] = data["hard_expiry"]
        if data["prevent_reuse"]:
            params["password_reuse_prevention"] = data["password_reuse_prevention"]
        return params


class StsPreferencesForm(forms.Form):
    """Where session tokens from STS's global endpoint are valid (SetSecurityTokenServicePreferences)."""

    TOKEN_CHOICES = (
        ("v1Token", "Valid only in AWS Regions enabled by default"),
        ("v2Token", "Valid in all AWS Regions"),
    )

    global_endpoint_token_version = forms.ChoiceField(
        label="Global endpoint token validity", choices=TOKEN_CHOICES, widget=forms.RadioSelect
    )
