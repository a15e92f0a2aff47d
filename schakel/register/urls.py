from django.urls import path

from schakel.register.views import contacts, organisations

app_name = "register"

urlpatterns = [
    path("", organisations.organisation_list, name="organisation_list"),
    path("new/", organisations.organisation_create, name="organisation_create"),
    path("export/", organisations.organisation_export, name="organisation_export"),
    path("lookup/", organisations.organisation_lookup, name="organisation_lookup"),
    path("<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("<int:pk>/timeline/", organisations.organisation_timeline, name="organisation_timeline"),
    path("<int:pk>/timeline/add/", organisations.activity_add, name="activity_add"),
    path("<int:pk>/audit/", organisations.organisation_audit, name="organisation_audit"),
    path("<int:pk>/relations/add/", organisations.relation_add, name="relation_add"),
    path(
        "<int:pk>/relations/<int:relation_pk>/remove/",
        organisations.relation_remove,
        name="relation_remove",
    ),
    path("<int:pk>/contacts/new/", contacts.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/export/",
        contacts.contact_export,
        name="contact_export",
    ),
    path("<int:pk>/contacts/<int:contact_pk>/erase/", contacts.contact_erase, name="contact_erase"),
    # Import routes (views/imports.py) go below this line.
]

from schakel.register.views import imports  # noqa: E402  (kept with its routes)

urlpatterns += [
    path("import/", imports.import_start, name="import_start"),
    path("import/examples/<str:name>", imports.import_example, name="import_example"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/status/", imports.import_status, name="import_status"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
]
