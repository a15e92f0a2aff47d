from rest_framework.routers import SimpleRouter

from schakel.core.api import schema  # noqa: F401  (registers the schema extensions)
from schakel.register.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register(
    r"organisations/(?P<organisation_pk>\d+)/activities",
    views.OrganisationActivityViewSet,
    basename="organisation-activity",
)
router.register(
    r"organisations/(?P<organisation_pk>\d+)/relations",
    views.OrganisationRelationViewSet,
    basename="organisation-relation",
)
router.register(
    r"organisations/(?P<organisation_pk>\d+)/audit",
    views.OrganisationAuditViewSet,
    basename="organisation-audit",
)

urlpatterns = router.urls
