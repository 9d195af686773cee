"""``/api/v1/`` resources of the identities app: users, groups, roles, instance profiles, service-linked roles and
identity providers, with their sub-resources. Every method is one operation of the catalogue
(:func:`iamconsole.restapi.endpoints.endpoint`); ListUsers and GetUser keep their hand-written serializers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from iamconsole.restapi import views as api
from iamconsole.restapi.endpoints import NAME, OperationViewSet, endpoint, listing, route, url_names
from iamconsole.restapi.pagination import MarkerCursorPagination
from identities.api.serializers import UserDetailSerializer, UserListInputSerializer, UserSerializer

#: Anything up to the next slash: every legal IAM user name (``[\w+=,.@-]{1,64}``) and more, so that GetUser, not
#: the router, answers for a name it refuses.
USER_NAME = NAME


def _principal_routes(kind: str, key: str) -> tuple[Any, Any, Any]:
    """The sub-resources users, groups and roles share: managed policies, inline policies, and one inline policy
    (with ETag and If-Match)."""
    path = (key,)
    inline = (key, "policy_name")
    return (
        listing(
            "attached_policies",
            "attached-policies",
            path,
            list_operation=f"ListAttached{kind}Policies",
            rows="AttachedPolicies",
            add=f"Attach{kind}Policy",
            remove=f"Detach{kind}Policy",
        ),
        route(
            "inline_policies",
            "inline-policies",
            get=endpoint(f"List{kind}Policies", rows="PolicyNames", path=path),
        ),
        route(
            "inline_policy",
            rf"inline-policies/(?P<policy_name>{NAME})",
            get=endpoint(f"Get{kind}Policy", path=inline, etag="PolicyDocument"),
            put=endpoint(
                f"Put{kind}Policy",
                status=204,
                path=inline,
                method="put",
                if_match=True,
            ),
            delete=endpoint(
                f"Delete{kind}Policy",
                status=204,
                path=inline,
                method="delete",
                if_match=True,
            ),
        ),
    )


def _tags(kind: str, key: str) -> Any:
    return listing(
        "tags", "tags", (key,), list_operation=f"List{kind}Tags", rows="Tags", add=f"Tag{kind}", remove=f"Untag{kind}"
    )


def _boundary(kind: str, key: str) -> Any:
    return route(
        "permissions_boundary",
        "permissions-boundary",
        put=endpoint(f"Put{kind}PermissionsBoundary", status=204, path=(key,), method="put"),
        delete=endpoint(f"Delete{kind}PermissionsBoundary", status=204, path=(key,), method="delete"),
    )


USER = ("user_name",)
GET_USER_NAMES = url_names("GetUser")
KEY = ("user_name", "access_key_id")
MFA = ("user_name", "serial_number")


class UserViewSet(OperationViewSet):
    """IAM users of the caller's account."""

    serializer_class = UserSerializer
    pagination_class = MarkerCursorPagination
    schema = AutoSchema()  # ListUsers answers through a serializer: drf-spectacular's own list mechanics describe it
    lookup_field = "user_name"
    lookup_value_regex = USER_NAME

    @extend_schema(operation_id="ListUsers", parameters=[UserListInputSerializer], responses=UserSerializer(many=True))
    def list(self, request: Request) -> Response:
        """ListUsers: the account's users by name, a page at a time."""
        query = UserListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = MarkerCursorPagination()
        page = api.run(request, "ListUsers", {**query.validated_data, **paginator.params(request)})
        return paginator.response(page, UserSerializer(page.items, many=True).data)

    @extend_schema(
        operation_id="GetUser",
        parameters=[OpenApiParameter("user_name", str, OpenApiParameter.PATH, description="The user's name.")],
        responses=UserDetailSerializer,
    )
    def retrieve(self, request: Request, user_name: str) -> Response:
        """GetUser: one user with its permissions boundary and tags."""
        GET_USER_NAMES.check({"user_name": user_name})
        user = api.run(request, "GetUser", {"user_name": user_name})
        return Response(UserDetailSerializer(user).data)

    create = endpoint("CreateUser", member="User", status=201, method="post")
    partial_update = endpoint("UpdateUser", status=204, path=USER, method="patch")
    destroy = endpoint("DeleteUser", status=204, path=USER, method="delete")
    access_keys = route(
        "access_keys",
        "access-keys",
        get=endpoint("ListAccessKeys", rows="AccessKeyMetadata", path=USER),
        post=endpoint("CreateAccessKey", member="AccessKey", status=201, path=USER, method="post"),
    )
    access_key = route(
        "access_key",
        rf"access-keys/(?P<access_key_id>{NAME})",
        get=endpoint("GetAccessKeyLastUsed", path=KEY),
        patch=endpoint("UpdateAccessKey", status=204, path=KEY, method="patch"),
        delete=endpoint("DeleteAccessKey", status=204, path=KEY, method="delete"),
    )
    login_profile = route(
        "login_profile",
        "login-profile",
        get=endpoint("GetLoginProfile", member="LoginProfile", path=USER),
        post=endpoint("CreateLoginProfile", member="LoginProfile", status=201, path=USER, method="post"),
        patch=endpoint("UpdateLoginProfile", status=204, path=USER, method="patch"),
        delete=endpoint("DeleteLoginProfile", status=204, path=USER, method="delete"),
    )
    mfa_devices = listing(
        "mfa_devices", "mfa-devices", USER, list_operation="ListMFADevices", rows="MFADevices", add="EnableMFADevice"
    )
    # A serial number is an ARN (``arn:aws:iam::123456789012:mfa/name``): it keeps its slashes.
    mfa_device = route(
        "mfa_device",
        r"mfa-devices/(?P<serial_number>.+)",
        get=endpoint("GetMFADevice", path=MFA),
        # PATCH resynchronizes the device with two consecutive codes from its (drifted) clock.
        patch=endpoint("ResyncMFADevice", status=204, path=MFA, method="patch"),
        delete=endpoint("DeactivateMFADevice", status=204, path=MFA, method="delete"),
    )
    groups = listing("groups", "groups", USER, list_operation="ListGroupsForUser", rows="Groups", add="AddUserToGroup")
    group = route(
        "group",
        rf"groups/(?P<group_name>{NAME})",
        delete=endpoint("RemoveUserFromGroup", status=204, path=("user_name", "group_name"), method="delete"),
    )
    attached_policies, inline_policies, inline_policy = _principal_routes("User", "user_name")
    tags = _tags("User", "user_name")
    permissions_boundary = _boundary("User", "user_name")


