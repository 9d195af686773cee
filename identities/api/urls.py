from rest_framework.routers import SimpleRouter

from identities.api import views
from identities.api.access import AllowedPrincipalsViewSet, UnusedPermissionsViewSet

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
# Beyond AWS: who can, and what a principal was granted but has not used.
router.register("allowed-principals", AllowedPrincipalsViewSet, basename="allowed-principals")
router.register("unused-permissions", UnusedPermissionsViewSet, basename="unused-permissions")

urlpatterns = router.urls
