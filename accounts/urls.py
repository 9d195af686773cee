from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("signin", views.signin, name="signin"),
    path("signout", views.signout, name="signout"),
]
