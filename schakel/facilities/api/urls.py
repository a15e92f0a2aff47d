from rest_framework.routers import SimpleRouter

from schakel.facilities.api import views

router = SimpleRouter()
router.register("resources", views.ResourceViewSet, basename="facilities-resource")
router.register("bookings", views.BookingViewSet, basename="facilities-booking")
router.register("leases", views.LeaseViewSet, basename="facilities-lease")

urlpatterns = router.urls
