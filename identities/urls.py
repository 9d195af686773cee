from django.urls import path

from identities import views
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
]
