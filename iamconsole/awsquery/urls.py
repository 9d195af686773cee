"""Routes of the AWS Query API: ``/aws`` and ``/aws/`` (botocore keeps an endpoint's path, slash or not)."""

from __future__ import annotations

from django.urls import URLPattern, path

from iamconsole.awsquery import views

app_name = "awsquery"

urlpatterns: list[URLPattern] = [
    path("aws", views.endpoint, name="endpoint"),
    path("aws/", views.endpoint, name="endpoint-slash"),
]
