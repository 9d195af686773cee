from django.urls import path

from identities import provider_views, role_views, views
from identities.pages import bulk_delete, own_credentials, user_create, user_detail

app_name = "identities"
urlpatterns = [
    path("users", views.user_list, name="user-list"),
    # Fixed paths before /users/<name>: "create" and "delete" are not user names here.
    path("users/create", user_create.user_create, name="user-create"),
    path("users/create/done", user_create.user_created, name="user-created"),
    path("users/delete", bulk_delete.user_bulk_delete, name="user-bulk-delete"),
    path("users/<str:user_name>", user_detail.user_detail, name="user-detail"),
    path("users/<str:user_name>/delete", user_detail.user_delete, name="user-delete"),
    path("users/<str:user_name>/<str:tab>", user_detail.user_tab, name="user-tab"),
    path("security-credentials", own_credentials.security_credentials, name="security-credentials"),
    path("groups", views.group_list, name="group-list"),
    # Before the group pattern: a group named "create" or "delete" is reached through search or the list.
    path("groups/create", views.group_create, name="group-create"),
    path("groups/delete", views.group_bulk_delete, name="group-bulk-delete"),
    path("groups/<str:group_name>", views.group_detail, name="group-detail"),
    path("groups/<str:group_name>/users/add", views.group_add_users, name="group-add-users"),
    path("groups/<str:group_name>/users/remove", views.group_remove_users, name="group-remove-users"),
    path("groups/<str:group_name>/policies/attach", views.group_attach_policies, name="group-attach-policies"),
    path("groups/<str:group_name>/policies/detach", views.group_detach_policies, name="group-detach-policies"),
    path("groups/<str:group_name>/rename", views.group_rename, name="group-rename"),
    path("groups/<str:group_name>/delete", views.group_delete, name="group-delete"),
    path("roles", role_views.role_list, name="role-list"),
    # "~" cannot be in a role name, so no role's page is ever shadowed by this one.
    path("roles/~delete", role_views.role_delete_selected, name="role-delete-selected"),
    path("roles/<str:role_name>", role_views.role_detail, name="role-detail"),
    path("roles/<str:role_name>/edit", role_views.role_edit, name="role-edit"),
    path("roles/<str:role_name>/trust", role_views.role_trust_edit, name="role-trust-edit"),
    path("roles/<str:role_name>/attach", role_views.role_attach, name="role-attach"),
    path("roles/<str:role_name>/detach", role_views.role_detach, name="role-detach"),
    path("roles/<str:role_name>/inline", role_views.role_inline_policy, name="role-inline"),
    path("roles/<str:role_name>/inline/delete", role_views.role_inline_delete, name="role-inline-delete"),
    path("roles/<str:role_name>/boundary", role_views.role_boundary, name="role-boundary"),
    path("roles/<str:role_name>/tags", role_views.role_tags, name="role-tags"),
    path("roles/<str:role_name>/sessions/revoke", role_views.role_session_revoke, name="role-session-revoke"),
    path("roles/<str:role_name>/sessions/revoke-all", role_views.role_sessions_revoke_all, name="role-revoke-all"),
    path("roles/<str:role_name>/delete", role_views.role_delete, name="role-delete"),
    path("roles/<str:role_name>/deletion", role_views.role_deletion_status, name="role-deletion"),
    path("identity-providers", provider_views.provider_list, name="provider-list"),
    path("identity-providers/add", provider_views.provider_add, name="provider-add"),
    # Writes name the provider by its ARN in the form; the detail page has it last in the path (ARNs hold slashes).
    path("identity-providers/edit", provider_views.provider_edit, name="provider-edit"),
    path("identity-providers/tags", provider_views.provider_tags, name="provider-tags"),
    path("identity-providers/delete", provider_views.provider_delete, name="provider-delete"),
    path("identity-providers/<path:arn>", provider_views.provider_detail, name="provider-detail"),
]