GROUP = ("group_name",)


class GroupViewSet(OperationViewSet):
    """IAM groups of the caller's account."""

    lookup_field = "group_name"

    list = endpoint("ListGroups", rows="Groups")
    create = endpoint("CreateGroup", member="Group", status=201, method="post")
    retrieve = endpoint("GetGroup", member="Group", path=GROUP, only=())
    partial_update = endpoint("UpdateGroup", status=204, path=GROUP, method="patch")
    destroy = endpoint("DeleteGroup", status=204, path=GROUP, method="delete")
    users = route(
        "users",
        "users",
        get=endpoint("GetGroup", rows="Users", path=GROUP, operation_id="ListGroupUsers"),
        post=endpoint("AddUserToGroup", status=204, path=GROUP, method="post", operation_id="AddGroupUser"),
    )
    user = route(
        "user",
        rf"users/(?P<user_name>{NAME})",
        delete=endpoint(
            "RemoveUserFromGroup",
            status=204,
            path=("group_name", "user_name"),
            method="delete",
            operation_id="RemoveGroupUser",
        ),
    )
    attached_policies, inline_policies, inline_policy = _principal_routes("Group", "group_name")


ROLE = ("role_name",)


class RoleViewSet(OperationViewSet):
    """IAM roles of the caller's account."""

    lookup_field = "role_name"

    list = endpoint("ListRoles", rows="Roles")
    create = endpoint("CreateRole", member="Role", status=201, method="post")
    retrieve = endpoint("GetRole", member="Role", path=ROLE, etag="Role.AssumeRolePolicyDocument")
    partial_update = endpoint("UpdateRole", status=204, path=ROLE, method="patch")
    destroy = endpoint("DeleteRole", status=204, path=ROLE, method="delete")
    trust_policy = route(
        "trust_policy",
        "trust-policy",
        get=endpoint(
            "GetRole",
            member="Role",
            path=ROLE,
            etag="Role.AssumeRolePolicyDocument",
            operation_id="GetRoleTrustPolicy",
        ),
        put=endpoint("UpdateAssumeRolePolicy", status=204, path=ROLE, method="put", if_match=True),
    )
    attached_policies, inline_policies, inline_policy = _principal_routes("Role", "role_name")
    tags = _tags("Role", "role_name")
    permissions_boundary = _boundary("Role", "role_name")
    instance_profiles = route(
        "instance_profiles",
        "instance-profiles",
        get=endpoint("ListInstanceProfilesForRole", rows="InstanceProfiles", path=ROLE),
    )
    sessions = route("sessions", "sessions", get=endpoint("ListRoleSessions", rows="Sessions", path=ROLE))
    revoke_sessions = route(
        "revoke_sessions",
        "sessions/revoke",
        post=endpoint("RevokeOlderRoleSessions", path=ROLE, method="post"),
    )
    revoke_session = route(
        "revoke_session",
        rf"sessions/(?P<access_key_id>{NAME})/revoke",
        post=endpoint("RevokeRoleSession", member="Session", path=("role_name", "access_key_id"), method="post"),
    )


PROFILE = ("instance_profile_name",)


