"""Console form fields that carry AWS's limits as HTML constraints (``maxlength``, ``pattern``, ``min``/``max``), so
the browser refuses a value IAM would refuse before the form is sent. The operations still judge every value: these
are a convenience, never the rule.

The patterns are ``iamconsole.domain``'s, written for the HTML ``pattern`` attribute: the browser compiles it as a
whole-value JavaScript regular expression with the ``v`` flag, where ``\\w`` is ASCII as in ``re.ASCII`` and ``-``
and ``/`` are escaped inside a class."""

from __future__ import annotations

from typing import Any

from django import forms

from iamconsole import domain

#: User, group, role, policy and instance profile names: ``[\w+=,.@-]+``.
NAME = r"[\w+=,.@\-]+"
#: A path: ``/`` alone, or printable ASCII between two slashes.
PATH = r"\/|\/[!-~]+\/"
#: A tag key: letters, spaces, digits and ``_.:/=+-@`` in any script, not beginning with ``aws:`` (in any case).
TAG_KEY = r"(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:\/=+\-@]+"
#: A tag value: the same characters, possibly none.
TAG_VALUE = r"[\p{L}\p{Z}\p{N}_.:\/=+\-@]*"
#: A SAML provider's name: ``[\w._-]+``.
SAML_PROVIDER_NAME = r"[\w.\-]+"
#: An OpenID Connect provider's URL: ``https://`` then a host (no port) and an optional path.
OIDC_URL = r"https:\/\/[^\s:\/]+(\/\S*)?"
#: A 12-digit account ID.
ACCOUNT_ID = r"[0-9]{12}"
#: An external ID a role's trust policy requires: 2-1224 characters of ``[\w+=,.@:/-]``.
EXTERNAL_ID = r"[\w+=,.@:\/\-]{2,1224}"
#: A role name with its path, as the switch-role form takes it (``team/deploy``): 64 characters at most.
ROLE_NAME_WITH_PATH = r"[\w+=,.@\/\-]{1,64}"
#: What identifies an account at sign-in and switch role: a 12-digit ID or an alias (3-63 characters).
ACCOUNT_ID_OR_ALIAS = r"[0-9]{12}|[a-z0-9]([a-z0-9\-]{1,61}[a-z0-9])?"
#: An account alias: 3-63 lowercase letters, digits and single hyphens, not at either end, not 12 digits.
ACCOUNT_ALIAS = r"(?![0-9]{12}$)(?!-)(?!.*--)[a-z0-9\-]{3,63}(?<!-)"

#: What the templates' hand-written inputs read (``iamconsole.form_fields.html_limits`` puts it in every context).
LIMITS = {
    "name_pattern": NAME,
    "tag_key_pattern": TAG_KEY,
    "tag_value_pattern": TAG_VALUE,
    "tag_key_max": domain.TAG_KEY_MAX,
    "tag_value_max": domain.TAG_VALUE_MAX,
}


def html_limits(request: Any) -> dict[str, Any]:
    """Context processor: ``limits`` for inputs written by hand in templates (tag rows)."""
    return {"limits": LIMITS}


def _text(max_length: int, pattern: str | None, attrs: dict[str, Any] | None, **kwargs: Any) -> forms.CharField:
    widget_attrs = {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
    if pattern is not None:
        widget_attrs["pattern"] = pattern
    return forms.CharField(max_length=max_length, widget=forms.TextInput(attrs=widget_attrs), **kwargs)


def name_field(max_length: int, *, attrs: dict[str, Any] | None = None, **kwargs: Any) -> forms.CharField:
    """An IAM name of at most ``max_length`` characters (user 64, role 64, group 128, policy 128)."""
    return _text(max_length, NAME, attrs, **kwargs)


def path_field(**kwargs: Any) -> forms.CharField:
    """An IAM path (1-512 characters, starting and ending with ``/``); ``/`` when left empty."""
    return _text(domain.PATH_MAX, PATH, None, initial="/", required=False, **kwargs)


def tag_key_field(**kwargs: Any) -> forms.CharField:
    return _text(domain.TAG_KEY_MAX, TAG_KEY, None, **kwargs)


def tag_value_field(**kwargs: Any) -> forms.CharField:
    return _text(domain.TAG_VALUE_MAX, TAG_VALUE, None, required=False, strip=False, **kwargs)


def text_field(max_length: int, pattern: str | None = None, **kwargs: Any) -> forms.CharField:
    """Any other bounded text: ``max_length`` and, if given, ``pattern``."""
    return _text(max_length, pattern, kwargs.pop("attrs", None), **kwargs)
