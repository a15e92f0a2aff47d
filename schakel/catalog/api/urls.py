from django.urls import path
from rest_framework.routers import SimpleRouter

from schakel.catalog.api import views

router = SimpleRouter()
router.register("offerings", views.OfferingViewSet, basename="offering")

urlpatterns = [
    path("catalog/import/", views.CatalogImportView.as_view(), name="catalog-import"),
    path("catalog/export/", views.CatalogExportView.as_view(), name="catalog-export"),
    *router.urls,
]
