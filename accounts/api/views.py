"""``/api/v1/account/``: the caller's account, its alias, password policy and summary (GetAccountSummary is the
identities app's operation, served here because it describes the account)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import AuditEventFilterSerializer, AuditEventSerializer
from iamconsole.errors import NoSuchEntity
from iamconsole.restapi import views as api
from iamconsole.restapi.endpoints import ERROR_SCHEMA, OperationViewSet, endpoint, route
from iamconsole.restapi.pagination import MarkerCursorPagination

ERROR = OpenApiResponse(
    response=ERROR_SCHEMA, description="ValidationError (400, with the field) or AccessDenied (403)."
)


class AccountViewSet(OperationViewSet):
    """The caller's account: its alias, password policy and summary."""

    alias = route(
        "alias",
        "alias",
        detail=False,
        get=endpoint("ListAccountAliases", rows="AccountAliases"),
        put=endpoint("CreateAccountAlias", status=204, method="put"),
        delete=endpoint("DeleteAccountAlias", status=204, method="delete"),
    )
    password_policy = route(
        "password_policy",
        "password-policy",
        detail=False,
        get=endpoint("GetAccountPasswordPolicy", member="PasswordPolicy"),
        put=endpoint("UpdateAccountPasswordPolicy", status=204, method="put"),
        delete=endpoint("DeleteAccountPasswordPolicy", status=204, method="delete"),
    )
    summary = route("summary", "summary", detail=False, get=endpoint("GetAccountSummary", member="SummaryMap"))
    sessions = route("sessions", "sessions", detail=False, get=endpoint("ListAccountSessions", rows="Sessions"))
    authorization_details = route(
        "authorization_details",
        "authorization-details",
        detail=False,
        get=endpoint(
            "GetAccountAuthorizationDetails",
            rows={
                "UserDetailList": "User",
                "GroupDetailList": "Group",
                "RoleDetailList": "Role",
                "Policies": "ManagedPolicy",
            },
        ),
    )
    # ChangePassword is the identities app's; it changes the caller's own password, an account-wide setting's use.
    password = route("password", "password", detail=False, post=endpoint("ChangePassword", status=204, method="post"))


class AuditEventViewSet(OperationViewSet):
    """The account's audit trail through LookupEvents (``cloudtrail:LookupEvents``), newest first."""

    pagination_class = MarkerCursorPagination
    schema = AutoSchema()  # answered through a serializer: drf-spectacular's own list mechanics describe the page

    @extend_schema(
        operation_id="LookupEvents",
        summary="Lookup Events",
        description="Runs the operation `LookupEvents` (authorized as `cloudtrail:LookupEvents`) as the "
        "authenticated principal: the account's audited calls, newest first, filtered by principal, operation, "
        "resource, outcome and time range. Parameters are shown as stored, secrets redacted.",
        parameters=[AuditEventFilterSerializer],
        responses={200: AuditEventSerializer(many=True), **{code: ERROR for code in (400, 403)}},
    )
    def list(self, request: Request) -> Response:
        # A plain dict, not the QueryDict: DRF reads a boolean missing from form-like input as false, which would
        # filter to writes only.
        query = AuditEventFilterSerializer(data=dict(request.query_params.items()))
        query.is_valid(raise_exception=True)
        paginator = MarkerCursorPagination()
        params = {name: value for name, value in query.validated_data.items() if value is not None}
        page = api.run(request, "LookupEvents", {**params, **paginator.params(request)})
        return paginator.response(page, AuditEventSerializer(page.items, many=True).data)

    @extend_schema(
        operation_id="LookupEvent",
        summary="Lookup Event",
        description="Runs the operation `LookupEvents` for one event id (authorized as `cloudtrail:LookupEvents`).",
        parameters=[OpenApiParameter("event_id", str, OpenApiParameter.PATH, description="The event's id.")],
        responses={200: AuditEventSerializer, **{code: ERROR for code in (400, 403, 404)}},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        page = api.run(request, "LookupEvents", {"event_id": pk, "max_items": 1})
        if not page.items:
            raise NoSuchEntity(f"The event with id {pk} cannot be found.", field="event_id")
        return Response(AuditEventSerializer(page.items[0]).data)
