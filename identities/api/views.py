"""``/api/v1/users/``: ListUsers and GetUser over REST, each an explicit method calling ``operations.run``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole.restapi import views as api
from iamconsole.restapi.pagination import MarkerCursorPagination
from identities.api.serializers import UserDetailSerializer, UserListInputSerializer, UserSerializer

#: Anything up to the next slash: every legal IAM user name (``[\w+=,.@-]{1,64}``) and more, so that GetUser, not
#: the router, answers for a name it refuses.
USER_NAME = r"[^/]+"


class UserViewSet(viewsets.GenericViewSet[Any]):
    """IAM users of the caller's account."""

    serializer_class = UserSerializer
    pagination_class = MarkerCursorPagination
    lookup_field = "user_name"
    lookup_value_regex = USER_NAME

    @extend_schema(parameters=[UserListInputSerializer], responses=UserSerializer(many=True))
    def list(self, request: Request) -> Response:
        """ListUsers: the account's users by name, a page at a time."""
        query = UserListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = MarkerCursorPagination()
        page = api.run(request, "ListUsers", {**query.validated_data, **paginator.params(request)})
        return paginator.response(page, UserSerializer(page.items, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("user_name", str, OpenApiParameter.PATH, description="The user's name.")],
        responses=UserDetailSerializer,
    )
    def retrieve(self, request: Request, user_name: str) -> Response:
        """GetUser: one user with its permissions boundary and tags."""
        user = api.run(request, "GetUser", {"user_name": user_name})
        return Response(UserDetailSerializer(user).data)
