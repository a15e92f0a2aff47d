from rest_framework.routers import SimpleRouter

from schakel.funding.api import views

router = SimpleRouter()
router.register("calls", views.CallViewSet, basename="funding-call")
router.register("applications", views.ApplicationViewSet, basename="funding-application")

urlpatterns = router.urls
