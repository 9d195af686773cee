from rest_framework.routers import SimpleRouter

from identities.api.access import AllowedPrincipalsViewSet, UnusedPermissionsViewSet
from identities.api.views import UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("allowed-principals", AllowedPrincipalsViewSet, basename="allowed-principals")
router.register("unused-permissions", UnusedPermissionsViewSet, basename="unused-permissions")

urlpatterns = router.urls
