from rest_framework.routers import SimpleRouter

from sts.api import views

router = SimpleRouter()
router.register("sts", views.StsViewSet, basename="sts")

urlpatterns = router.urls
