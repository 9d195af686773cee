"""Federated sign-in to the console: SAML (``/saml``) and the custom identity broker (``/federation``).

- ``POST /saml`` takes an IdP-initiated SAML response (``SAMLResponse``, as AWS's ``signin.aws.amazon.com/saml``
  does). With one role it signs straight in; with several it shows a chooser, which posts the same response back with
  the chosen role. The console session is the role session AssumeRoleWithSAML issues (``operations.run``), so it ends
  with those credentials. The endpoint is CSRF-exempt as an IdP's cross-site POST must be: the signed, single-use
  assertion is the proof.
- ``GET /federation?Action=getSigninToken&Session=JSON`` turns temporary credentials (``sessionId``, ``sessionKey``,
  ``sessionToken``) into a sign-in token (``{"SigninToken": …}``): single use, valid 15 minutes; ``SessionDuration``
  (900–43,200 seconds) bounds the console session; it may be POSTed as a form too.
  ``GET /federation?Action=login&Issuer=…&Destination=…&SigninToken=…`` redeems it and sends the browser to
  ``Destination``, which must be a page of this console.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from iamconsole import authentication, operations, web
from iamconsole.actors import Actor, ActorKind, Source
from iamconsole.errors import IamError
from iamconsole.middleware import SignedInRequest, signin_required
from sts.forms import SwitchRoleForm

#: Longest ``SAMLResponse`` accepted (botocore's limit for ``SAMLAssertion``).
MAX_SAML_RESPONSE = 100_000
MIN_CONSOLE_SECONDS = 900
MAX_CONSOLE_SECONDS = 43_200


def _failure(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "sts/federation_error.html", {"title": title, "message": message}, status=status)


def _open_console_session(request: HttpRequest, data: dict[str, Any]) -> None:
    request.session.flush()  # whoever was signed in before, and a fixed session id, are gone
    request.session[authentication.SESSION_KEY] = data


@csrf_exempt
@require_POST
@never_cache
def saml_signin(request: HttpRequest) -> HttpResponse:
    """``/saml``: sign in with an IdP's SAML response, choosing a role when it offers several."""
    response = request.POST.get("SAMLResponse", "")
    if not response or len(response) > MAX_SAML_RESPONSE:
        return _failure(request, "Sign-in failed", "The request carries no SAML response.", 400)
    now = datetime.now(UTC)
    try:
        roles = authentication.saml_signin_roles(response, now=now)
    except IamError as error:
        return _failure(request, "Sign-in failed", f"{error.code}: {error.message}", error.http_status)
    chosen = request.POST.get("role")
    if len(roles) > 1 and chosen is None:
        choices = [{"value": f"{pair.role_arn},{pair.provider_arn}", "role_arn": pair.role_arn} for pair in roles]
        return render(request, "sts/saml_roles.html", {"choices": choices, "saml_response": response})
    pair = roles[0] if chosen is None else next((p for p in roles if f"{p.role_arn},{p.provider_arn}" == chosen), None)
    if pair is None:
        return _failure(request, "Sign-in failed", "Choose one of the roles the identity provider offered.", 400)
    params = {"role_arn": pair.role_arn, "principal_arn": pair.provider_arn, "saml_assertion": response}
    try:
        result = operations.run(
            Actor.anonymous(), "AssumeRoleWithSAML", params, request=web.request_context(request, Source.CONSOLE)
        )
        credentials = result.assumed.credentials
        actor = authentication.federation_session_actor(
            access_key_id=credentials.access_key_id,
            secret_access_key=credentials.secret_access_key,
            session_token=credentials.session_token,
        )
    except IamError as error:
        return _failure(request, "Sign-in failed", f"{error.code}: {error.message}", error.http_status)
    _open_console_session(request, authentication.console_session_data(actor))
    return HttpResponseRedirect(reverse("accounts:dashboard"))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def federation(request: HttpRequest) -> HttpResponse:
    """``/federation``: the custom identity broker's two actions. getSigninToken may also be POSTed (form-encoded),
    which keeps the credentials out of URLs and access logs; it uses no cookie, so it needs no CSRF token. login is a
    browser's GET."""
    action = request.GET.get("Action") or request.POST.get("Action")
    if action == "getSigninToken":
        return _get_signin_token(request.POST if request.method == "POST" else request.GET)
    if action == "login" and request.method == "GET":
        return _login(request)
    return JsonResponse({"Error": "Action must be getSigninToken (GET or POST) or login (GET)."}, status=400)


