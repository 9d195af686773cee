"""Console pages of the accounts app: sign-in and sign-out, the dashboard, search, account settings and the
credential report."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import (
    AccountAliasForm,
    ChangePasswordForm,
    MfaCodeForm,
    PasswordPolicyForm,
    RootSignInForm,
    SignInChoiceForm,
    UserSignInForm,
)
from accounts.settings_views import sts_context
from iamconsole import authentication, console, operations, web
from iamconsole.actors import Actor, Source
from iamconsole.errors import AccessDenied, IamError, NoSuchEntity
from iamconsole.middleware import SignedInRequest, signin_required
from identities.awsapi.groups import group_shape
from identities.awsapi.roles import role_arn
from identities.awsapi.users import user_arn

#: The cookie that remembers the account (and user name) of an IAM user's sign-in, when asked to.
REMEMBER_COOKIE = "iam_signin_remember"
REMEMBER_SECONDS = 180 * 24 * 3600


def _remembered(request: HttpRequest) -> tuple[str, str]:
    """The account and user name the sign-in cookie remembers, or empty strings."""
    value = request.get_signed_cookie(REMEMBER_COOKIE, default="", salt=REMEMBER_COOKIE)
    account, _, user_name = str(value).partition("\n")
    return account, user_name


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """The generic sign-in page: the root user (email and password, throttled after repeated failures) or an IAM user
    (the account ID or alias first, then that account's own page ``/signin/<account>``)."""
    next_url = _safe_next(request)
    remembered_account, _ = _remembered(request)
    choice = SignInChoiceForm(request.GET if "account" in request.GET else None)
    if choice.is_bound and choice.is_valid():
        target = reverse("accounts:user-signin", args=[choice.cleaned_data["account"]])
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    form = RootSignInForm(request.POST or None)
    status = 400 if choice.is_bound else 200
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
    kind = request.GET.get("kind")
    if kind not in ("root", "iam"):
        kind = "iam" if choice.is_bound or (remembered_account and request.method == "GET") else "root"
    if not choice.is_bound:
        choice = SignInChoiceForm(initial={"account": remembered_account})
    context = {"form": form, "choice": choice, "next": next_url, "kind": kind}
    return render(request, "accounts/signin.html", context, status=status)


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
    remembered_account, remembered_user = _remembered(request)
    initial = {"user_name": remembered_user, "remember": True} if remembered_account == account else {}
    form = UserSignInForm(request.POST or None, initial=initial)
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
                response = _password_accepted(
                    request, signin.actor, must_change_password=signin.must_change_password, next_url=next_url
                )
                if form.cleaned_data["remember"]:
                    response.set_signed_cookie(
                        REMEMBER_COOKIE,
                        f"{account}\n{user_name}",
                        salt=REMEMBER_COOKIE,
                        max_age=REMEMBER_SECONDS,
                        httponly=True,
                        samesite="Lax",
                        secure=request.is_secure(),
                    )
                else:
                    response.delete_cookie(REMEMBER_COOKIE)
                return response
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
    messages.info(request, "You signed out.")
    return HttpResponseRedirect(reverse("accounts:signin"))


# --- the dashboard ------------------------------------------------------------------------------------------------

#: Access keys older than this are flagged for rotation on the dashboard.
KEY_ROTATION_DAYS = 90


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One item of the dashboard's security checklist: done or not, what it says, and where to fix it."""

    done: bool
    text: str
    url: str
    action: str


@dataclass(frozen=True, slots=True)
class ResourceCount:
    label: str
    count: int
    url: str


def _try(request: SignedInRequest, name: str, params: Mapping[str, Any] | None = None) -> tuple[Any, IamError | None]:
    """Run a read for one panel of a page: its result, or the error the panel shows in its place."""
    try:
        return console.run(request, name, params), None
    except IamError as error:
        return None, error


def _alias_context(request: SignedInRequest, form: AccountAliasForm | None = None) -> dict[str, Any]:
    aliases, alias_error = _try(request, "ListAccountAliases")
    alias = aliases[0] if aliases else None
    account_id = request.actor.account_id
    return {
        "account_id": account_id,
        "alias": alias,
        "alias_error": alias_error,
        "signin_url": f"{settings.IAM_CONSOLE_URL}{reverse('accounts:user-signin', args=[alias or account_id])}",
        "can_create_alias": console.can_run(request, "CreateAccountAlias", {"account_alias": alias or "alias"}),
        "can_delete_alias": alias is not None
        and console.can_run(request, "DeleteAccountAlias", {"account_alias": alias}),
        "alias_form": form or AccountAliasForm(initial={"account_alias": alias or ""}),
        "editing_alias": form is not None,
        "return_to": _page_path(request),
    }


def _page_path(request: SignedInRequest) -> str:
    """The page the browser shows (for htmx, the page the fragment sits in): where a dialog goes back to."""
    path = request.path
    if request.htmx and request.htmx.current_url_abs_path:
        path = request.htmx.current_url_abs_path
    return reverse("accounts:dashboard") if path.startswith(reverse("accounts:account-alias")) else path


def _recommendations(request: SignedInRequest, summary: Any) -> list[Recommendation]:
    items = []
    # Only the root user can fix the root user's credentials: others see the facts without a link.
    root_url = "/security-credentials" if request.actor.is_root else ""
    if summary is not None:
        items.append(
            Recommendation(
                done=bool(summary.account_mfa_enabled),
                text="The root user has MFA" if summary.account_mfa_enabled else "Add MFA for the root user",
                url=root_url,
                action="Add MFA",
            )
        )
        keys_present = bool(summary.account_access_keys_present)
        items.append(
            Recommendation(
                done=not keys_present,
                text="The root user has access keys: delete them and use IAM users or roles instead"
                if keys_present
                else "The root user has no access keys",
                url=root_url,
                action="Manage access keys",
            )
        )
    if not request.actor.is_root:
        devices, _ = _try(request, "ListMFADevices")
        if devices is not None:
            items.append(
                Recommendation(
                    done=bool(devices.items),
                    text="You have MFA" if devices.items else "Add MFA for yourself",
                    url="/security-credentials",
                    action="Add MFA",
                )
            )
    keys, _ = _try(request, "ListAccessKeys")
    if keys is not None:
        cutoff = timezone.now() - timedelta(days=KEY_ROTATION_DAYS)
        old = [key for key in keys.items if key.status == "Active" and key.created_at < cutoff]
        items.append(
            Recommendation(
                done=not old,
                text=f"Rotate your {len(old)} active access key(s) older than {KEY_ROTATION_DAYS} days"
                if old
                else f"None of your active access keys is older than {KEY_ROTATION_DAYS} days",
                url="/security-credentials",
                action="Rotate keys",
            )
        )
    return items


def _dashboard_context(request: SignedInRequest) -> dict[str, Any]:
    summary, summary_error = _try(request, "GetAccountSummary")
    counts = []
    if summary is not None:
        counts = [
            ResourceCount("User groups", summary.groups, reverse("identities:group-list")),
            ResourceCount("Users", summary.users, reverse("identities:user-list")),
            ResourceCount("Roles", summary.roles, "/roles"),
            ResourceCount("Customer managed policies", summary.policies, "/policies"),
            ResourceCount("Identity providers", summary.providers, "/identity-providers"),
        ]
    return {
        **_alias_context(request),
        "counts": counts,
        "summary_denied": summary_error if isinstance(summary_error, AccessDenied) else None,
        "summary_error": None if isinstance(summary_error, AccessDenied) else summary_error,
        "recommendations": _recommendations(request, summary),
    }


@require_GET
@signin_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    """The console home: the account (id, alias, IAM users' sign-in URL), resource counts, security checklist."""
    return console.page(request, "accounts/dashboard.html", "account-card", _dashboard_context(request))


@require_http_methods(["GET", "POST"])
@signin_required
def account_alias(request: SignedInRequest) -> HttpResponse:
    """The alias dialog of the dashboard's account card: GET opens it, POST creates or replaces the alias
    (CreateAccountAlias) or, with ``delete``, removes it (DeleteAccountAlias)."""
    if request.method == "GET":
        return _alias_page(request, AccountAliasForm())
    if "delete" in request.POST:
        alias = request.POST.get("current_alias", "")
        try:
            console.run(request, "DeleteAccountAlias", {"account_alias": alias})
        except IamError as error:
            return _alias_page(request, None, error=error)
        messages.success(request, f"Account alias {alias} deleted: IAM users sign in with the account ID again.")
        return _back_to(request, reverse("accounts:dashboard"))
    form = AccountAliasForm(request.POST)
    if not form.is_valid():
        return _alias_page(request, form, status=400)
    try:
        console.run(request, "CreateAccountAlias", form.cleaned_data)
    except IamError as error:
        return _alias_page(request, form, error=error)
    messages.success(request, f"Account alias set to {form.cleaned_data['account_alias']}.")
    return _back_to(request, reverse("accounts:dashboard"))


def _alias_page(
    request: SignedInRequest, form: AccountAliasForm | None, *, error: IamError | None = None, status: int = 200
) -> HttpResponse:
    """The dashboard with its alias dialog open (only the account card for htmx), showing ``error`` if any."""
    template, partial = "accounts/dashboard.html", "account-card"
    context = {} if request.htmx else _dashboard_context(request)
    context.update(_alias_context(request, form))
    if error is not None:
        return console.render_error(request, error, template, partial, context, form=form)
    return console.page(request, template, partial, context, status=status)


def _back_to(request: SignedInRequest, url: str) -> HttpResponse:
    """After a write: the page again (or the local page in ``return_to``), by a full navigation for htmx (so the
    flash message shows) or a redirect."""
    return_to = request.POST.get("return_to", "")
    if return_to.startswith("/") and url_has_allowed_host_and_scheme(return_to, allowed_hosts={request.get_host()}):
        url = return_to
    return console.redirect(request, url)


# --- search -------------------------------------------------------------------------------------------------------

#: Results of one kind on the search page; the kind's own list shows the rest.
SEARCH_LIMIT = 10
ACCESS_KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z0-9]{16}")


