from django.urls import path

from schakel.facilities.views import bookings, calendar, figures, leases, manage, setup

app_name = "facilities"

urlpatterns = [
    path("", bookings.resource_list, name="resource_list"),
    path("resources/<int:pk>/", bookings.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/events/", calendar.resource_events, name="resource_events"),
    path("resources/<int:pk>/quote/", bookings.resource_quote, name="resource_quote"),
    path("resources/<int:pk>/book/", bookings.resource_book, name="resource_book"),
    path(
        "resources/<int:pk>/feed/renew/", calendar.renew_resource_feed, name="renew_resource_feed"
    ),
    path("bookings/", bookings.booking_list, name="booking_list"),
    path("bookings/<int:pk>/", bookings.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("calendar/", calendar.feeds, name="feeds"),
    path("calendar/renew/", calendar.renew_user_feed, name="renew_user_feed"),
    path("ics/resource/<str:token>.ics", calendar.resource_ics, name="resource_ics"),
    path("ics/user/<str:token>.ics", calendar.user_ics, name="user_ics"),
    path("manage/", manage.manage, name="manage"),
    path("manage/bookings/<int:pk>/<str:action>/", manage.booking_action, name="booking_action"),
    path("manage/export.<str:fmt>", manage.export_usage, name="export_usage"),
    path("manage/facilities/", setup.facility_list, name="setup_facilities"),
    path("manage/facilities/new/", setup.facility_create, name="setup_facility_new"),
    path("manage/facilities/<int:pk>/", setup.facility_edit, name="setup_facility"),
    path("manage/facilities/<int:pk>/resources/", setup.resource_list, name="setup_resources"),
    path(
        "manage/facilities/<int:pk>/resources/new/",
        setup.resource_create,
        name="setup_resource_new",
    ),
    path(
        "manage/facilities/<int:pk>/resources/<int:resource_pk>/",
        setup.resource_edit,
        name="setup_resource",
    ),
    path("manage/facilities/<int:pk>/hours/", setup.opening_hours, name="setup_hours"),
    path("manage/facilities/<int:pk>/closures/", setup.closures, name="setup_closures"),
    path(
        "manage/facilities/<int:pk>/closures/<int:closure_pk>/delete/",
        setup.closure_delete,
        name="setup_closure_delete",
    ),
    path("leases/", leases.lease_list, name="lease_list"),
    path("leases/new/", leases.lease_new, name="lease_new"),
    path("leases/<int:pk>/terminate/", leases.lease_terminate, name="lease_terminate"),
    path("centres/<int:pk>/waiting-list/", leases.waiting_list, name="waiting_list"),
    path("waiting-list/<int:pk>/<str:action>/", leases.waiting_action, name="waiting_action"),
    path("figures/", figures.dashboard, name="figures"),
    path("figures/data.json", figures.data, name="figures_data"),
    path("figures/export.<str:fmt>", figures.export, name="figures_export"),
]
