"""One FilterSet for the register list page, the API and the export (same URL parameters)."""

import django_filters
from django.db import connections
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from schakel.places.models import Cluster, Domain, Municipality, NaceCode, Region, Theme
from schakel.register.models import (
    Organisation,
    OrganisationType,
    SizeClass,
    Stage,
    search_terms,
)
from schakel.register.search_index import TRIGRAM_LENGTH

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
    # Every filter keeps one row per organisation (single-valued joins, or a
    # subquery for the many-to-many sets), so none needs DISTINCT: counting
    # 100,000 organisations stays a plain COUNT(*).
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    type = django_filters.MultipleChoiceFilter(
        choices=OrganisationType.choices, label=_("Type"), distinct=False
    )
    status = django_filters.ChoiceFilter(choices=Organisation.Status.choices, label=_("Status"))
    domain = django_filters.ModelMultipleChoiceFilter(
        field_name="domains__code",
        to_field_name="code",
        method="filter_domains",
        queryset=Domain.objects.all(),
        label=_("Domain"),
    )
    cluster = django_filters.ModelMultipleChoiceFilter(
        field_name="clusters__code",
        to_field_name="code",
        method="filter_clusters",
        queryset=Cluster.objects.all(),
        label=_("Cluster"),
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        field_name="themes__code",
        to_field_name="code",
        method="filter_themes",
        queryset=Theme.objects.all(),
        label=_("Technology theme"),
    )
    region = django_filters.ModelMultipleChoiceFilter(
        field_name="municipality__region__code",
        to_field_name="code",
        queryset=Region.objects.all(),
        label=_("Region"),
        distinct=False,
    )
    municipality = django_filters.ModelMultipleChoiceFilter(
        field_name="municipality__nis_code",
        to_field_name="nis_code",
        queryset=Municipality.objects.all(),
        label=_("Municipality"),
        distinct=False,
    )
    size = django_filters.MultipleChoiceFilter(
        field_name="size_class", choices=SizeClass.choices, label=_("Size class"), distinct=False
    )
    stage = django_filters.MultipleChoiceFilter(
        choices=Stage.choices, label=_("Stage"), distinct=False
    )
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

    def _filter_through(self, queryset, field, values):
        """Organisations linked to any of `values` through the many-to-many `field`.

        A subquery on the link table instead of a join keeps one row per
        organisation, so no DISTINCT (and no COUNT DISTINCT) is needed.
        """
        if not values:
            return queryset
        relation = Organisation._meta.get_field(field)
        links = relation.remote_field.through.objects.filter(
            **{f"{relation.m2m_reverse_field_name()}__in": values}
        )
        return queryset.filter(pk__in=links.values("organisation_id"))

    def filter_domains(self, queryset, name, value):
        return self._filter_through(queryset, "domains", value)

    def filter_clusters(self, queryset, name, value):
        return self._filter_through(queryset, "clusters", value)

    def filter_themes(self, queryset, name, value):
        return self._filter_through(queryset, "themes", value)

    def filter_sort(self, queryset, name, value):
        return queryset  # see filter_queryset: the order comes after every filter

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        return queryset.order_by(
            *order_by_for(data.get("sort"), matches_first=_trigram_search(queryset, data.get("q")))
        )


def _trigram_search(queryset, text: str | None) -> bool:
    """Whether PostgreSQL's trigram index finds every word of this search (three letters up)."""
    if not text or connections[queryset.db].vendor != "postgresql":
        return False
    words = search_terms(text)
    return bool(words) and all(len(word) >= TRIGRAM_LENGTH for word in words)


def _nullable(path: str) -> bool:
    """Whether a field path can be NULL: a nullable column, or one behind a nullable join."""
    model = Organisation
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


def order_by_for(sort: str | None, matches_first: bool = False) -> list:
    """ORDER BY for a sort key; empty values sort last in both directions on every database.

    Only columns that can be empty get NULLS LAST: on a NOT NULL column it changes nothing
    but keeps the database from walking an index backwards (`-name` on `(name, id)`).

    `matches_first`: the first column is sorted as COALESCE(column, column), the same values
    in the same order, which no index serves. PostgreSQL then collects a search's matches
    through the trigram index and sorts them, rather than walk the (type, name) index in
    order and test every row: with the matches far down that order ("leie" in the names
    "Leie..."), that read half the table for one page.
    """
    order = []
    for position, term in enumerate(SORT_FIELDS.get(sort or "name", SORT_FIELDS["name"])):
        descending = term.startswith("-")
        path = term.lstrip("-")
        expression = F(path)
        if matches_first and position == 0 and "__" not in path:
            expression = Coalesce(F(path), F(path))
        nulls_last = True if _nullable(path) else None
        order.append(
            expression.desc(nulls_last=nulls_last)
            if descending
            else expression.asc(nulls_last=nulls_last)
        )
    return order
