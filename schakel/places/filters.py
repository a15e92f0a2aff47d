"""FilterSets for the reference data, shared by the API and the theme list page."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.places.models import Municipality, NaceCode, Theme

NAME_FIELDS = ("name_nl", "name_fr", "name_en", "name_de")


def name_search(queryset, fields, value):
    """Rows whose name in any language contains every word of `value`."""
    for word in value.split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class MunicipalityFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        field_name="province_nis", label=_("Province (REFNIS code, e.g. 30000)")
    )
    region = django_filters.CharFilter(field_name="region__code", label=_("Region (code)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name contains"))
    postal_code = django_filters.CharFilter(method="filter_postal_code", label=_("Postal code"))
    current = django_filters.BooleanFilter(
        method="filter_current", label=_("Only current municipalities (true) or only merged ones")
    )

    class Meta:
        model = Municipality
        fields = ["province", "region", "q", "postal_code", "current"]

    def filter_q(self, queryset, name, value):
        return name_search(queryset, NAME_FIELDS, value)

    def filter_postal_code(self, queryset, name, value):
        return queryset.filter(pk__in=Municipality.objects.filter(postal_codes__code=value.strip()))

    def filter_current(self, queryset, name, value):
        return queryset.filter(merged_into__isnull=value)


class NaceCodeFilter(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(
        choices=NaceCode.Level.choices, coerce=int, label=_("Level")
    )
    parent = django_filters.CharFilter(method="filter_parent", label=_("Parent code"))
    q = django_filters.CharFilter(method="filter_q", label=_("Code or label contains"))

    class Meta:
        model = NaceCode
        fields = ["level", "parent", "q"]

    def filter_parent(self, queryset, name, value):
        return queryset.filter(parent__code=value.replace(".", "").strip().upper())

    def filter_q(self, queryset, name, value):
        code = value.replace(".", "").strip().upper()
        by_code = queryset.filter(code__startswith=code) if code.isalnum() else queryset.none()
        by_label = name_search(queryset, ("name_nl", "name_fr", "name_en"), value)
        return queryset.filter(Q(pk__in=by_code) | Q(pk__in=by_label))


class ThemeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Theme
        fields = ["q", "is_active"]

    def filter_q(self, queryset, name, value):
        return name_search(queryset, ("code", "name_nl", "name_fr", "name_en"), value)
