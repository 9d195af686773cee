"""Serializers of the users endpoints: input (what a request may say) apart from output (what a user looks like).

Names are snake_case as botocore names AWS's members (``UserName`` → ``user_name``, ``CreateDate`` →
``create_date``), so a field error from ``operations.run`` names the field the client sent.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from iamconsole.domain import tag_list
from identities.awsapi.users import user_arn


class UserListInputSerializer(serializers.Serializer[Any]):
    """Query parameters of ``GET /api/v1/users/`` (ListUsers's ``PathPrefix``); paging is the paginator's."""

    path_prefix = serializers.CharField(required=False, help_text="Only users whose path starts with this prefix.")


class PermissionsBoundarySerializer(serializers.Serializer[Any]):
    """A user's permissions boundary."""

    permissions_boundary_type = serializers.SerializerMethodField()
    permissions_boundary_arn = serializers.CharField(source="arn")

    def get_permissions_boundary_type(self, policy: Any) -> str:
        return "PermissionsBoundaryPolicy"


class TagSerializer(serializers.Serializer[Any]):
    """One tag."""

    key = serializers.CharField(source="Key")
    value = serializers.CharField(source="Value", allow_blank=True)


class UserSerializer(serializers.Serializer[Any]):
    """An IAM user, as ListUsers returns it."""

    path = serializers.CharField()
    user_name = serializers.CharField(source="name")
    user_id = serializers.CharField()
    arn = serializers.SerializerMethodField()
    create_date = serializers.DateTimeField(source="created_at")
    password_last_used = serializers.DateTimeField(allow_null=True)

    def get_arn(self, user: Any) -> str:
        return user_arn(user)


class UserDetailSerializer(UserSerializer):
    """An IAM user, as GetUser returns it: with its permissions boundary and tags."""

    permissions_boundary = PermissionsBoundarySerializer(allow_null=True)
    tags = serializers.SerializerMethodField()

    def get_tags(self, user: Any) -> list[dict[str, str]]:
        return [{"key": tag["Key"], "value": tag["Value"]} for tag in tag_list(user.tags)]
