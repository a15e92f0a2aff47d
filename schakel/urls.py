from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

api_v1 = [
    path("", include("schakel.register.api.urls")),
    path("", include("schakel.catalog.api.urls")),
    path("", include("schakel.places.api.urls")),
    path("support/", include("schakel.support.api.urls")),
    path("", include("schakel.facilities.api.urls")),
    path("funding/", include("schakel.funding.api.urls")),
    path("", include("schakel.matching.api.urls")),
]

urlpatterns = [
    path("", include("schakel.portal.urls")),
    path("accounts/", include("schakel.accounts.urls")),
    path("register/", include("schakel.register.urls")),
    path("support/", include("schakel.support.urls")),
    path("facilities/", include("schakel.facilities.urls")),
    path("funding/", include("schakel.funding.urls")),
    path("catalog/", include("schakel.catalog.urls")),
    path("match/", include("schakel.matching.urls")),
    path("places/", include("schakel.places.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
]
