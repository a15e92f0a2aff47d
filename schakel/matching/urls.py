from django.urls import path

from schakel.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.match_page, name="match"),
    path("companies/lookup/", views.company_lookup, name="company_lookup"),
    path("feedback/", views.feedback, name="feedback"),
    path(
        "offering/<str:external_id>/companies/",
        views.offering_companies,
        name="offering_companies",
    ),
]
