from django.urls import path

from sts import views

app_name = "sts"
urlpatterns = [
    path("saml", views.saml_signin, name="saml"),
    path("federation", views.federation, name="federation"),
    path("switchrole", views.switch_role, name="switchrole"),
    path("switchrole/back", views.switch_back, name="switchrole-back"),
    path(
        "outbound/<uuid:issuer_id>/.well-known/openid-configuration",
        views.outbound_openid_configuration,
        name="outbound-openid-configuration",
    ),
    path("outbound/<uuid:issuer_id>/.well-known/jwks.json", views.outbound_jwks, name="outbound-jwks"),
]
