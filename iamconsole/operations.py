"""The catalogue of operations, and ``run``: authorize, call the service, audit.

Every face (console, REST API, AWS Query API, Celery tasks, management commands) calls :func:`run` with an actor,
an operation named as AWS names it (``"CreateUser"``) and snake_case parameters named as botocore names the AWS
members. Each app declares its operations in its own ``operations.py`` as a tuple ``OPERATIONS``; this module
merges them, so the merged table is the list of supported operations.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Account
from iamconsole import authorization
from iamconsole.actors import Actor, ActorKind, RequestContext
from iamconsole.arn import is_aws_managed_policy_arn
from iamconsole.errors import AccessDenied, IamError, InvalidAction, InvalidInput, NoSuchEntity, ValidationError

#: The apps, ground floor first; each has an ``operations`` table and an ``awsapi`` table of output shapes.
APPS = ("accounts", "policies", "identities", "sts")


def app_modules(kind: str) -> list[ModuleType]:
    """Every app's module of that kind (``"operations"``, ``"awsapi"``), ground floor first."""
    return [importlib.import_module(f"{app}.{kind}") for app in APPS]


#: A function shaping an operation's result as botocore's output shape (PascalCase members).
Shaper = Callable[[Any], dict[str, Any]]


@cache
def output_shapers() -> Mapping[str, Shaper]:
    """Every app's ``awsapi.OUTPUTS``, merged: AWS operation name → its result's shaper; the Query API and the REST
    API both shape results with it."""
    merged: dict[str, Shaper] = {}
    for module in app_modules("awsapi"):
        merged.update(module.OUTPUTS)
    return merged


@dataclass(frozen=True, slots=True)
class Call:
    """One call of an operation, as resource and context builders see it."""

    actor: Actor
    account: Account | None
    params: Mapping[str, Any]
    request: RequestContext
    #: What the operation's ``target`` looked up, once, for every builder and the handler (None when not found).
    target: Any = None

    @property
    def account_id(self) -> str:
        return self.account.account_id if self.account else self.actor.account_id


ResourceBuilder = Callable[[Call], str]
ContextBuilder = Callable[[Call], Mapping[str, Any]]
ResourcePolicyBuilder = Callable[[Call], authorization.ResourcePolicy]


@dataclass(frozen=True, slots=True)
class Operation:
    """What one operation needs: its IAM action, how to name the resource and context, and what to call.

    ``handler`` is a service (writes) or selector (reads), called with keyword arguments: ``account=`` (unless
    ``account_scoped`` is false), the parameters, and ``actor=`` / ``request=`` / ``target=`` when asked for.
    ``action`` defaults to ``SERVICE:NAME``; ``None`` means no permission is checked, and ``no_permission`` must say
    why (unless the operation is ``system_only``).
    """

    name: str
    handler: Callable[..., Any]
    service: str = "iam"
    action: str | None = ""
    resource: ResourceBuilder | None = None
    context: ContextBuilder | None = None
    read_only: bool = False
    takes_actor: bool = False
    takes_request: bool = False
    account_scoped: bool = True
    #: iamconsole's own administrative operations (CreateAccount) that only the system actor may call.
    system_only: bool = False
    #: Further permissions AWS checks for this operation, each on its own resource (``iam:PassRole`` on the role
    #: AddRoleToInstanceProfile puts in a profile).
    also_requires: tuple[tuple[str, ResourceBuilder], ...] = ()
    #: Why an operation with ``action=None`` needs no permission (GetCallerIdentity: AWS never denies it).
    no_permission: str = ""
    #: Looks up what the call acts on, once, before authorization: resource, context and resource-policy builders
    #: read it as ``call.target`` and, with ``takes_target``, the handler receives it as ``target=``.
    target: Callable[[Call], Any] | None = None
    takes_target: bool = False
    #: The resource's own policy, evaluated with the caller's (a role's trust policy for ``sts:AssumeRole``).
    resource_policy: ResourcePolicyBuilder | None = None
    #: Further actions authorized on the same resource, with the same context and resource policy, depending on the
    #: call (``sts:TagSession`` when AssumeRole passes session tags).
    further_actions: Callable[[Call], Iterable[str]] | None = None
    #: True when this call needs no permission after all (ChangePassword when the password policy lets IAM users
    #: change their own).
    waived: Callable[[Call], bool] | None = None
    #: ``UserName`` may be left out: it then means the calling IAM user (None for the root user and iamconsole
    #: itself, which the handler takes as the root user); other principals must name one, as AWS answers.
    implicit_user: bool = False
    #: The operation writes the customer managed policy ``PolicyArn`` names: an AWS managed policy is denied in AWS's
    #: cross-account form (it belongs to the ``aws`` account, and no resource-based policy lets another change it).
    customer_managed_only: bool = False
    #: Facts about the result worth keeping in the audit record (a sweep's count of deleted rows).
    audit_details: Callable[[Any], dict[str, Any]] | None = None
    #: The caller is named by the request itself rather than by a signature (a web identity token, a SAML assertion):
    #: called after ``target``, it verifies what the request carries and returns the principal that ``run``
    #: authorizes, calls the handler as and audits. The call's account is then the target's (``target.account``), so
    #: a refused token is recorded in the account it tried to enter.
    principal: Callable[[Call], Actor] | None = None
    #: The snake_case parameters the operation implements, declared when its handler cannot say so itself (an
    #: adapter that forwards ``**params``). Any other member of AWS's input shape is refused with ``InvalidInput``.
    parameters: frozenset[str] | None = None

    @property
    def iam_action(self) -> str | None:
        if self.action is None:
            return None
        return self.action or f"{self.service}:{self.name}"


