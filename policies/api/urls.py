from rest_framework.routers import SimpleRouter

from policies.api import views

router = SimpleRouter()
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("simulate", views.SimulateViewSet, basename="simulate")

urlpatterns = router.urls
