from rest_framework.routers import SimpleRouter

from identities.api import views

router = SimpleRouter()
router.register("users", views.UserViewSet, basename="user")
router.register("groups", views.GroupViewSet, basename="group")
router.register("roles", views.RoleViewSet, basename="role")
router.register("instance-profiles", views.InstanceProfileViewSet, basename="instance-profile")
router.register("service-linked-roles", views.ServiceLinkedRoleViewSet, basename="service-linked-role")
router.register("identity-providers/saml", views.SAMLProviderViewSet, basename="saml-provider")
router.register("identity-providers/oidc", views.OIDCProviderViewSet, basename="oidc-provider")
router.register("mfa-devices", views.VirtualMFADeviceViewSet, basename="mfa-device")
router.register("credential-report", views.CredentialReportViewSet, basename="credential-report")

urlpatterns = router.urls