class InstanceProfileViewSet(OperationViewSet):
    """Instance profiles of the caller's account."""

    lookup_field = "instance_profile_name"

    list = endpoint("ListInstanceProfiles", rows="InstanceProfiles")
    create = endpoint("CreateInstanceProfile", member="InstanceProfile", status=201, method="post")
    retrieve = endpoint("GetInstanceProfile", member="InstanceProfile", path=PROFILE)
    destroy = endpoint("DeleteInstanceProfile", status=204, path=PROFILE, method="delete")
    roles = route("roles", "roles", post=endpoint("AddRoleToInstanceProfile", status=204, path=PROFILE, method="post"))
    role = route(
        "role",
        rf"roles/(?P<role_name>{NAME})",
        delete=endpoint(
            "RemoveRoleFromInstanceProfile", status=204, path=("instance_profile_name", "role_name"), method="delete"
        ),
    )
    tags = _tags("InstanceProfile", "instance_profile_name")


class ServiceLinkedRoleViewSet(OperationViewSet):
    """Service-linked roles: created for an AWS service, deleted by a task whose status can be followed."""

    lookup_field = "role_name"

    list = endpoint(
        "ListRoles", rows="Roles", fixed={"path_prefix": "/aws-service-role/"}, operation_id="ListServiceLinkedRoles"
    )
    create = endpoint("CreateServiceLinkedRole", member="Role", status=201, method="post")
    destroy = endpoint("DeleteServiceLinkedRole", status=202, path=ROLE, method="delete")
    # A deletion task id keeps its slashes (``task/aws-service-role/SERVICE/ROLE/UUID``).
    deletion_status = route(
        "deletion_status",
        r"deletion-tasks/(?P<deletion_task_id>.+)",
        detail=False,
        get=endpoint("GetServiceLinkedRoleDeletionStatus", path=("deletion_task_id",)),
    )


class SAMLProviderViewSet(OperationViewSet):
    """SAML identity providers, named by their ARN (``arn:aws:iam::ACCOUNT:saml-provider/NAME``)."""

    lookup_field = "saml_provider_arn"
    lookup_value_regex = r"arn:[^/]+/[^/]+"
    ARN = ("saml_provider_arn",)

    list = endpoint("ListSAMLProviders", rows="SAMLProviderList")
    create = endpoint("CreateSAMLProvider", status=201, method="post")
    retrieve = endpoint("GetSAMLProvider", path=ARN)
    partial_update = endpoint("UpdateSAMLProvider", path=ARN, method="patch")
    destroy = endpoint("DeleteSAMLProvider", status=204, path=ARN, method="delete")
    tags = _tags("SAMLProvider", "saml_provider_arn")


class OIDCProviderViewSet(OperationViewSet):
    """OpenID Connect identity providers, named by their ARN (``arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH``)."""

    lookup_field = "open_id_connect_provider_arn"
    # The ARN holds the provider's URL path, slashes included; it stops before a trailing ``/tags/`` or
    # ``/client-ids/[ID/]`` so those sub-resources are told apart (a provider whose own path ends so cannot be).
    lookup_value_regex = r"arn:[^/]+/(?:(?!/(?:tags|client-ids(?:/[^/]+)?)/$).)+"
    ARN = ("open_id_connect_provider_arn",)

    list = endpoint("ListOpenIDConnectProviders", rows="OpenIDConnectProviderList")
    create = endpoint("CreateOpenIDConnectProvider", status=201, method="post")
    retrieve = endpoint("GetOpenIDConnectProvider", path=ARN)
    partial_update = endpoint("UpdateOpenIDConnectProviderThumbprint", status=204, path=ARN, method="patch")
    destroy = endpoint("DeleteOpenIDConnectProvider", status=204, path=ARN, method="delete")
    tags = _tags("OpenIDConnectProvider", "open_id_connect_provider_arn")
    client_ids = route(
        "client_ids",
        "client-ids",
        post=endpoint("AddClientIDToOpenIDConnectProvider", status=204, path=ARN, method="post"),
    )
    client_id = route(
        "client_id",
        r"client-ids/(?P<client_id>[^/]+)",
        delete=endpoint(
            "RemoveClientIDFromOpenIDConnectProvider",
            status=204,
            path=("open_id_connect_provider_arn", "client_id"),
            method="delete",
        ),
    )


class CredentialReportViewSet(OperationViewSet):
    """The account's credential report: POST starts it, GET reads it (base64 CSV) once it is complete."""

    list = endpoint("GetCredentialReport")
    create = endpoint("GenerateCredentialReport", status=202, method="post")


class VirtualMFADeviceViewSet(OperationViewSet):
    """Virtual MFA devices of the caller's account, named by serial number (an ARN: ``arn:aws:iam::ACCOUNT:mfa/NAME``).

    The seed and QR code are in the creating answer only (base64, as AWS sends them)."""

    lookup_field = "serial_number"
    # The serial number keeps its slashes (a device's path); it stops before a trailing ``/tags/``.
    lookup_value_regex = r"arn:[^/]+/(?:(?!/tags/$).)+"

    list = endpoint("ListVirtualMFADevices", rows="VirtualMFADevices")
    create = endpoint("CreateVirtualMFADevice", member="VirtualMFADevice", status=201, method="post")
    destroy = endpoint("DeleteVirtualMFADevice", status=204, path=("serial_number",), method="delete")
    tags = _tags("MFADevice", "serial_number")
