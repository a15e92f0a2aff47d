"""One FilterSet per list, shared by the pages and the API (same URL parameters)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.funding.models import Application, Call, Programme


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    call = django_filters.ModelChoiceFilter(queryset=Call.objects.all(), label=_("Call"))
    programme = django_filters.ModelChoiceFilter(
        field_name="call__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Application.Status.choices, label=_("Status")
    )

    class Meta:
        model = Application
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(applicant__name__icontains=value)
            | Q(call__code__icontains=value)
        )


class CallFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programme")
    )
    status = django_filters.ChoiceFilter(
        choices=Call.Status.choices, method="filter_status", label=_("Status")
    )

    class Meta:
        model = Call
        fields = []

    def filter_status(self, queryset, name, value):
        from django.utils import timezone

        now = timezone.now()
        if value == Call.Status.OPEN:
            return queryset.filter(opens_at__lte=now, closes_at__gt=now)
        if value == Call.Status.UPCOMING:
            return queryset.filter(opens_at__gt=now)
        if value == Call.Status.CLOSED:
            return queryset.filter(closes_at__lte=now)
        return queryset
