"""One FilterSet per list, shared by the pages, the API and the exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.facilities.models import (
    Booking,
    BookingStatus,
    Facility,
    FacilityKind,
    Resource,
    ResourceKind,
)


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    facility = django_filters.ModelChoiceFilter(
        queryset=Facility.objects.all(), label=_("Facility")
    )
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("Kind"))
    facility_kind = django_filters.ChoiceFilter(
        field_name="facility__kind", choices=FacilityKind.choices, label=_("Type of facility")
    )

    class Meta:
        model = Resource
        fields = ["q", "facility", "kind", "facility_kind"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(facility__name__icontains=word)
            )
        return queryset


class BookingFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=BookingStatus.choices, label=_("Status"))
    resource = django_filters.NumberFilter(field_name="resource_id", label=_("Resource"))
    facility = django_filters.NumberFilter(field_name="resource__facility_id", label=_("Facility"))
    company = django_filters.NumberFilter(field_name="company_id", label=_("Company"))
    start_from = django_filters.DateFilter(
        field_name="start", lookup_expr="date__gte", label=_("From")
    )
    start_until = django_filters.DateFilter(
        field_name="start", lookup_expr="date__lte", label=_("Until")
    )

    class Meta:
        model = Booking
        fields = ["status", "resource", "facility", "company", "start_from", "start_until"]
