from django.urls import path, register_converter

from identities import provider_views, role_views, url_names, views
from identities.pages import bulk_delete, own_credentials, user_create, user_detail

register_converter(url_names.EntityName, "iam-name")
register_converter(url_names.EscapedEntityName, "escaped-iam-name")

app_name = "identities"
# Fixed pages come before the entity pages. Bulk deletes use "~", which starts no IAM name; the create wizards keep
# the paths of the URL map, and url_names escapes the names they shadow.
urlpatterns = [
    path("users", views.user_list, name="user-list"),
    path("users/create", user_create.user_create, name="user-create"),
    path("users/create/done", user_create.user_created, name="user-created"),
    path("users/~delete", bulk_delete.user_bulk_delete, name="user-bulk-delete"),
    *url_names.entity_paths(
        "users",
        "user_name",
        [
            ("", user_detail.user_detail, "user-detail"),
            ("/delete", user_detail.user_delete, "user-delete"),
            ("/<str:tab>", user_detail.user_tab, "user-tab"),
        ],
    ),
    path("security-credentials", own_credentials.security_credentials, name="security-credentials"),
    path("groups", views.group_list, name="group-list"),
    path("groups/create", views.group_create, name="group-create"),
    path("groups/~delete", views.group_bulk_delete, name="group-bulk-delete"),
    *url_names.entity_paths(
        "groups",
        "group_name",
        [
            ("", views.group_detail, "group-detail"),
            ("/users/add", views.group_add_users, "group-add-users"),
            ("/users/remove", views.group_remove_users, "group-remove-users"),
            ("/policies/attach", views.group_attach_policies, "group-attach-policies"),
            ("/policies/detach", views.group_detach_policies, "group-detach-policies"),
            ("/rename", views.group_rename, "group-rename"),
            ("/delete", views.group_delete, "group-delete"),
        ],
    ),
    path("roles", role_views.role_list, name="role-list"),
    path("roles/~delete", role_views.role_delete_selected, name="role-delete-selected"),
    # roles/create and its steps are in role_create_urls, mounted first.
    *url_names.entity_paths(
        "roles",
        "role_name",
        [
            ("", role_views.role_detail, "role-detail"),
            ("/edit", role_views.role_edit, "role-edit"),
            ("/trust", role_views.role_trust_edit, "role-trust-edit"),
            ("/attach", role_views.role_attach, "role-attach"),
            ("/detach", role_views.role_detach, "role-detach"),
            ("/inline", role_views.role_inline_policy, "role-inline"),
            ("/inline/delete", role_views.role_inline_delete, "role-inline-delete"),
            ("/boundary", role_views.role_boundary, "role-boundary"),
            ("/tags", role_views.role_tags, "role-tags"),
            ("/sessions/revoke", role_views.role_session_revoke, "role-session-revoke"),
            ("/sessions/revoke-all", role_views.role_sessions_revoke_all, "role-revoke-all"),
            ("/delete", role_views.role_delete, "role-delete"),
            ("/deletion", role_views.role_deletion_status, "role-deletion"),
        ],
    ),
    path("identity-providers", provider_views.provider_list, name="provider-list"),
    path("identity-providers/add", provider_views.provider_add, name="provider-add"),
    # Writes name the provider by its ARN in the form; the detail page has it last in the path (ARNs hold slashes).
    path("identity-providers/edit", provider_views.provider_edit, name="provider-edit"),
    path("identity-providers/tags", provider_views.provider_tags, name="provider-tags"),
    path("identity-providers/delete", provider_views.provider_delete, name="provider-delete"),
    path("identity-providers/<path:arn>", provider_views.provider_detail, name="provider-detail"),
]
