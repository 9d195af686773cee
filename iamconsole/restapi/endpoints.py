"""Endpoints declared as the catalogue's operations: one line per HTTP method, no per-endpoint code.

An :func:`endpoint` is a viewset method that reads the request (URL names, then the query string for GET and DELETE
or the JSON body otherwise, through an input serializer built from the operation's input shape), calls
:func:`iamconsole.restapi.views.run`, and answers with the result in snake_case (one member of the output, a page of
rows for a List operation, or 204 when the operation returns nothing). :func:`route` binds several endpoints to one
sub-resource of a viewset (``users/{user_name}/tags/``: GET, POST, DELETE). Each endpoint carries its OpenAPI
description, read from the same shapes.

Policy documents carry an ``ETag`` (a hash of the document's text); a write sent with ``If-Match`` passes it to the
operation as ``if_match``, which the service compares with the document it replaces under that row's lock, in the
write's own transaction, answering ``PreconditionFailed`` (412) when it has changed: two automations cannot
overwrite each other's edits unknowingly, even at the same instant. ``if_match`` is no member of botocore's input
shapes, so only this face can send it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.model import StructureShape
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole import operations
from iamconsole.errors import ERRORS_BY_CODE, NoSuchEntity, ValidationError
from iamconsole.etags import etag_of
from iamconsole.restapi import shapes
from iamconsole.restapi import views as api
from iamconsole.restapi.authentication import FEDERATION
from iamconsole.restapi.pagination import CURSOR, PAGE_SIZE, MarkerCursorPagination

#: Anything up to the next slash: every legal IAM name (``[\w+=,.@-]+``) and more, so the operation, not the router,
#: answers for a name it refuses.
NAME = r"[^/]+"

Handler = Callable[..., Response]


ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "field"],
    "properties": {
        "code": {"type": "string", "description": "AWS's error code (NoSuchEntity, AccessDenied, ...)."},
        "message": {"type": "string"},
        "field": {"type": "string", "nullable": True, "description": "The snake_case field at fault, if any."},
    },
}
_ERRORS = {
    400: "ValidationError, InvalidInput, MalformedPolicyDocument",
    403: "AccessDenied, or a missing or bad signature",
    404: "NoSuchEntity",
    409: "EntityAlreadyExists, DeleteConflict",
}


def _error_responses(operation: str, errors: Sequence[str]) -> dict[int, OpenApiResponse]:
    """The error answers of an endpoint running ``operation``: the faults any endpoint answers, plus the operation's
    own codes (botocore's error shapes for it, and ``errors`` that iamconsole answers besides), each under the HTTP
    status the other faces answer it with. Server faults (5xx) are not described."""
    words = {status: [text] for status, text in _ERRORS.items()}
    model = shapes.operation_model(operation)
    declared = [error.error_code for error in model.error_shapes if isinstance(error, StructureShape)] if model else []
    codes = [*declared, *errors]
    for code in dict.fromkeys(codes):
        error = ERRORS_BY_CODE.get(code)
        if error is None:
            if code in errors:
                raise RuntimeError(f"{operation}: {code} is no error iamconsole answers")
            continue  # an error AWS answers that cannot arise here (RegionDisabledException)
        listed = words.setdefault(error.http_status, [])
        if error.http_status < 500 and code not in ", ".join(listed).split(", "):
            listed.append(code)
    return {
        status: OpenApiResponse(response=ERROR_SCHEMA, description=", ".join(texts))
        for status, texts in sorted(words.items())
        if texts
    }


def _dig(shaped: Mapping[str, Any], path: str) -> Any:
    value: Any = shaped
    for key in path.split("."):
        value = value[key]
    return value


@dataclass(frozen=True)
class UrlNames:
    """The members of an operation's input shape, to hold the names a URL gives (``role_name``) to the same
    constraints as a body's: lengths, and no NUL character (which no IAM name has, and the database refuses)."""

    serializer: type[serializers.Serializer[Any]]

    def check(self, params: Mapping[str, Any]) -> None:
        names = self.serializer(data=dict(params), partial=True)
        names.is_valid(raise_exception=True)


def url_names(operation: str) -> UrlNames:
    """The checker of the URL names of endpoints running ``operation``."""
    return UrlNames(shapes.input_serializer(operation, class_name=f"{operation}UrlNames", paged=False))


class EndpointSchema(AutoSchema):
    """drf-spectacular's schema of an endpoint whose bodies are given as raw schemas: a ``list`` method's answer is
    described as it is (a page, or one object), not wrapped in an array as a serializer's list would be."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        if serializer is None:
            return False
        return bool(super()._is_list_view(serializer))


class OperationViewSet(viewsets.GenericViewSet[Any]):
    """A resource whose methods are :func:`endpoint`s; ``path_params`` turns the URL's names into parameters."""

    schema = EndpointSchema()
    lookup_value_regex = NAME
    #: Every method describes its own bodies (``extend_schema``); this only stops DRF asking for a model serializer.
    serializer_class = serializers.Serializer

    def path_params(self, request: Request, kwargs: Mapping[str, str]) -> dict[str, Any]:
        return dict(kwargs)


def endpoint(
    operation: str,
    *,
    member: str | None = None,
    rows: str | Mapping[str, str] | None = None,
    status: int = 200,
    path: Sequence[str] = (),
    fixed: Mapping[str, Any] | None = None,
    etag: str | None = None,
    if_match: bool = False,
    method: str = "get",
    summary: str | None = None,
    only: Sequence[str] | None = None,
    operation_id: str | None = None,
    errors: Sequence[str] = (),
) -> Handler:
    """A viewset method running ``operation``.

    ``path``: the parameters the URL names (kept out of the body). ``member``: the output member answered (the whole
    output when None); ``rows``: the member holding a List operation's rows, answered a page at a time (or, for an
    answer with several lists, a mapping of each list's member to the ``entity_type`` its rows are given). ``status``:
    201 for creations; 204 answers no body. ``fixed``: parameters the endpoint always passes. ``etag``: where the
    policy document is in the output, to send its ``ETag``; ``if_match``: the write honours ``If-Match`` (its
    operation takes ``if_match`` and checks it against the document it replaces).
    ``method``: the HTTP method, which decides whether input is read from the query string or the body.
    ``operation_id``: the OpenAPI operation id, the operation's name unless two endpoints run the same operation.
    ``errors``: AWS error codes the operation answers that botocore's model does not list for it (OpenAPI only).
    """
    reads_query = method in ("get", "delete")
    exclude = set(path) | set(fixed or ())
    serializer = shapes.input_serializer(
        operation, exclude=exclude, only=only, class_name=f"{operation_id or operation}Request", paged=bool(rows)
    )
    has_input = bool(serializer().fields)
    names = url_names(operation)

    declared = operations.get_operation(operation)
    accepted = operations.accepted_parameters(declared)
    if set(path) - accepted and not declared.read_only:
        # Checked after the call: only a read may be answered for a URL that turns out to name something else.
        raise RuntimeError(f"{operation} does not take {sorted(set(path) - accepted)}: it cannot be a write's URL name")
    if if_match and "if_match" not in accepted:
        raise RuntimeError(f"{operation} takes no if_match: it cannot honour If-Match")

    def handler(self: OperationViewSet, request: Request, **kwargs: str) -> Response:
        params = self.path_params(request, kwargs)
        # A URL name the operation does not take (the user of /users/{user_name}/access-keys/{id}/ for
        # GetAccessKeyLastUsed) must match what the answer says, or the resource is not under that URL.
        unchecked = {name: params.pop(name) for name in list(params) if name not in accepted}
        names.check(params)
        if has_input:
            data = request.query_params if reads_query else request.data
            if not isinstance(data, Mapping):
                raise ValidationError("The request body must be a JSON object.")
            given = serializer(data=data)
            given.is_valid(raise_exception=True)
            params.update(given.validated_data)
        params.update(fixed or {})
        paginator = MarkerCursorPagination() if rows else None
        if paginator is not None:
            params.update(paginator.params(request))
        if if_match and "If-Match" in request.headers:
            params["if_match"] = request.headers["If-Match"]
        result = api.run(request, operation, params)
        if status == 204:
            return Response(status=204)
        body = shapes.shaped(operation, result)
        if paginator is not None and rows is not None:
            page = _Page(bool(body.get("IsTruncated")), body.get("Marker"))
            if isinstance(rows, str):
                results = shapes.to_json(shapes.output_shape(operation, rows), body.get(rows, []))
            else:
                results = shapes.kinded_rows(operation, body, rows)
            return paginator.response(page, results)
        data_out = shapes.to_json(shapes.output_shape(operation, member), body[member] if member else body)
        for name, value in unchecked.items():
            if not isinstance(data_out, Mapping) or data_out.get(name) != value:
                raise NoSuchEntity(f"{request.path} names no resource.", field=name)
        response = Response(data_out, status=status)
        if etag is not None:
            response["ETag"] = etag_of(_dig(body, etag))
        return response

    handler.__doc__ = f"{operation}."
    responses: dict[int, Any] = {
        status: (
            OpenApiResponse(description="No content.")
            if status == 204
            else OpenApiResponse(response=shapes.response_schema(operation, rows or member, paged=bool(rows)))
        )
    }
    responses.update(_error_responses(operation, errors))
    if if_match:
        responses[412] = OpenApiResponse(response=ERROR_SCHEMA, description="PreconditionFailed: If-Match differs.")
    parameters: list[Any] = []
    if reads_query and has_input:
        parameters.append(serializer)
    if rows:
        parameters.extend(_PAGING)
    if if_match:
        parameters.append(
            OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, description="The ETag of the document this write replaces."
            )
        )
    schema: dict[str, Any] = {
        "operation_id": operation_id or operation,
        "summary": summary or _words(operation),
        "description": f"Runs the operation `{operation}` as the authenticated principal.",
        "parameters": parameters,
        "request": None if reads_query or not has_input else serializer,
        "responses": responses,
    }
    handler.schema = schema  # type: ignore[attr-defined]
    return extend_schema(**schema)(handler)


