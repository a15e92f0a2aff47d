from django.contrib import admin

from schakel.facilities.models import (
    Booking,
    CalendarFeed,
    Closure,
    CompanyCertificate,
    Facility,
    FacilityManager,
    Lease,
    OpeningHours,
    Resource,
    WaitingListEntry,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class ManagerInline(admin.TabularInline):
    model = FacilityManager
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "operator", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "external_id"]
    raw_id_fields = ["operator", "offering", "municipality"]
    inlines = [OpeningHoursInline, ClosureInline, ManagerInline]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "facility", "kind", "capacity", "is_bookable", "is_leasable"]
    list_filter = ["kind", "is_bookable", "is_leasable", "facility__kind"]
    search_fields = ["name", "external_id", "facility__name"]
    raw_id_fields = ["facility", "offering"]
    exclude = ["ics_token"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change through the services (rules, audit, e-mail)."""

    list_display = ["resource", "company", "start", "end", "status", "amount_incl_vat"]
    list_filter = ["status", "resource__facility"]
    date_hierarchy = "start"
    raw_id_fields = ["resource", "company", "booked_by", "decided_by", "cancelled_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Lease)
class LeaseAdmin(admin.ModelAdmin):
    list_display = ["unit", "company", "starts_on", "ends_on", "monthly_rent", "status"]
    list_filter = ["status", "unit__facility"]
    raw_id_fields = ["unit", "company", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WaitingListEntry)
class WaitingListAdmin(admin.ModelAdmin):
    list_display = ["centre", "company", "unit_kind", "requested_at", "status"]
    list_filter = ["status", "centre"]
    raw_id_fields = ["company", "offered_unit"]


admin.site.register(CompanyCertificate)
admin.site.register(CalendarFeed)
