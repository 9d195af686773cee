from django.urls import path

from accounts import event_views, settings_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("account-alias", views.account_alias, name="account-alias"),
    path("search", views.search, name="search"),
    path("account-settings", views.account_settings, name="account-settings"),
    path(
        "account-settings/sts",
        settings_views.sts_preferences_view(views.settings_panels),
        name="account-settings-sts",
    ),
    path("credential-report", views.credential_report, name="credential-report"),
    path("credential-report/download", views.credential_report_download, name="credential-report-download"),
    path("signin", views.signin, name="signin"),
    # Before the account pattern: an account aliased "change-password" or "mfa" signs in by its id.
    path("signin/change-password", views.signin_change_password, name="signin-change-password"),
    path("signin/mfa", views.signin_mfa, name="signin-mfa"),
    path("signin/<str:account>", views.user_signin, name="user-signin"),
    path("signout", views.signout, name="signout"),
    path("events", event_views.event_list, name="event-list"),
    path("events/export", event_views.event_export, name="event-export"),
    path("events/<int:event_id>", event_views.event_detail, name="event-detail"),
]
