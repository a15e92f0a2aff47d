"""One FilterSet for the register list page, the API and the export (same URL parameters)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.places.models import Cluster, Domain, Municipality, NaceCode, Region, Theme
from schakel.register.models import Organisation, OrganisationType, SizeClass, Stage

SORT_FIELDS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "municipality": ("municipality__name_nl", "name", "id"),
    "-municipality": ("-municipality__name_nl", "name", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "employees": ("employees", "name", "id"),
    "-employees": ("-employees", "name", "id"),
}


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    type = django_filters.MultipleChoiceFilter(choices=OrganisationType.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=Organisation.Status.choices, label=_("Status"))
    domain = django_filters.ModelMultipleChoiceFilter(
        field_name="domains__code",
        to_field_name="code",
        queryset=Domain.objects.all(),
        label=_("Domain"),
        distinct=True,
    )
    cluster = django_filters.ModelMultipleChoiceFilter(
        field_name="clusters__code",
        to_field_name="code",
        queryset=Cluster.objects.all(),
        label=_("Cluster"),
        distinct=True,
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        field_name="themes__code",
        to_field_name="code",
        queryset=Theme.objects.all(),
        label=_("Technology theme"),
        distinct=True,
    )
    region = django_filters.ModelMultipleChoiceFilter(
        field_name="municipality__region__code",
        to_field_name="code",
        queryset=Region.objects.all(),
        label=_("Region"),
    )
    municipality = django_filters.ModelMultipleChoiceFilter(
        field_name="municipality__nis_code",
        to_field_name="nis_code",
        queryset=Municipality.objects.all(),
        label=_("Municipality"),
    )
    size = django_filters.MultipleChoiceFilter(
        field_name="size_class", choices=SizeClass.choices, label=_("Size class")
    )
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"))
    nace = django_filters.CharFilter(method="filter_nace", label=_("NACE code"))
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        choices=[(key, key) for key in SORT_FIELDS],
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_nace(self, queryset, name, value):
        """A code prefix (25, 25.6, 25.62) matches main and secondary activities below it."""
        code = value.replace(".", "").strip()
        if not code:
            return queryset
        codes = NaceCode.objects.filter(code__startswith=code).values("pk")
        return queryset.filter(
            Q(main_nace__in=codes)
            | Q(
                pk__in=Organisation.secondary_naces.through.objects.filter(
                    nacecode__in=codes
                ).values("organisation_id")
            )
        )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_FIELDS.get(value, SORT_FIELDS["name"]))