@cache
def operations() -> Mapping[str, Operation]:
    """The merged catalogue, keyed by AWS operation name."""
    table: dict[str, Operation] = {}
    for module in app_modules("operations"):
        for operation in module.OPERATIONS:
            if operation.name in table:
                raise RuntimeError(f"operation {operation.name} is declared twice")
            check_declaration(operation)
            table[operation.name] = operation
    return table


def check_declaration(operation: Operation) -> None:
    """Refuse to serve an operation that does not know its parameters, or checks no permission without saying why."""
    accepted_parameters(operation)
    if operation.iam_action is None and not (operation.system_only or operation.no_permission):
        raise RuntimeError(f"{operation.name} checks no permission: say why (no_permission)")


#: Passed by ``run`` itself, never by a caller.
_RUN_ARGUMENTS = frozenset({"account", "actor", "request", "target"})


def parameters_of(*functions: Callable[..., Any], also: Iterable[str] = ()) -> frozenset[str]:
    """The keyword parameters of the functions an adapter forwards to (less ``run``'s own), and ``also``."""
    names = set(also)
    for function in functions:
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                raise RuntimeError(f"{function.__qualname__} takes **kwargs: name the parameters it forwards to")
            names.add(parameter.name)
    return frozenset(names - _RUN_ARGUMENTS)


@cache
def accepted_parameters(operation: Operation) -> frozenset[str]:
    """The parameters ``operation`` implements: declared, or read from its handler's signature."""
    if operation.parameters is not None:
        return operation.parameters
    try:
        return parameters_of(operation.handler)
    except RuntimeError:
        raise RuntimeError(
            f"{operation.name}'s handler takes **kwargs: declare the operation's parameters (parameters_of)"
        ) from None


def get_operation(name: str) -> Operation:
    """The operation of that name; ``InvalidAction`` when iamconsole does not implement it."""
    try:
        return operations()[name]
    except KeyError:
        raise InvalidAction(f"The action {name} is not valid for this endpoint.") from None


def _event_source(operation: Operation) -> str:
    return f"{operation.service}.amazonaws.com"


def run(
    actor: Actor, name: str, params: Mapping[str, Any] | None = None, *, request: RequestContext | None = None
) -> Any:
    """Authorize ``actor`` for operation ``name``, call it, and record an audit event.

    A successful call is recorded inside the operation's transaction; a denied or failed one in a transaction of its
    own after the rollback, so the record survives. Reads are recorded as read-only events unless
    ``IAM_AUDIT_READS`` is off. A read runs without a transaction of its own (see :func:`_transaction_for`).
    """
    operation = get_operation(name)
    request = request or RequestContext()
    params = dict(params or {})
    account = account_selectors.find_account(actor.account_id) if actor.account_id else None
    call = Call(actor=actor, account=account, params=params, request=request)
    resource = "*"
    try:
        with _transaction_for(operation):
            _refuse_nul(params)
            if operation.target is not None:
                call = replace(call, target=operation.target(call))
            if operation.principal is not None:
                account = getattr(call.target, "account", None)
                call = replace(call, account=account)
                actor = operation.principal(call)
                call = replace(call, actor=actor)
            resource = operation.resource(call) if operation.resource else "*"
            if operation.system_only and not actor.is_system:
                raise AccessDenied(
                    authorization.denial_message(
                        actor, f"iamconsole:{name}", resource, "because only iamconsole itself may"
                    )
                )
            if operation.iam_action is not None and not (operation.waived and operation.waived(call)):
                _authorize(operation, operation.iam_action, call, resource)
            _refuse_unsupported(operation, params)
            kwargs = dict(params)
            if operation.customer_managed_only:
                _refuse_aws_managed_write(operation, call)
            if operation.implicit_user:
                kwargs["user_name"] = implicit_user_name(actor, params.get("user_name"))
            if operation.account_scoped:
                if account is None:
                    raise NoSuchEntity(f"The account {actor.account_id or '(none)'} cannot be found.")
                kwargs["account"] = account
            if operation.takes_actor:
                kwargs["actor"] = actor
            if operation.takes_request:
                kwargs["request"] = request
            if operation.takes_target:
                kwargs["target"] = call.target
            result = operation.handler(**kwargs)
            if not operation.read_only or settings.IAM_AUDIT_READS:
                details = operation.audit_details(result) if operation.audit_details else None
                # A successful read's record may be written in a batch (accounts.audit_batch); a write's is part of
                # its transaction.
                _record(operation, call, resource, outcome="success", details=details, batched=operation.read_only)
        return result
    except IamError as exc:
        outcome = "denied" if exc.code == "AccessDenied" else "failed"
        with transaction.atomic():
            _record(operation, call, resource, outcome=outcome, error=exc)
        raise