@dataclass(frozen=True, slots=True)
class Task:
    """A task the search finds by its words, leading to the page that does it."""

    label: str
    url: str
    words: str


TASKS = (
    Task("Create user", "/users/create", "create new add user iam"),
    Task("Create user group", "/groups/create", "create new add group user groups"),
    Task("Create role", "/roles/create", "create new add role"),
    Task("Create policy", "/policies/create", "create new add managed customer policy"),
    Task("Add MFA for yourself", "/security-credentials", "add assign enable manage mfa multi-factor my device"),
    Task("Manage your access keys", "/security-credentials", "create rotate manage my access keys key"),
    Task("Change your password", "/security-credentials", "change manage my password"),
    Task("Set the password policy", "/account-settings", "password policy account settings edit"),
    Task("Create or edit the account alias", "/", "create edit delete account alias sign-in url"),
    Task("Download the credential report", "/credential-report", "credential report download generate"),
    Task("Add an identity provider", "/identity-providers", "add create identity provider saml oidc federation"),
    Task("Simulate policies", "/policies/simulator", "policy simulator simulate test"),
    Task("Switch role", "/switchrole", "switch assume role"),
    Task("View event history", "/events", "event history audit trail activity log"),
    Task("Users", "/users", "users list"),
    Task("User groups", "/groups", "groups list"),
    Task("Roles", "/roles", "roles list"),
    Task("Policies", "/policies", "policies list"),
)


