from rest_framework.routers import SimpleRouter

from schakel.places.api import views

router = SimpleRouter()
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("regions", views.RegionViewSet, basename="region")
router.register("nace", views.NaceCodeViewSet, basename="nace")
router.register("taxonomy/domains", views.DomainViewSet, basename="domain")
router.register("taxonomy/clusters", views.ClusterViewSet, basename="cluster")
router.register("taxonomy/themes", views.ThemeViewSet, basename="theme")

urlpatterns = router.urls
