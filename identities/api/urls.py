from rest_framework.routers import SimpleRouter

from identities.api.access import UnusedPermissionsViewSet
from identities.api.views import UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("unused-permissions", UnusedPermissionsViewSet, basename="unused-permissions")

urlpatterns = router.urls