#: Task phrases that name an entity ("manage access keys alice"): the pattern, then the label, the entity page's URL
#: name and the tab it opens.
NAME = r"(?P<name>[\w+=,.@-]{1,128})"
NAMED_TASKS: tuple[tuple[re.Pattern[str], str, str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), label, url_name, tab)
    for pattern, label, url_name, tab in (
        (rf"add user {NAME} to groups?", "Add user {name} to groups", "identities:user-detail", "groups"),
        (rf"remove user {NAME} from groups?", "Remove user {name} from groups", "identities:user-detail", "groups"),
        (rf"add users to group {NAME}", "Add users to group {name}", "identities:group-detail", "users"),
        (
            rf"manage access keys (?:for )?{NAME}",
            "Manage access keys of {name}",
            "identities:user-detail",
            "security-credentials",
        ),
        (rf"manage mfa (?:for )?{NAME}", "Manage MFA of {name}", "identities:user-detail", "security-credentials"),
        (
            rf"manage password (?:for )?{NAME}",
            "Manage the password of {name}",
            "identities:user-detail",
            "security-credentials",
        ),
        (
            rf"edit trust policy (?:for )?(?:role )?{NAME}",
            "Edit the trust policy of role {name}",
            "identities:role-detail",
            "trust",
        ),
        (
            rf"show policy document (?:for )?(?:role )?{NAME}",
            "Show the permissions of role {name}",
            "identities:role-detail",
            "permissions",
        ),
        (
            rf"attach polic(?:y|ies) to group {NAME}",
            "Attach policies to group {name}",
            "identities:group-detail",
            "permissions",
        ),
        (
            rf"attach polic(?:y|ies) to role {NAME}",
            "Attach policies to role {name}",
            "identities:role-detail",
            "permissions",
        ),
        (rf"delete group {NAME}", "Delete user group {name}", "identities:group-detail", ""),
        (rf"delete user {NAME}", "Delete user {name}", "identities:user-detail", ""),
        (rf"delete role {NAME}", "Delete role {name}", "identities:role-detail", ""),
    )
)


