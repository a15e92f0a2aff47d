from django.urls import path, register_converter

from schakel.catalog import views


class ExternalIdConverter:
    """The open format's id: lowercase letters, digits, dots, dashes and underscores."""

    regex = r"[a-z0-9][a-z0-9._-]{0,79}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExternalIdConverter, "offering_id")

app_name = "catalog"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/import/", views.manage_import, name="manage_import"),
    path("manage/<offering_id:external_id>/", views.manage_detail, name="manage_detail"),
    path("manage/<offering_id:external_id>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/<offering_id:external_id>/archive/", views.manage_archive, name="manage_archive"),
    path(
        "manage/<offering_id:external_id>/unarchive/",
        views.manage_unarchive,
        name="manage_unarchive",
    ),
    # Last: an offering id could otherwise shadow "manage".
    path("<offering_id:external_id>/", views.public_detail, name="public_detail"),
]
