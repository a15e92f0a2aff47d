"""Serializers of the facilities API: resources, availability, bookings."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from schakel.facilities.models import TARIFF_FIELDS, Booking, Lease, Resource


class ResourceSerializer(serializers.ModelSerializer):
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    facility_kind = serializers.CharField(source="facility.kind", read_only=True)
    offering = serializers.SlugRelatedField(slug_field="external_id", read_only=True)
    tariffs = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id",
            "external_id",
            "name",
            "kind",
            "facility",
            "facility_name",
            "facility_kind",
            "description",
            "specifications",
            "capacity",
            "requires_approval",
            "operator_required",
            "required_certificate",
            "tariffs",
            "floor_area_m2",
            "monthly_price",
            "setup_minutes",
            "cleanup_minutes",
            "min_booking_minutes",
            "max_booking_hours",
            "free_cancellation_hours",
            "late_cancellation_percent",
            "offering",
        ]
        read_only_fields = fields

    def get_tariffs(self, obj) -> dict[str, str | None]:
        return {
            name: (str(getattr(obj, name)) if getattr(obj, name) is not None else None)
            for name in TARIFF_FIELDS
        }


class BookingSerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "resource",
            "resource_name",
            "company",
            "company_name",
            "start",
            "end",
            "status",
            "places",
            "with_operator",
            "series",
            "tariff",
            "price_detail",
            "amount_excl_vat",
            "vat_amount",
            "amount_incl_vat",
            "cancelled_by_party",
            "cancelled_at",
            "cancellation_fee",
            "decision_note",
            "used_minutes",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class BookingCreateSerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    company = serializers.IntegerField(
        required=False, help_text=_("Staff: the company the booking is for.")
    )
    places = serializers.IntegerField(required=False, default=1, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RecurringCreateSerializer(BookingCreateSerializer):
    weeks = serializers.IntegerField(min_value=1, max_value=52)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    conflicts = PeriodSerializer(many=True)


class BusySerializer(PeriodSerializer):
    state = serializers.ChoiceField(choices=["full", "partial"])
    tentative = serializers.BooleanField()
    places_taken = serializers.IntegerField()


class AvailabilitySerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    start = serializers.DateTimeField(source="from")
    end = serializers.DateTimeField(source="to")
    capacity = serializers.IntegerField()
    timezone = serializers.CharField()
    open = PeriodSerializer(many=True)
    busy = BusySerializer(many=True)
    free = PeriodSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class UsageSerializer(serializers.Serializer):
    used_minutes = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class LeaseSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = Lease
        fields = [
            "id",
            "unit",
            "unit_name",
            "company",
            "company_name",
            "starts_on",
            "ends_on",
            "monthly_rent",
            "deposit",
            "status",
        ]
        read_only_fields = fields
