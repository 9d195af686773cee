from django.urls import path

from identities import views

app_name = "identities"
urlpatterns = [
    path("users", views.user_list, name="user-list"),
]
