"""``/api/v1/policies/`` (managed policies, customer and AWS managed, with their versions, entities and tags),
``/api/v1/policies/validate/`` (Access Analyzer's findings) and ``/api/v1/simulate/`` (the policy simulator).

A policy is addressed by its policy id (``ANPA…``), as the console addresses it; the operations take its ARN, which
the id is resolved to through GetPolicyById (the face never builds an ARN). The default version's document carries
an ``ETag``, and a new version or a new default sent with ``If-Match`` is refused with 412 when the default changed
meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole.etags import etag_of
from iamconsole.restapi import shapes
from iamconsole.restapi import views as api
from iamconsole.restapi.endpoints import ERROR_SCHEMA, OperationViewSet, call, endpoint, listing, route

ARN = ("policy_arn",)


def policy_arn(request: Request, policy_id: str) -> str:
    """The ARN of the policy (customer or AWS managed) with that id: GetPolicyById, authorized as iam:GetPolicy on
    that policy, one query whatever the size of the catalogue."""
    policy = api.run(request, "GetPolicyById", {"policy_id": policy_id})
    return str(shapes.shaped("GetPolicy", policy)["Policy"]["Arn"])


def _default_version(request: Request, arn: str) -> dict[str, Any]:
    """The default version of a policy, shaped as GetPolicyVersion's ``PolicyVersion``."""
    policy = shapes.shaped("GetPolicy", api.run(request, "GetPolicy", {"policy_arn": arn}))["Policy"]
    version = api.run(request, "GetPolicyVersion", {"policy_arn": arn, "version_id": policy["DefaultVersionId"]})
    shaped: dict[str, Any] = shapes.shaped("GetPolicyVersion", version)["PolicyVersion"]
    return shaped


VALIDATE = shapes.input_serializer(
    "ValidatePolicy", only=("policy_document", "policy_type", "validate_policy_resource_type")
)
FINDINGS_SCHEMA = {
    "type": "object",
    "required": ["findings"],
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "code", "message", "path", "line", "column", "end_line", "end_column"],
                "properties": {
                    "type": {"type": "string", "enum": ["ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"]},
                    "code": {"type": "string", "description": "Access Analyzer's issue code."},
                    "message": {"type": "string"},
                    "path": {"type": "string", "description": "A JSON path such as $.Statement[0].Action[1]."},
                    "line": {"type": "integer"},
                    "column": {"type": "integer"},
                    "end_line": {"type": "integer"},
                    "end_column": {"type": "integer"},
                },
            },
        }
    },
}


class PolicyViewSet(OperationViewSet):
    """Managed policies visible to the caller's account: its own and AWS's (``scope``: All, AWS, Local)."""

    lookup_field = "policy_id"

    def path_params(self, request: Request, kwargs: Mapping[str, str]) -> dict[str, Any]:
        params = dict(kwargs)
        policy_id = params.pop("policy_id", None)
        if policy_id is not None:
            params["policy_arn"] = policy_arn(request, policy_id)
        return params

    list = endpoint("ListPolicies", rows="Policies")
    create = endpoint("CreatePolicy", member="Policy", status=201, method="post")
    retrieve = endpoint("GetPolicy", member="Policy", path=ARN)
    destroy = endpoint("DeletePolicy", status=204, path=ARN, method="delete")
    versions = route(
        "versions",
        "versions",
        get=endpoint("ListPolicyVersions", rows="Versions", path=ARN),
        post=endpoint(
            "CreatePolicyVersion",
            member="PolicyVersion",
            status=201,
            path=ARN,
            method="post",
            if_match=True,
        ),
    )
    version = route(
        "version",
        r"versions/(?P<version_id>[^/]+)",
        get=endpoint(
            "GetPolicyVersion", member="PolicyVersion", path=(*ARN, "version_id"), etag="PolicyVersion.Document"
        ),
        delete=endpoint("DeletePolicyVersion", status=204, path=(*ARN, "version_id"), method="delete"),
    )
    entities = route(
        "entities",
        "entities",
        get=endpoint(
            "ListEntitiesForPolicy",
            rows={"PolicyGroups": "Group", "PolicyUsers": "User", "PolicyRoles": "Role"},
            path=ARN,
        ),
    )
    tags = listing(
        "tags", "tags", ARN, list_operation="ListPolicyTags", rows="Tags", add="TagPolicy", remove="UntagPolicy"
    )
    default_version_update = endpoint("SetDefaultPolicyVersion", status=204, path=ARN, method="put", if_match=True)

    @extend_schema(
        methods=["GET"],
        operation_id="GetDefaultPolicyVersion",
        summary="Get the default version",
        description="The policy's default version: its document, with an `ETag` for a later `If-Match`.",
        responses={
            200: OpenApiResponse(response=shapes.response_schema("GetPolicyVersion", "PolicyVersion")),
            403: OpenApiResponse(response=ERROR_SCHEMA, description="AccessDenied"),
            404: OpenApiResponse(response=ERROR_SCHEMA, description="NoSuchEntity"),
        },
    )
    @extend_schema(methods=["PUT"], **default_version_update.schema)  # type: ignore[attr-defined]
    @action(detail=True, methods=["get", "put"], url_path="default-version", url_name="default-version")
    def default_version(self, request: Request, policy_id: str) -> Response:
        """GET: the default version (GetPolicy, then GetPolicyVersion); PUT: SetDefaultPolicyVersion."""
        if request.method == "PUT":
            return self.default_version_update(request, policy_id=policy_id)
        version = _default_version(request, policy_arn(request, policy_id))
        response = Response(shapes.to_json(shapes.output_shape("GetPolicyVersion", "PolicyVersion"), version))
        response["ETag"] = etag_of(version["Document"])
        return response

    @extend_schema(
        operation_id="ValidatePolicy",
        summary="Validate a policy",
        description="Access Analyzer's policy checks (ValidatePolicy): the findings for a document; nothing is saved.",
        request=VALIDATE,
        responses={
            200: OpenApiResponse(response=FINDINGS_SCHEMA),
            400: OpenApiResponse(response=ERROR_SCHEMA, description="ValidationError"),
            403: OpenApiResponse(response=ERROR_SCHEMA, description="AccessDenied"),
        },
    )
    @action(detail=False, methods=["post"], url_path="validate")
    def validate(self, request: Request) -> Response:
        """ValidatePolicy: ``{"findings": [...]}``, each finding with its type, issue code, message and location."""
        given = VALIDATE(data=request.data if isinstance(request.data, Mapping) else {})
        given.is_valid(raise_exception=True)
        findings = api.run(request, "ValidatePolicy", given.validated_data)
        return Response({"findings": [finding.to_dict() for finding in findings]})


class SimulateViewSet(OperationViewSet):
    """The policy simulator: policies given in the request (custom) or a principal's own (principal)."""

    custom = call("custom", "custom", "SimulateCustomPolicy", rows="EvaluationResults")
    principal = call("principal", "principal", "SimulatePrincipalPolicy", rows="EvaluationResults")
    # The condition keys the simulations above would ask for a value of (GetContextKeysFor*Policy).
    custom_context_keys = call("custom_context_keys", "custom/context-keys", "GetContextKeysForCustomPolicy")
    principal_context_keys = call(
        "principal_context_keys", "principal/context-keys", "GetContextKeysForPrincipalPolicy"
    )