def _transaction_for(operation: Operation) -> contextlib.AbstractContextManager[Any]:
    """A write runs in one transaction; a read in none, its queries and its one-row audit insert each on their own.

    On SQLite every transaction begins IMMEDIATE (settings), taking the database's write lock: a read inside one
    would hold that lock for its whole duration and queue every other request of every process behind it. On
    PostgreSQL (READ COMMITTED) a read sees the same data either way.
    """
    return contextlib.nullcontext() if operation.read_only else transaction.atomic()


def _permissions(
    operation: Operation, action: str, call: Call, resource: str
) -> Iterator[tuple[str, str, Mapping[str, Any], authorization.ResourcePolicy | None]]:
    """Every permission the call needs, as (action, resource, context, resource policy): the operation's ``action``
    and its further actions with its context and resource policy, then each ``also_requires`` on its own resource."""
    extra = operation.context(call) if operation.context else {}
    resource_policy = operation.resource_policy(call) if operation.resource_policy else None
    for needed in (action, *(operation.further_actions(call) if operation.further_actions else ())):
        yield needed, resource, extra, resource_policy
    for needed, build in operation.also_requires:
        yield needed, build(call), {}, None


def _authorize(operation: Operation, action: str, call: Call, resource: str) -> None:
    """Raise ``AccessDenied`` unless every permission the call needs is granted.

    Credentials that may never call ``action`` are refused first, before the context is built (AssumeRole's context
    checks an MFA code).
    """
    authorization.refuse_session_token_use(call.actor, action)
    for needed, arn, extra, resource_policy in _permissions(operation, action, call, resource):
        authorization.authorize(
            call.actor, needed, arn, context=extra, request=call.request, resource_policy=resource_policy
        )


def implicit_user_name(actor: Actor, user_name: str | None) -> str | None:
    """The user an operation acts on when ``UserName`` is left out: the calling IAM user, or None for root.

    AWS infers the user from the credentials; other principals must name one.
    """
    if user_name:
        return user_name
    if actor.kind is ActorKind.USER:
        return actor.name
    if actor.kind in (ActorKind.ROOT, ActorKind.SYSTEM):
        return None
    raise ValidationError("Must specify userName when calling with non-User credentials", field="user_name")


def _refuse_aws_managed_write(operation: Operation, call: Call) -> None:
    policy_arn = str(call.params.get("policy_arn") or "")
    action = operation.iam_action or operation.name
    if is_aws_managed_policy_arn(policy_arn):
        reason = f"because no resource-based policy allows the {action} action"
        raise AccessDenied(authorization.denial_message(call.actor, action, policy_arn, reason))


#: Policy texts: the policy parser refuses a character outside AWS's range itself, with AWS's own error.
POLICY_TEXT_PARAMETERS = frozenset(
    {
        "policy_document",
        "assume_role_policy_document",
        "policy",
        "policy_input_list",
        "permissions_boundary_policy_input_list",
        "resource_policy",
    }
)


