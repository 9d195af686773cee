from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter()
router.register("account", views.AccountViewSet, basename="account")

urlpatterns = router.urls
