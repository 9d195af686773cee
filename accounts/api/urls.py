from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter()
router.register("account", views.AccountViewSet, basename="account")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