def _console_seconds(form: QueryDict) -> int | None:
    text = form.get("SessionDuration")
    if text is None:
        return None
    if not text.isdigit() or not MIN_CONSOLE_SECONDS <= int(text) <= MAX_CONSOLE_SECONDS:
        raise ValueError(f"SessionDuration must be {MIN_CONSOLE_SECONDS}-{MAX_CONSOLE_SECONDS} seconds.")
    return int(text)


def _get_signin_token(form: QueryDict) -> HttpResponse:
    try:
        session = json.loads(form.get("Session", ""))
        if not isinstance(session, dict):
            raise ValueError
        fields = [session.get(name) for name in ("sessionId", "sessionKey", "sessionToken")]
        key_id, secret, token = (value if isinstance(value, str) and value else "" for value in fields)
        if not (key_id and secret and token):
            raise ValueError
        console_seconds = _console_seconds(form)
    except ValueError as error:
        detail = str(error) or "Session must be JSON with sessionId, sessionKey and sessionToken."
        return JsonResponse({"Error": detail}, status=400)
    try:
        actor = authentication.federation_session_actor(
            access_key_id=key_id, secret_access_key=secret, session_token=token
        )
    except IamError as error:
        return JsonResponse({"Error": f"{error.code}: {error.message}"}, status=error.http_status)
    return JsonResponse({"SigninToken": authentication.issue_signin_token(actor, console_seconds=console_seconds)})


