from django.urls import path

from schakel.places import views

app_name = "places"

urlpatterns = [
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/new/", views.theme_create, name="theme_create"),
    path("themes/<slug:code>/edit/", views.theme_edit, name="theme_edit"),
]