def _tasks(query: str) -> list[Task]:
    """The tasks a query asks for: a phrase naming an entity, or every task whose words contain the query's words."""
    named = []
    for pattern, label, url_name, tab in NAMED_TASKS:
        match = pattern.fullmatch(query.strip())
        if match:
            name = match["name"]
            url = reverse(url_name, args=[name]) + (f"?tab={tab}" if tab else "")
            named.append(Task(label.format(name=name), url, ""))
    words = query.lower().split()
    return named + [task for task in TASKS if all(word in f"{task.label} {task.words}".lower() for word in words)]


@dataclass(frozen=True, slots=True)
class SearchResult:
    label: str
    url: str
    detail: str = ""


@dataclass
class SearchSection:
    """The results of one kind, or the reason there are none (the actor may not list that kind)."""

    kind: str
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    denied: str = ""


def _section(
    request: SignedInRequest,
    kind: str,
    name: str,
    query: str,
    result: Callable[[Any], SearchResult],
    *,
    text: Callable[[Any], str] = lambda item: str(item.name),
    list_url: str = "",
) -> SearchSection:
    section = SearchSection(kind=kind)
    try:
        items, section.total = console.first_matches(request, name, query, limit=SEARCH_LIMIT, text=text)
    except AccessDenied as error:
        section.denied = error.action or name
        return section
    section.results = [result(item) for item in items]
    if section.total > len(items) and list_url:
        section.more_url = f"{list_url}?{urlencode({'q': query})}"
    return section


def _provider_sections(request: SignedInRequest, query: str) -> SearchSection:
    section = SearchSection(kind="Identity providers")
    needle = query.lower()
    for name in ("ListSAMLProviders", "ListOpenIDConnectProviders"):
        try:
            providers = console.run(request, name)
        except AccessDenied as error:
            section.denied = error.action or name
            continue
        for provider in providers:
            if needle in provider.arn.lower():
                section.results.append(
                    SearchResult(provider.arn.rsplit("/", 1)[-1], "/identity-providers", provider.arn)
                )
    section.total = len(section.results)
    return section