def _console_destination(request: HttpRequest, destination: str) -> str | None:
    """``Destination`` when it is a page of this console (absolute under ``IAM_CONSOLE_URL`` or this host), else
    None: the broker never sends a browser elsewhere."""
    console = urlsplit(settings.IAM_CONSOLE_URL)
    hosts = {request.get_host(), console.netloc}
    if not destination or not url_has_allowed_host_and_scheme(destination, allowed_hosts=hosts):
        return None
    parts = urlsplit(destination)
    if not parts.path.startswith("/") or parts.path.startswith(("/federation", "/aws", "/api/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _login(request: HttpRequest) -> HttpResponse:
    destination = _console_destination(request, request.GET.get("Destination", ""))
    if destination is None:
        return _failure(request, "Sign-in failed", "Destination must be a page of this console.", 400)
    data = authentication.redeem_signin_token(request.GET.get("SigninToken", ""))
    if data is None or authentication.actor_from_console_session(data) is None:
        return _failure(request, "Sign-in failed", "The sign-in token is invalid, expired or already used.", 400)
    # ``Issuer`` (the broker's own URL) is accepted as AWS's clients send it; iamconsole does not link back to it.
    _open_console_session(request, data)
    return HttpResponseRedirect(destination)


# --- switch role ---------------------------------------------------------------------------------------------------

#: One message for every refusal (unknown account or role, no permission, a trust policy that says no, an external
#: ID the console cannot give): it never says which. The audit trail records the real reason.
SWITCH_ROLE_FAILED = (
    "The role could not be switched to. Check the account, the role name and your permissions, "
    "or ask your administrator."
)


def _redirect_target(request: HttpRequest, uri: str) -> str:
    """``redirect_uri`` when it is a path of this console, else the dashboard: never another host."""
    default = reverse("accounts:dashboard")
    if not uri or not url_has_allowed_host_and_scheme(uri, allowed_hosts={request.get_host()}):
        return default
    parts = urlsplit(uri)
    if not parts.path.startswith("/") or parts.path.startswith(("//", "/aws", "/api/", "/federation", "/saml")):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _session_name(user: Actor) -> str:
    # AWS's console names the session after the user; RoleSessionName needs at least two characters.
    return user.name if len(user.name) >= 2 else f"{user.name}-console"


def _assume(request: SignedInRequest, form: SwitchRoleForm) -> dict[str, Any] | None:
    """Assume the role as the signed-in user (never as a role already switched to): the switched-session data, or
    None on any refusal."""
    user = request.signed_in_actor
    data = form.cleaned_data
    role_arn = authentication.switch_role_arn(data["account"], data["roleName"])
    signed_in = request.session.get(authentication.SESSION_KEY) or {}
    left = authentication.signin_seconds_left(signed_in, lifetime=settings.SESSION_COOKIE_AGE)
    if role_arn is None or left <= 0:
        return None
    duration = max(authentication.MIN_ROLE_SECONDS, min(authentication.SWITCH_ROLE_SECONDS, left))
    params = {"role_arn": role_arn, "role_session_name": _session_name(user), "duration_seconds": duration}
    shown = authentication.SwitchedRole(
        account=data["account"],
        role_name=data["roleName"],
        display_name=data["displayName"] or data["roleName"].rpartition("/")[2],
        color=data["color"],
    )
    try:
        result = operations.run(user, "AssumeRole", params, request=web.request_context(request, Source.CONSOLE))
        credentials = result.credentials
        switched = authentication.switched_session_data(
            access_key_id=credentials.access_key_id,
            secret_access_key=credentials.secret_access_key,
            session_token=credentials.session_token,
            # The console session ends with the user's sign-in, even when AssumeRole's shortest session is longer.
            console_until=datetime.now(UTC).timestamp() + min(duration, left),
            shown=shown,
        )
    except IamError:
        return None
    authentication.remember_switched_role(user, shown)
    return switched


@require_http_methods(["GET", "POST"])
@signin_required
def switch_role(request: SignedInRequest) -> HttpResponse:
    """``/switchrole``: the form, prefilled from a custom switch-role URL; POST switches and goes to ``redirect_uri``
    when it is a page of this console."""
    user = request.signed_in_actor
    template = "sts/switchrole.html"
    if user.kind is not ActorKind.USER:
        # Only IAM users switch: AWS refuses the root user, and a federated session would be chaining.
        status = 403 if request.method == "POST" else 200
        return render(request, template, {"form": None, "can_switch": False}, status=status)
    if request.method == "GET":
        form = SwitchRoleForm(initial=SwitchRoleForm.initial_from(request.GET))
        return render(request, template, {"form": form, "can_switch": True})
    form = SwitchRoleForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form, "can_switch": True}, status=400)
    switched = _assume(request, form)
    if switched is None:
        form.add_error(None, SWITCH_ROLE_FAILED)
        return render(request, template, {"form": form, "can_switch": True}, status=403)
    request.session[authentication.SWITCHED_KEY] = switched
    request.session.cycle_key()
    return HttpResponseRedirect(_redirect_target(request, form.cleaned_data["redirect_uri"]))


@require_POST
@signin_required
def switch_back(request: SignedInRequest) -> HttpResponse:
    """Leave the role: the console acts as the signed-in user again."""
    if request.session.pop(authentication.SWITCHED_KEY, None) is not None:
        messages.success(request, f"You are back to {request.signed_in_actor.name}.")
    return HttpResponseRedirect(reverse("accounts:dashboard"))


# --- the outbound federation issuer --------------------------------------------------------------------------------


def _issuer_document(request: HttpRequest, issuer_id: str, member: str) -> HttpResponse:
    try:
        documents = operations.run(
            Actor.anonymous(),
            "GetOutboundIssuerDocuments",
            {"issuer_id": str(issuer_id)},
            request=web.request_context(request, Source.API),
        )
    except IamError as error:
        return JsonResponse({"error": error.code, "message": error.message}, status=error.http_status)
    response = JsonResponse(getattr(documents, member))
    # Relying parties cache the keys; a short lifetime lets a new key show up soon.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_http_methods(["GET", "HEAD"])
def outbound_openid_configuration(request: HttpRequest, issuer_id: str) -> HttpResponse:
    """``/outbound/ID/.well-known/openid-configuration``: the issuer's OpenID discovery document."""
    return _issuer_document(request, issuer_id, "configuration")


@require_http_methods(["GET", "HEAD"])
def outbound_jwks(request: HttpRequest, issuer_id: str) -> HttpResponse:
    """``/outbound/ID/.well-known/jwks.json``: the public keys GetWebIdentityToken's JWTs are signed with."""
    return _issuer_document(request, issuer_id, "jwks")
