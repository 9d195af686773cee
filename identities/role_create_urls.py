"""Routes of the create role wizard, mounted before ``identities.urls`` so that no ``roles/<role_name>`` page
shadows them ("create" is also a valid role name)."""

from django.urls import path

from identities import role_create_views

app_name = "role_create"
urlpatterns = [
    path("roles/create", role_create_views.role_create, name="wizard"),
    path("roles/create/preview", role_create_views.role_create_preview, name="preview"),
    path("roles/create/check", role_create_views.role_create_check, name="check"),
    path("roles/create/policy", role_create_views.role_create_policy_json, name="policy-json"),
    path("roles/create/cancel", role_create_views.role_create_cancel, name="cancel"),
]