def _access_key_section(request: SignedInRequest, query: str) -> SearchSection | None:
    key_id = query.strip().upper()
    if not ACCESS_KEY_ID.fullmatch(key_id):
        return None
    section = SearchSection(kind="Access keys")
    try:
        owner = console.run(request, "GetAccessKeyLastUsed", {"access_key_id": key_id})
    except AccessDenied as error:
        section.denied = error.action or "iam:GetAccessKeyLastUsed"
    except IamError:
        pass  # not a key of this account: no result
    else:
        url = (
            reverse("identities:security-credentials")
            if owner.user_name == "root"
            else reverse("identities:user-detail", args=[owner.user_name])
        )
        section.results.append(SearchResult(key_id, url, f"Access key of {owner.user_name}"))
        section.total = 1
    return section


#: The entities searched by name: kind, List operation, list page, detail page, and the ARN of a listed entity.
ENTITY_SEARCHES: tuple[tuple[str, str, str, str, Callable[[Any], str]], ...] = (
    ("Users", "ListUsers", "identities:user-list", "identities:user-detail", user_arn),
    ("User groups", "ListGroups", "identities:group-list", "identities:group-detail", lambda g: group_shape(g)["Arn"]),
    ("Roles", "ListRoles", "identities:role-list", "identities:role-detail", role_arn),
)


def _entity_result(detail: str, arn: Callable[[Any], str]) -> Callable[[Any], SearchResult]:
    return lambda item: SearchResult(item.name, reverse(detail, args=[item.name]), arn(item))


@require_GET
@signin_required
def search(request: SignedInRequest) -> HttpResponse:
    """Search IAM: users, groups, roles, policies and identity providers by name, an access key by its id, and tasks by
    their words. Each kind is searched through its own List operation as the signed-in actor: a kind the actor may not
    list says so instead of showing results."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[: console.MAX_SEARCH]
    context: dict[str, Any] = {"search_query": query, "query": query, "sections": [], "tasks": []}
    if query:
        context["tasks"] = _tasks(query)
        sections = [
            _access_key_section(request, query),
            *(
                _section(
                    request,
                    kind,
                    operation,
                    query,
                    _entity_result(detail, arn),
                    list_url=reverse(listing),
                )
                for kind, operation, listing, detail, arn in ENTITY_SEARCHES
            ),
            _section(
                request,
                "Policies",
                "ListPolicies",
                query,
                lambda policy: SearchResult(policy.name, f"/policies/{policy.policy_id}", policy.arn),
                list_url="/policies",
            ),
            _provider_sections(request, query),
        ]
        context["sections"] = [section for section in sections if section is not None]
        context["found"] = bool(context["tasks"]) or any(section.results for section in context["sections"])
    return console.page(request, "accounts/search.html", "search-results", context)


# --- account settings -----------------------------------------------------------------------------------------------


def _password_policy_context(request: SignedInRequest, form: PasswordPolicyForm | None = None) -> dict[str, Any]:
    policy, error = _try(request, "GetAccountPasswordPolicy")
    custom = policy is not None
    if isinstance(error, NoSuchEntity):  # no custom policy: the IAM default applies
        error = None
    other_error = None if error is None or isinstance(error, AccessDenied) else error
    if form is None:
        initial: dict[str, Any] = {"policy": "custom" if custom else "default"}
        if policy is not None:
            initial.update(
                minimum_password_length=policy.minimum_password_length,
                require_uppercase_characters=policy.require_uppercase_characters,
                require_lowercase_characters=policy.require_lowercase_characters,
                require_numbers=policy.require_numbers,
                require_symbols=policy.require_symbols,
                expire_passwords=policy.max_password_age is not None,
                max_password_age=policy.max_password_age or 90,
                hard_expiry=policy.hard_expiry,
                allow_users_to_change_password=policy.allow_users_to_change_password,
                prevent_reuse=policy.password_reuse_prevention is not None,
                password_reuse_prevention=policy.password_reuse_prevention or 5,
            )
        form = PasswordPolicyForm(initial=initial)
    return {
        "policy": policy,
        "policy_error": error if isinstance(error, AccessDenied) else None,
        "error": other_error,
        "form": form,
        "editing": request.GET.get("edit") == "1" or form.is_bound,
        "can_update": console.can_run(request, "UpdateAccountPasswordPolicy"),
        "can_delete": console.can_run(request, "DeleteAccountPasswordPolicy"),
    }


def settings_panels(request: SignedInRequest) -> dict[str, Any]:
    """Account settings' password policy and account panels (the STS panel is ``accounts.settings_views``)."""
    return {**_password_policy_context(request), **_alias_context(request)}


