from django.urls import path

from identities import views

app_name = "identities"
urlpatterns = [
    path("users", views.user_list, name="user-list"),
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
]
