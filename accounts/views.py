"""Console pages of the accounts app: sign-in, sign-out, and the dashboard."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import ChangePasswordForm, MfaCodeForm, RootSignInForm, UserSignInForm
from iamconsole import authentication, console, operations, web
from iamconsole.actors import Actor, Source
from iamconsole.errors import AccessDenied, IamError
from iamconsole.middleware import SignedInRequest, signin_required


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Root user sign-in with email and password (throttled after repeated failures)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = RootSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client_ip = web.client_ip(request)
        email = form.cleaned_data["email"]
        if authentication.signin_throttled(client_ip=client_ip, email=email):
            form.add_error(None, "Too many failed sign-in attempts. Wait a few minutes and try again.")
            status = 429
        else:
            actor = authentication.authenticate_root_password(
                email=email, password=form.cleaned_data["password"], client_ip=client_ip
            )
            if actor is None:
                form.add_error(None, INCORRECT_MESSAGE)
                status = 401
            else:
                return _password_accepted(request, actor, must_change_password=False, next_url=next_url)
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/signin.html", {"form": form, "next": next_url}, status=status)


#: The session key of an IAM user who signed in but must choose a new password before using the console.
PENDING_PASSWORD_CHANGE_KEY = "iam_pending_password_change"
#: The session key of a principal whose password was right and whose MFA code is still to come (not signed in yet).
PENDING_MFA_KEY = "iam_pending_mfa"
#: How long the MFA step waits for its code before sign-in starts over with the password.
MFA_STEP_SECONDS = 5 * 60
#: One message for every wrong credential, password or code: it never says which one was wrong.
INCORRECT_MESSAGE = "Your authentication information is incorrect. Please try again."


def _password_accepted(
    request: HttpRequest, actor: Actor, *, must_change_password: bool, next_url: str
) -> HttpResponseRedirect:
    """After a right password: the MFA step when the principal has a device, else the rest of the sign-in."""
    request.session.cycle_key()
    data = authentication.console_session_data(actor)
    if authentication.console_mfa_devices(actor):
        request.session[PENDING_MFA_KEY] = {
            "principal": data,
            "must_change_password": must_change_password,
            "next": next_url,
            "since": time.time(),
        }
        return HttpResponseRedirect(reverse("accounts:signin-mfa"))
    return _signed_in(request, data, must_change_password=must_change_password, next_url=next_url)


def _signed_in(
    request: HttpRequest, data: dict[str, Any], *, must_change_password: bool, next_url: str
) -> HttpResponseRedirect:
    """Open the console session, unless a new password must be chosen first."""
    if must_change_password:
        request.session[PENDING_PASSWORD_CHANGE_KEY] = data
        return HttpResponseRedirect(reverse("accounts:signin-change-password"))
    request.session[authentication.SESSION_KEY] = data
    return HttpResponseRedirect(next_url or reverse("accounts:dashboard"))


@require_http_methods(["GET", "POST"])
@never_cache
def signin_mfa(request: HttpRequest) -> HttpResponse:
    """The MFA code asked after a right password when the root user or the IAM user has an MFA device.

    The pending sign-in is not a console session: nothing but this page is reachable until a valid code of one of the
    principal's devices is entered (within five minutes of the password; after that, sign-in starts over).
    """
    pending = request.session.get(PENDING_MFA_KEY)
    actor = None
    if isinstance(pending, dict) and time.time() - float(pending.get("since", 0)) <= MFA_STEP_SECONDS:
        actor = authentication.actor_from_console_session(pending.get("principal"))
    devices = authentication.console_mfa_devices(actor) if actor is not None else []
    if actor is None or not isinstance(pending, dict) or not devices:
        request.session.pop(PENDING_MFA_KEY, None)
        return HttpResponseRedirect(reverse("accounts:signin"))
    form = MfaCodeForm(request.POST or None, devices=devices)
    status = 200
    if request.method == "POST" and form.is_valid():
        verified = authentication.verify_console_mfa(
            actor, serial_number=form.cleaned_data["serial_number"], token_code=form.cleaned_data["token_code"]
        )
        if verified is None:
            form.add_error(None, INCORRECT_MESSAGE)
            status = 401
        else:
            request.session.pop(PENDING_MFA_KEY)
            request.session.cycle_key()
            return _signed_in(
                request,
                authentication.console_session_data(verified),
                must_change_password=bool(pending.get("must_change_password")),
                next_url=str(pending.get("next") or ""),
            )
    elif request.method == "POST":
        status = 400
    context = {"form": form, "principal": actor, "several": len(devices) > 1}
    return render(request, "accounts/signin_mfa.html", context, status=status)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) else ""


@require_http_methods(["GET", "POST"])
def user_signin(request: HttpRequest, account: str) -> HttpResponse:
    """An IAM user's sign-in on its account's page (``/signin/<account id or alias>``), throttled like root's.

    A password that must be reset, or that expired, leads to the change-password page before any console session.
    """
    next_url = _safe_next(request)
    form = UserSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client_ip = web.client_ip(request)
        user_name = form.cleaned_data["user_name"]
        identifier = authentication.user_signin_identifier(account, user_name)
        if authentication.signin_throttled(client_ip=client_ip, email=identifier):
            form.add_error(None, "Too many failed sign-in attempts. Wait a few minutes and try again.")
            status = 429
        else:
            signin = authentication.authenticate_user_password(
                account=account, user_name=user_name, password=form.cleaned_data["password"], client_ip=client_ip
            )
            if signin is None:
                form.add_error(None, INCORRECT_MESSAGE)
                status = 401
            elif signin.hard_expired:
                form.add_error(None, "Your password has expired. Ask your administrator to reset it.")
                status = 403
            else:
                return _password_accepted(
                    request, signin.actor, must_change_password=signin.must_change_password, next_url=next_url
                )
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": next_url, "account": account}
    return render(request, "accounts/user_signin.html", context, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def signin_change_password(request: HttpRequest) -> HttpResponse:
    """The new password an IAM user must choose at sign-in; ChangePassword checks the old one and the policy."""
    actor = authentication.actor_from_console_session(request.session.get(PENDING_PASSWORD_CHANGE_KEY))
    if actor is None:
        return HttpResponseRedirect(reverse("accounts:signin"))
    form = ChangePasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        params = {key: form.cleaned_data[key] for key in ("old_password", "new_password")}
        try:
            operations.run(actor, "ChangePassword", params, request=web.request_context(request, Source.CONSOLE))
        except IamError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.http_status
        else:
            data = request.session.pop(PENDING_PASSWORD_CHANGE_KEY)
            request.session.cycle_key()
            request.session[authentication.SESSION_KEY] = data
            return HttpResponseRedirect(reverse("accounts:dashboard"))
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/change_password.html", {"form": form, "principal": actor}, status=status)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """End the console session."""
    request.session.flush()
    return HttpResponseRedirect(reverse("accounts:signin"))


@require_GET
@signin_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    """The console home: which account and principal is signed in."""
    try:
        aliases = console.run(request, "ListAccountAliases")
    except AccessDenied:  # an IAM user without iam:ListAccountAliases still gets its dashboard
        aliases = []
    return render(request, "accounts/dashboard.html", {"aliases": aliases})