@require_http_methods(["GET", "POST"])
@signin_required
def account_settings(request: SignedInRequest) -> HttpResponse:
    """Account settings: the password policy (IAM default or custom, with AWS's bounds) and the account alias."""
    template, partial = "accounts/account_settings.html", "password-policy"
    if request.method == "GET":
        return console.page(request, template, partial, {**settings_panels(request), **sts_context(request)})
    form = PasswordPolicyForm(request.POST)
    if not form.is_valid():
        return console.page(request, template, partial, _password_policy_context(request, form), status=400)
    try:
        if form.cleaned_data["policy"] == "custom":
            console.run(request, "UpdateAccountPasswordPolicy", form.operation_params())
            messages.success(request, "The custom password policy is saved.")
        else:
            console.run(request, "DeleteAccountPasswordPolicy")
            messages.success(request, "This account now uses the IAM default password policy.")
    except NoSuchEntity:  # already the default: nothing to delete
        messages.info(request, "This account already uses the IAM default password policy.")
    except IamError as error:
        context = _password_policy_context(request, form)
        return console.render_error(request, error, template, partial, context, form=form)
    return _back_to(request, reverse("accounts:account-settings"))


# --- credential report ------------------------------------------------------------------------------------------------


def _report_context(request: SignedInRequest, *, polling: bool = False) -> dict[str, Any]:
    report, error = _try(request, "GetCredentialReport")
    state = "ready"
    if error is not None:
        state = {"ReportInProgress": "in-progress", "ReportNotPresent": "none", "ReportExpired": "expired"}.get(
            error.code, "error"
        )
    return {
        "report": report,
        "state": state,
        "report_error": error if state in ("error",) else None,
        "denied": error if isinstance(error, AccessDenied) else None,
        "can_generate": console.can_run(request, "GenerateCredentialReport"),
        "polling": polling or state == "in-progress",
    }


@require_http_methods(["GET", "POST"])
@signin_required
def credential_report(request: SignedInRequest) -> HttpResponse:
    """The credential report: generate it (GenerateCredentialReport; at most once every four hours, as AWS does),
    watch its progress (htmx polls this page's partial), then download the CSV."""
    template, partial = "accounts/credential_report.html", "report-status"
    if request.method == "POST":
        try:
            console.run(request, "GenerateCredentialReport")
        except IamError as error:
            return console.render_error(request, error, template, partial, _report_context(request))
        return console.page(request, template, partial, _report_context(request, polling=True))
    return console.page(request, template, partial, _report_context(request))


@require_GET
@signin_required
def credential_report_download(request: SignedInRequest) -> HttpResponse:
    """The report's CSV, named as AWS names it (``status_reports_<date>T<time>.csv``)."""
    try:
        report = console.run(request, "GetCredentialReport")
    except IamError as error:
        return console.render_error(
            request, error, "accounts/credential_report.html", "report-status", _report_context(request)
        )
    generated = report.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H_%M_%S")
    response = HttpResponse(report.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="status_reports_{generated}.csv"'
    return response
