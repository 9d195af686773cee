"""``/api/v1/account/``: the caller's account, its alias, password policy, summary and outbound web identity federation
(GetAccountSummary and the federation setting are the identities app's operations, served here because they describe
the account)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import AuditEventFilterSerializer, AuditEventSerializer
from iamconsole.errors import NoSuchEntity
from iamconsole.restapi import views as api
from iamconsole.restapi.endpoints import ERROR_SCHEMA, Handler, OperationViewSet, call, endpoint, route
from iamconsole.restapi.pagination import MarkerCursorPagination

ERROR = OpenApiResponse(
    response=ERROR_SCHEMA, description="ValidationError (400, with the field) or AccessDenied (403)."
)


def _setting(name: str, url_path: str, read: Handler, *, put: str, delete: str, put_answers: bool = False) -> Handler:
    """An account-wide setting: GET reads it, PUT sets it (answering the operation's output when ``put_answers``),
    DELETE removes it."""
    return route(
        name,
        url_path,
        detail=False,
        get=read,
        put=endpoint(put, status=200 if put_answers else 204, method="put"),
        delete=endpoint(delete, status=204, method="delete"),
    )


class AccountViewSet(OperationViewSet):
    """The caller's account: its alias, password policy and summary."""

    alias = _setting(
        "alias",
        "alias",
        endpoint("ListAccountAliases", rows="AccountAliases"),
        put="CreateAccountAlias",
        delete="DeleteAccountAlias",
    )
    password_policy = _setting(
        "password_policy",
        "password-policy",
        endpoint("GetAccountPasswordPolicy", member="PasswordPolicy"),
        put="UpdateAccountPasswordPolicy",
        delete="DeleteAccountPasswordPolicy",
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
    # Outbound web identity federation (sts/web-identity-token/ needs it): PUT enables it, answering the issuer.
    outbound_web_identity_federation = _setting(
        "outbound_web_identity_federation",
        "outbound-web-identity-federation",
        endpoint("GetOutboundWebIdentityFederationInfo"),
        put="EnableOutboundWebIdentityFederation",
        delete="DisableOutboundWebIdentityFederation",
        put_answers=True,
    )
    # ChangePassword is the identities app's; it changes the caller's own password, an account-wide setting's use.
    password = call("password", "password", "ChangePassword", status=204)


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
