"""The ``/aws`` endpoint: IAM and STS on the AWS Query protocol, as ``iam.amazonaws.com`` and ``sts.amazonaws.com``.

One view serves every operation in the catalogue (``iamconsole.operations``), with no per-action code:

1. read the body (at most :data:`MAX_REQUEST_BYTES`; larger is ``RequestEntityTooLarge``, 413);
2. parse SigV4 (:mod:`.sigv4`), the credential scope's service (``iam`` or ``sts``) choosing the service, and
   verify it through ``iamconsole.authentication.authenticate_signature`` (as the REST API does), which resolves the
   access key (and session token) to its secret and actor;
3. check ``Action`` and ``Version`` against the service's botocore model and the catalogue (``InvalidAction``),
   decode the parameters (:mod:`.params`, ``ValidationError`` in AWS's form);
4. ``operations.run(actor, action, params, request=web.request_context(...))``;
5. shape the result with the apps' ``awsapi.OUTPUTS`` tables and render it (:mod:`.render`); any ``IamError`` on
   the way renders as AWS's ``<ErrorResponse>`` with its HTTP status.

Both POST (form body, as the SDKs send) and GET (query string, as presigned URLs do) are served, CSRF-exempt.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from iamconsole import authentication, operations, outages, web
from iamconsole.actors import Actor, Source
from iamconsole.awsquery import params, render, sigv4
from iamconsole.errors import (
    IamError,
    InvalidAction,
    MalformedQueryString,
    RequestEntityTooLarge,
    ServiceUnavailable,
)

#: The STS actions AWS accepts without a signature (their ``auth`` is ``smithy.api#noAuth`` in botocore's model).
UNSIGNED_ACTIONS = frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"})
#: The largest request body accepted. SAML metadata documents may be 10 MB, and form encoding can triple them.
MAX_REQUEST_BYTES = 30 * 1024 * 1024
#: An oversized body is read and discarded up to this size so the client sees the 413 rather than a reset.
_DRAIN_LIMIT = 4 * MAX_REQUEST_BYTES


class MethodNotAllowed(IamError):
    """The Query API answers GET and POST only."""

    code = "MethodNotAllowed"
    http_status = 405


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    """Serve one Query API request: authenticate, decode, run, render; every ``IamError`` rendered as AWS does."""
    request_id = web.request_id(request)
    service = "iam"
    try:
        if request.method not in ("GET", "POST"):
            raise MethodNotAllowed(f"The HTTP method {request.method} is not allowed; use GET or POST.")
        now = datetime.now(UTC)
        received = web.signed_request(request, _read_body(request))
        form = _form(received, request.content_type)
        action = form.get("Action")
        region: str | None = None
        if action in UNSIGNED_ACTIONS and sigv4.is_unsigned(received):
            # AWS serves these two unsigned: the token or assertion they carry names the caller.
            service, actor = "sts", Actor.anonymous()
        else:
            auth = sigv4.parse_authorization(received)
            service, region = auth.service, auth.region
            actor = authentication.authenticate_signature(received, auth, now=now)
        model = params.operation_model(service, action, form.get("Version"))
        operation = operations.operations().get(model.name)
        if operation is None or operation.service != service:
            raise InvalidAction(f"Could not find operation {model.name} for version {model.metadata['apiVersion']}")
        context = web.request_context(request, Source.QUERY, time=now, region=region)
        result = operations.run(actor, model.name, params.decode(model, form), request=context)
        body = render.render_result(model, _shape(model.name, model.output_shape is not None, result), request_id)
        return _xml(body, 200, request_id)
    except IamError as error:
        return _xml(render.render_error(error, service, request_id), error.http_status, request_id)
    except outages.DATABASE_UNAVAILABLE as exc:
        outages.log_database_problem(exc)
        unavailable = ServiceUnavailable("The service is temporarily unavailable. Try again in a few seconds.")
        response = _xml(render.render_error(unavailable, service, request_id), unavailable.http_status, request_id)
        response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
        return response


def _read_body(request: HttpRequest) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise MalformedQueryString("The Content-Length header is not a number.") from None
    if length > MAX_REQUEST_BYTES:
        if length <= _DRAIN_LIMIT:
            while request.read(1 << 20):
                pass
        raise RequestEntityTooLarge(f"Request body is larger than the {MAX_REQUEST_BYTES} bytes accepted.")
    try:
        return request.body
    except RequestDataTooBig:  # Django's own limit, if set lower than ours
        raise RequestEntityTooLarge(f"Request body is larger than the {MAX_REQUEST_BYTES} bytes accepted.") from None


def _form(received: sigv4.ReceivedRequest, content_type: str | None) -> dict[str, str]:
    """The Query parameters: the query string, then a form-encoded body (which wins on a repeated name)."""
    form: dict[str, str] = {}
    sources = [received.query]
    if received.body and content_type in (None, "", "application/x-www-form-urlencoded"):
        try:
            sources.append(received.body.decode("utf-8"))
        except UnicodeDecodeError:
            raise MalformedQueryString("The request body is not valid UTF-8.") from None
    for source in sources:
        try:
            form.update(parse_qsl(source, keep_blank_values=True, errors="strict"))
        except (UnicodeDecodeError, ValueError):
            raise MalformedQueryString("The request parameters are not valid percent-encoded UTF-8.") from None
    return form


def _shape(name: str, has_output: bool, result: Any) -> dict[str, Any] | None:
    if not has_output:
        return None
    shaper = operations.output_shapers().get(name)
    if shaper is not None:
        return shaper(result)
    if isinstance(result, Mapping):
        return dict(result)
    raise TypeError(f"{name} has an output shape but no awsapi OUTPUTS entry, and its result is not a dict")


def _xml(body: bytes, status: int, request_id: str) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/xml")
    response["x-amzn-RequestId"] = request_id
    return response