_PAGING = [
    OpenApiParameter(
        CURSOR, str, OpenApiParameter.QUERY, description="The page to read, from a previous answer's next or previous."
    ),
    OpenApiParameter(PAGE_SIZE, int, OpenApiParameter.QUERY, description="Results per page, 1 to 1000 (100 if unset)."),
]


@dataclass(frozen=True)
class _Page:
    is_truncated: bool
    marker: str | None


def _words(operation: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", operation)


def route(name: str, url_path: str, *, detail: bool = True, unsigned: bool = False, **methods: Handler) -> Handler:
    """One sub-resource of a viewset (``url_path``, a regex with named groups for the names it adds), each HTTP
    method served by its endpoint. ``name`` must be the attribute the viewset binds it to. ``unsigned``: served to
    unsigned requests too, as the anonymous caller (AssumeRoleWithWebIdentity and AssumeRoleWithSAML)."""

    def view(self: OperationViewSet, request: Request, **kwargs: str) -> Response:
        method = str(request.method).lower()
        # DRF answers HEAD with the GET handler (no body is sent back).
        return methods["get" if method == "head" else method](self, request, **kwargs)

    view.__name__ = name
    allowed: list[Any] = list(methods)
    options: dict[str, Any] = {}
    if unsigned:
        options = {"authentication_classes": list(FEDERATION), "permission_classes": []}
    view = action(detail=detail, methods=allowed, url_path=url_path, url_name=name.replace("_", "-"), **options)(view)
    for method, handler in methods.items():
        view = extend_schema(methods=[method.upper()], **handler.schema)(view)  # type: ignore[attr-defined]
    return view


def listing(
    name: str,
    url_path: str,
    key: Sequence[str],
    *,
    list_operation: str,
    rows: str,
    add: str,
    remove: str | None = None,
) -> Handler:
    """A sub-resource that is a list of things: GET pages through them, POST adds one (or some), DELETE (with the
    query string) removes them: ``users/{user_name}/groups/``, a resource's ``tags/``, ``attached-policies/``."""
    get = endpoint(list_operation, rows=rows, path=key)
    post = endpoint(add, status=204, path=key, method="post")
    if remove is None:
        return route(name, url_path, get=get, post=post)
    return route(name, url_path, get=get, post=post, delete=endpoint(remove, status=204, path=key, method="delete"))


def call(name: str, url_path: str, operation: str, *, unsigned: bool = False, **options: Any) -> Handler:
    """A POST to a verb of a collection (``sts/assume-role/``, ``simulate/custom/``): runs ``operation`` on the JSON
    body; ``options`` as :func:`endpoint` takes them."""
    return route(name, url_path, detail=False, unsigned=unsigned, post=endpoint(operation, method="post", **options))
