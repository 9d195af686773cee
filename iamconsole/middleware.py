"""Console middleware: ``request.actor`` from the console session, its request types, and the template context.

Views annotate their request as :class:`ConsoleRequest` (``actor`` may be None: sign-in pages) or, behind
:func:`signin_required`, as :class:`SignedInRequest` (``actor`` is set), so the type checker knows what they hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib import messages
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
    """A console request that :func:`signin_required` let through: its actor is set.

    ``signed_in_actor`` is who signed in; ``actor`` is the same principal, or the role session while the user has
    switched to a role (``switched_role`` then says how the top bar shows it).
    """

    actor: Actor
    signed_in_actor: Actor
    switched_role: authentication.SwitchedRole | None


@dataclass(frozen=True, slots=True)
class RoleColor:
    """A colour of the Switch role palette: its name (the CSS class ``role-color-NAME``) and the hex it is stored as."""

    name: str
    hex: str


#: The Switch role palette. A custom URL's ``color`` is matched against these (and the hex AWS's older console used
#: for the same five), any other value is ignored: the CSP allows no inline style, so only palette colours can show.
ROLE_COLORS = (
    RoleColor("red", "f2b0a9"),
    RoleColor("orange", "fbc8aa"),
    RoleColor("yellow", "efda95"),
    RoleColor("green", "b7ca9d"),
    RoleColor("blue", "83d4e8"),
)
_OLDER_HEX = {"fbbf93": "fbc8aa", "fad791": "efda95", "99bce3": "83d4e8"}


def palette_hex(value: str | None) -> str:
    """The palette hex a ``color`` value stands for (case-insensitive), or "" for anything else."""
    text = (value or "").strip().lower().removeprefix("#")
    text = _OLDER_HEX.get(text, text)
    return text if any(color.hex == text for color in ROLE_COLORS) else ""


def color_name(hex_value: str) -> str:
    return next((color.name for color in ROLE_COLORS if color.hex == hex_value), "")


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
        # The signed-in principal itself; ``actor`` becomes the role session while the user has switched to a role.
        request.signed_in_actor = actor  # type: ignore[attr-defined]
        request.switched_role = None  # type: ignore[attr-defined]
        if actor is not None and actor.kind is ActorKind.USER and authentication.SWITCHED_KEY in request.session:
            switched = authentication.switched_role(request.session[authentication.SWITCHED_KEY])
            if switched is None:
                # The role session ended (its hour, the user's sign-in, or a revocation): back to the user's own.
                del request.session[authentication.SWITCHED_KEY]
                messages.info(request, f"Your role session has ended: you are back to {actor.name}.")
            else:
                actor, request.switched_role = switched  # type: ignore[attr-defined]
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
class RecentRole:
    """A role of the identity menu's history, with its colour's CSS name."""

    account: str
    role_name: str
    display_name: str
    color: str
    color_name: str


@dataclass(frozen=True, slots=True)
class Identity:
    """What the identity menu shows: ``name @ account alias or id``, and what the menu offers this principal."""

    name: str
    account_id: str
    account_label: str
    #: The root user cannot switch roles (AWS refuses root credentials for sts:AssumeRole).
    can_switch_role: bool
    #: While switched: the display name shown in the top bar, on the colour ``color_name`` (may be empty).
    switched: bool = False
    color_name: str = ""
    #: The signed-in user's own name, for Switch back.
    user_name: str = ""
    recent_roles: tuple[RecentRole, ...] = ()


def identity(
    actor: Actor, signed_in: Actor | None = None, switched: authentication.SwitchedRole | None = None
) -> Identity:
    signed_in = signed_in or actor
    name = "root" if actor.kind is ActorKind.ROOT else actor.name or actor.arn
    can_switch = signed_in.kind is ActorKind.USER
    recent = tuple(
        RecentRole(entry.account, entry.role_name, entry.display_name, entry.color, color_name(entry.color))
        for entry in (authentication.switch_role_history(signed_in) if can_switch else [])
    )
    return Identity(
        name=switched.display_name if switched else name,
        account_id=actor.account_id,
        account_label=authentication.account_alias(actor) or actor.account_id,
        can_switch_role=can_switch,
        switched=switched is not None,
        color_name=color_name(switched.color) if switched else "",
        user_name=signed_in.name,
        recent_roles=recent,
    )


def console_context(request: HttpRequest) -> dict[str, Any]:
    """The signed-in principal for the page header, and its identity menu (computed only when a page shows it)."""
    actor: Actor | None = getattr(request, "actor", None)
    signed_in: Actor | None = getattr(request, "signed_in_actor", None)
    switched: authentication.SwitchedRole | None = getattr(request, "switched_role", None)
    return {
        "actor": actor,
        "identity": SimpleLazyObject(lambda: identity(actor, signed_in, switched)) if actor else None,
        # The left navigation marks the section of the page: /groups/admins is in "groups".
        "nav_section": request.path.strip("/").split("/")[0],
    }
