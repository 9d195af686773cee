"""iamconsole's own access analysis over REST, each an explicit method calling ``operations.run``:
``/api/v1/unused-permissions/`` (GetUnusedPermissions) and ``/api/v1/allowed-principals/`` (ListAllowedPrincipals)."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole.restapi import views as api


class _Question(viewsets.GenericViewSet[Any]):
    """A question asked in the query string (``query``) and answered by one operation as ``serializer_class``."""

    operation: ClassVar[str]
    query: ClassVar[type[serializers.Serializer[Any]]]
    #: The OpenAPI description of the answer.
    answers: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        described = extend_schema(description=cls.answers, parameters=[cls.query], responses=cls.serializer_class)
        extend_schema_view(list=described)(cls)

    def list(self, request: Request) -> Response:
        asked = self.query(data=request.query_params)
        asked.is_valid(raise_exception=True)
        return Response(self.get_serializer(api.run(request, self.operation, asked.validated_data)).data)


class UnusedPermissionsInputSerializer(serializers.Serializer[Any]):
    """Query parameters: the user or role, and the period in days (the operation checks 1–400)."""

    arn = serializers.CharField(help_text="The ARN of an IAM user or role.")
    days = serializers.IntegerField(required=False, help_text="The period, in days (default 90, at most 400).")


class FindingSerializer(serializers.Serializer[Any]):
    """One validation finding of the suggested policy."""

    type = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class UnusedPermissionsSerializer(serializers.Serializer[Any]):
    """What a user or role is granted and has not used, and its policies narrowed to what it used."""

    arn = serializers.CharField()
    days = serializers.IntegerField()
    unused_services = serializers.ListField(child=serializers.CharField())
    unused_actions = serializers.ListField(child=serializers.CharField())
    used_actions = serializers.ListField(child=serializers.CharField())
    suggested_policy = serializers.CharField(allow_null=True)
    findings = FindingSerializer(many=True)


class UnusedPermissionsViewSet(_Question):
    """Unused permissions of a user or role, from the audit trail."""

    serializer_class = UnusedPermissionsSerializer
    operation = "GetUnusedPermissions"
    query = UnusedPermissionsInputSerializer
    answers = "GetUnusedPermissions: granted services and actions not used in the period, and a least-privilege policy."


class AllowedPrincipalsInputSerializer(serializers.Serializer[Any]):
    """Query parameters of who can: one action, a resource, and condition keys as a JSON object."""

    action_name = serializers.CharField(help_text="One action, such as s3:GetObject.")
    resource_arn = serializers.CharField(required=False, help_text="The resource's ARN (default *).")
    context_keys = serializers.JSONField(
        required=False, help_text='Condition keys and values, as a JSON object: {"aws:SourceIp": "203.0.113.7"}.'
    )


class AllowedPrincipalSerializer(serializers.Serializer[Any]):
    """A user or role allowed the action, with the policies that allow it."""

    type = serializers.CharField()
    name = serializers.CharField()
    arn = serializers.CharField()
    allowed_by = serializers.ListField(child=serializers.CharField())


class WhoCanSerializer(serializers.Serializer[Any]):
    """The question and its answer."""

    action_name = serializers.CharField()
    resource_arn = serializers.CharField()
    evaluated = serializers.IntegerField()
    principals = AllowedPrincipalSerializer(many=True)


class AllowedPrincipalsViewSet(_Question):
    """Who can: the users and roles of the account allowed an action on a resource."""

    serializer_class = WhoCanSerializer
    operation = "ListAllowedPrincipals"
    query = AllowedPrincipalsInputSerializer
    answers = "ListAllowedPrincipals: every user and role allowed the action on the resource under the context."
