"""Console forms of the accounts app (shape only: the services check the rules)."""

from __future__ import annotations

from django import forms


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
