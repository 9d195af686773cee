"""Console pages of the accounts app: sign-in, sign-out, and the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import RootSignInForm
from iamconsole import authentication, operations
from iamconsole.actors import RequestContext, Source
from iamconsole.middleware import signin_required


def console_request(request: HttpRequest) -> RequestContext:
    """The request context of a console request, for policies and the audit trail."""
    return RequestContext(
        source=Source.CONSOLE,
        source_ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        secure_transport=request.is_secure(),
    )


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Root user sign-in with email and password (throttled after repeated failures)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = RootSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client_ip = request.META.get("REMOTE_ADDR")
        email = form.cleaned_data["email"]
        if authentication.signin_throttled(client_ip=client_ip, email=email):
            form.add_error(None, "Too many failed sign-in attempts. Wait a few minutes and try again.")
            status = 429
        else:
            actor = authentication.authenticate_root_password(
                email=email, password=form.cleaned_data["password"], client_ip=client_ip
            )
            if actor is None:
                form.add_error(None, "Your authentication information is incorrect. Please try again.")
                status = 401
            else:
                request.session.cycle_key()
                request.session[authentication.SESSION_KEY] = authentication.console_session_data(actor)
                return HttpResponseRedirect(next_url or reverse("accounts:dashboard"))
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/signin.html", {"form": form, "next": next_url}, status=status)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """End the console session."""
    request.session.flush()
    return HttpResponseRedirect(reverse("accounts:signin"))


@require_GET
@signin_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The console home: which account and principal is signed in."""
    actor = request.actor  # type: ignore[attr-defined]
    aliases = operations.run(actor, "ListAccountAliases", request=console_request(request))
    return render(request, "accounts/dashboard.html", {"aliases": aliases})
