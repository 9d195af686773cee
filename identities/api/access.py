"""``/api/v1/unused-permissions/``: iamconsole's own GetUnusedPermissions over REST, calling ``operations.run``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole.restapi import views as api


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


class UnusedPermissionsViewSet(viewsets.GenericViewSet[Any]):
    """Unused permissions of a user or role, from the audit trail."""

    serializer_class = UnusedPermissionsSerializer

    @extend_schema(parameters=[UnusedPermissionsInputSerializer], responses=UnusedPermissionsSerializer)
    def list(self, request: Request) -> Response:
        """GetUnusedPermissions: granted services and actions not used in the period, and a least-privilege policy."""
        query = UnusedPermissionsInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unused = api.run(request, "GetUnusedPermissions", query.validated_data)
        return Response(UnusedPermissionsSerializer(unused).data)
