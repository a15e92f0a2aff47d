"""One FilterSet for the inbox page and the API (same URL parameters)."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.places.models import Cluster, Domain, Region
from schakel.support.models import Channel, Question
from schakel.support.workflow import State


class QuestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label=_("State"))
    owner = django_filters.CharFilter(method="filter_owner", label=_("Owner"))
    domain = django_filters.ModelMultipleChoiceFilter(
        field_name="domain__code",
        to_field_name="code",
        queryset=Domain.objects.all(),
        label=_("Domain"),
    )
    cluster = django_filters.ModelMultipleChoiceFilter(
        field_name="cluster__code",
        to_field_name="code",
        queryset=Cluster.objects.all(),
        label=_("Cluster"),
    )
    region = django_filters.ModelMultipleChoiceFilter(
        field_name="region__code",
        to_field_name="code",
        queryset=Region.objects.all(),
        label=_("Region"),
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Question
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(text__icontains=value)
        )

    def filter_owner(self, queryset, name, value):
        """ "me", "none" (unassigned) or a user id."""
        if value == "me":
            return queryset.filter(owner=self.request.user if self.request else None)
        if value == "none":
            return queryset.filter(owner__isnull=True)
        if value.isdigit():
            return queryset.filter(owner_id=int(value))
        return queryset

    def filter_overdue(self, queryset, name, value):
        late = Q(
            first_responded_at__isnull=True,
            first_response_due__lt=timezone.localdate(),
        ) & ~Q(state=State.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)


def owner_choices():
    User = get_user_model()
    return [
        (str(u.pk), u.get_full_name() or u.username)
        for u in User.objects.filter(is_active=True, role__in=["admin", "staff"]).order_by(
            "first_name", "username"
        )
    ]