def _refuse_nul(params: Mapping[str, Any]) -> None:
    """No member of AWS's API admits a NUL character (the widest patterns start at U+0009), and PostgreSQL can neither
    store nor look one up: a value holding one is refused before anything reads the database, from every face."""
    for key, value in params.items():
        if key in POLICY_TEXT_PARAMETERS:
            continue  # parsed before anything is stored: MalformedPolicyDocument, as AWS answers
        if _holds_nul(value):
            member = key.split("_")[0] + "".join(word.title() for word in key.split("_")[1:])
            raise ValidationError(
                f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
                "Member must not contain the NUL character",
                field=key,
            )


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def _refuse_unsupported(operation: Operation, params: Mapping[str, Any]) -> None:
    """A parameter of AWS's API that iamconsole does not implement is an error the caller can read, not a crash."""
    unsupported = sorted(set(params) - accepted_parameters(operation))
    if unsupported:
        names = ", ".join(unsupported)
        raise InvalidInput(
            f"iamconsole does not support the parameter(s) {names} of {operation.name}.", field=unsupported[0]
        )


#: Parameter names holding secrets: the audit trail keeps that they were sent, never their value.
SECRET_PARAMETER_WORDS = (
    "password",
    "secret",
    "token_code",
    "authentication_code",
    "private_key",
    "saml_assertion",
    "web_identity_token",
    "session_token",
    "saml_response",
)
REDACTED = "***"
#: Longer texts (a SAML metadata document may hold 10 MB) are cut in the audit record.
AUDIT_TEXT_LIMIT = 2048


def _audit_text(value: Any) -> str:
    """``value`` as text PostgreSQL can hold: a NUL character becomes U+FFFD."""
    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    return text.replace("\x00", "\ufffd")


def redacted_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` as the audit record keeps them: secrets replaced by ``***``, long texts cut, values made JSON.

    A NUL character, which a refused request may carry, becomes U+FFFD: PostgreSQL's JSON cannot hold it, and the
    denial must still be recorded."""

    def clean(key: str, value: Any) -> Any:
        if any(word in key.lower() for word in SECRET_PARAMETER_WORDS):
            return REDACTED
        if isinstance(value, Mapping):
            return {_audit_text(k): clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(key, item) for item in value]
        if value is None or isinstance(value, bool | int | float):
            return value
        text = _audit_text(value)
        return text if len(text) <= AUDIT_TEXT_LIMIT else f"{text[:AUDIT_TEXT_LIMIT]}… ({len(text)} characters)"

    return {_audit_text(key): clean(key, value) for key, value in params.items()}


def _record(
    operation: Operation,
    call: Call,
    resource: str,
    *,
    outcome: str,
    error: IamError | None = None,
    details: dict[str, Any] | None = None,
    batched: bool = False,
) -> None:
    account_services.record_audit_event(
        account=call.account,
        account_id=call.account_id,
        actor_arn=call.actor.arn,
        event_name=operation.name,
        event_source=_event_source(operation),
        source=call.request.source.value,
        request_id=call.request.request_id,
        time=call.request.time,
        outcome=outcome,
        source_ip=call.request.source_ip,
        user_agent=call.request.user_agent,
        # A refused name with a NUL character in it is quoted by the resource and the error message too.
        resource_arn=_audit_text(resource),
        error_code=error.code if error else "",
        error_message=_audit_text(error.message) if error else "",
        read_only=operation.read_only,
        details=details,
        parameters=redacted_parameters(call.params),
        batched=batched,
    )


def can_run(
    actor: Actor, name: str, params: Mapping[str, Any] | None = None, *, request: RequestContext | None = None
) -> bool:
    """Whether ``run(actor, name, params)`` would be authorized: for the console's enabled and disabled buttons.

    The same table names the resource, the context and the further permissions, and the same authorizer answers;
    nothing is called and nothing is audited. A resource or context that cannot be built from ``params`` (a missing
    name, a parameter left out that only the caller's own identity could fill) answers False, as ``run`` would fail.
    """
    operation = get_operation(name)
    if operation.system_only:
        return actor.is_system
    action = operation.iam_action
    if action is None:
        return True
    request = request or RequestContext()
    account = account_selectors.find_account(actor.account_id) if actor.account_id else None
    call = Call(actor=actor, account=account, params=dict(params or {}), request=request)
    try:
        with transaction.atomic():  # a target lookup may lock its row, as in run
            _refuse_nul(call.params)
            if operation.target is not None:
                call = replace(call, target=operation.target(call))
            if operation.waived and operation.waived(call):
                return True
            resource = operation.resource(call) if operation.resource else "*"
            return all(
                authorization.is_allowed(actor, needed, arn, context=extra, request=request, resource_policy=policy)
                for needed, arn, extra, policy in _permissions(operation, action, call, resource)
            )
    except IamError:
        return False
