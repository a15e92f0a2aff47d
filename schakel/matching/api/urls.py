from django.urls import path

from schakel.matching.api import views

urlpatterns = [
    path("match/", views.MatchView.as_view(), name="match-api"),
    path(
        "offerings/<str:external_id>/companies/",
        views.OfferingCompaniesView.as_view(),
        name="match-offering-companies-api",
    ),
]
