from django.urls import path

from schakel.register.views import organisations

app_name = "register"

urlpatterns = [
    path("", organisations.organisation_list, name="organisation_list"),
    path("<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    # Import routes (views/imports.py) go below this line.
]
