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
