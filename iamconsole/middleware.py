"""Console middleware: ``request.actor`` from the console session, its request types, and the template context.

Views annotate their request as :class:`ConsoleRequest` (``actor`` may be None: sign-in pages) or, behind
:func:`signin_required`, as :class:`SignedInRequest` (``actor`` is set), so the type checker knows what they hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec, cast

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from iamconsole import authentication, web
from iamconsole.actors import Actor, ActorKind

P = ParamSpec("P")


class ConsoleRequest(HttpRequest):
    """A console request: htmx details (django-htmx) and the signed-in actor, None when signed out."""

    htmx: HtmxDetails
    actor: Actor | None


class SignedInRequest(ConsoleRequest):
    """A console request that :func:`signin_required` let through: its actor is set."""

    actor: Actor


class TrustedProxyMiddleware:
    """Forget ``X-Forwarded-Proto`` unless a listed proxy sent it, before anything asks ``request.is_secure()``.

    ``SECURE_PROXY_SSL_HEADER`` (set when ``IAM_TRUSTED_PROXIES`` lists proxies) would otherwise believe any client.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not web.from_trusted_proxy(request):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


class ConsoleActorMiddleware:
    """Resolve the console session to an actor on every request (None when signed out or no longer valid); responses
    to signed-in requests are marked ``Cache-Control: no-store``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        data = request.session.get(authentication.SESSION_KEY) if hasattr(request, "session") else None
        actor = authentication.actor_from_console_session(data) if data else None
        if data and actor is None:
            request.session.flush()  # the account or user is gone: the session no longer stands
        request.actor = actor  # type: ignore[attr-defined]
        response = self.get_response(request)
        if actor is not None:
            # A signed-in page shows the account's data: no browser or proxy may keep it (Back after sign-out).
            add_never_cache_headers(response)
        return response


def signin_required(
    view: Callable[Concatenate[SignedInRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Send signed-out visitors to the sign-in page, then back to where they were going."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if getattr(request, "actor", None) is None:
            target = request.get_full_path()
            url = reverse("accounts:signin")
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                url += f"?next={target}"
            return HttpResponseRedirect(url)
        return view(cast(SignedInRequest, request), *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


@dataclass(frozen=True, slots=True)
class Identity:
    """What the identity menu shows: ``name @ account alias or id``, and what the menu offers this principal."""

    name: str
    account_id: str
    account_label: str
    #: The root user cannot switch roles (AWS refuses root credentials for sts:AssumeRole).
    can_switch_role: bool


def identity(actor: Actor) -> Identity:
    name = "root" if actor.kind is ActorKind.ROOT else actor.name or actor.arn
    return Identity(
        name=name,
        account_id=actor.account_id,
        account_label=authentication.account_alias(actor) or actor.account_id,
        can_switch_role=actor.kind is ActorKind.USER,
    )


def console_context(request: HttpRequest) -> dict[str, Any]:
    """The signed-in principal for the page header, and its identity menu (computed only when a page shows it)."""
    actor: Actor | None = getattr(request, "actor", None)
    return {
        "actor": actor,
        "identity": SimpleLazyObject(lambda: identity(actor)) if actor else None,
        # The left navigation marks the section of the page: /groups/admins is in "groups".
        "nav_section": request.path.strip("/").split("/")[0],
    }
