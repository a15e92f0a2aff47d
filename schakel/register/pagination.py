"""Paginators for the register list (page and API) with 100,000 organisations.

`OFFSET n` makes the database step over n rows, and a sort the indexes cannot serve makes it
sort every row first. `RegisterPaginator` avoids both for the register's sorts:

* A page past the middle is read in the reverse order (the same indexes, walked backwards)
  with the smaller offset from the end, then turned around.
* Sorted by municipality (a column of another table, which no index on the organisation
  serves), the organisations are counted per municipality first; a page then sorts only the
  rows of the municipalities it spans.

Both need a total order (ending with the primary key, as every register sort does), so that
either way of reading agrees on which rows make up a page; otherwise it pages as `Paginator`.
"""

from django.core.paginator import Paginator
from django.db.models import Count, F, OrderBy, Q
from django.utils.functional import cached_property

from schakel.places.models import Municipality

MUNICIPALITY_NAME = "municipality__name_nl"


def _term(term) -> tuple[str | None, bool, bool]:
    """(field path, descending, nulls_last) of one ORDER BY term, or (None, ...) if unknown."""
    descending = nulls_last = False
    if isinstance(term, OrderBy):
        descending, nulls_last = term.descending, bool(term.nulls_last)
        term = term.expression
    if isinstance(term, F):
        term = term.name
    if not isinstance(term, str):
        return None, False, False
    if term.startswith("-"):
        descending, term = True, term[1:]
    return term, descending, nulls_last


def _ordering(queryset) -> list[tuple[str | None, bool, bool]]:
    query = queryset.query
    ordering = query.order_by or (query.default_ordering and queryset.model._meta.ordering) or []
    terms = [_term(term) for term in ordering]
    pk_names = ("pk", queryset.model._meta.pk.name, queryset.model._meta.pk.attname)
    return [(("pk" if name in pk_names else name), desc, nulls) for name, desc, nulls in terms]


class RegisterPaginator(Paginator):
    """`Paginator` for a queryset of organisations (or their ids) in a total order."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        ordering = _ordering(object_list) if hasattr(object_list, "query") else []
        self._total = bool(ordering) and ordering[-1][0] == "pk"
        # (municipality name, either direction, empty last), then name and id ascending.
        self._by_municipality = (
            self._total
            and len(ordering) == 3
            and ordering[0][0] == MUNICIPALITY_NAME
            and ordering[0][2]
            and ordering[1] == ("name", False, False)
            and ordering[2] == ("pk", False, False)
        )
        self._municipality_descending = self._by_municipality and ordering[0][1]

    @cached_property
    def count(self):
        if self._by_municipality:
            return sum(size for _ids, size in self._municipality_groups)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._by_municipality:
            rows = self._rows_by_municipality(bottom, top)
        elif self._total:
            rows = _slice(self.object_list, bottom, top, self.count)
        else:
            rows = self.object_list[bottom:top]
        return self._get_page(rows, number, self)

    @cached_property
    def _municipality_groups(self) -> list[tuple[list | None, int]]:
        """[(municipality ids with the same name, organisations in them)] in sort order.

        Organisations without a municipality come last (ids None), in both directions.
        """
        filtered = self.object_list.order_by()
        # Unfiltered, the municipality index answers alone. Filtered, grouping on that index
        # (SQLite's choice, to skip sorting the groups) reads every row to test the filters;
        # grouping on `municipality_id + 0` lets the filters' own index choose the rows.
        key = F("municipality_id") + 0 if filtered.query.where else F("municipality_id")
        sizes = dict(
            filtered.values(group=key).annotate(size=Count("pk")).values_list("group", "size")
        )
        names = (
            Municipality.objects.filter(pk__in=[pk for pk in sizes if pk is not None])
            .order_by("-name_nl" if self._municipality_descending else "name_nl", "pk")
            .values_list("pk", "name_nl")
        )
        groups: list[tuple[list | None, int]] = []
        previous = object()
        for pk, name in names:
            if name == previous:
                groups[-1][0].append(pk)
                groups[-1] = (groups[-1][0], groups[-1][1] + sizes[pk])
            else:
                groups.append(([pk], sizes[pk]))
            previous = name
        if sizes.get(None):
            groups.append((None, sizes[None]))
        return groups

    def _rows_by_municipality(self, bottom: int, top: int) -> list:
        """One query over the municipalities the page spans, in the list's own order."""
        spanned: list = []
        without = False
        start = first = span = 0
        for ids, size in self._municipality_groups:
            end = start + size
            if end > bottom and start < top:
                if not spanned and not without:
                    first = start
                if ids is None:
                    without = True
                else:
                    spanned.extend(ids)
                span += size
            if end >= top:
                break
            start = end
        condition = Q(municipality_id__in=spanned)
        if without:
            condition |= Q(municipality__isnull=True)
        return _slice(self.object_list.filter(condition), bottom - first, top - first, span)


def _slice(queryset, bottom: int, top: int, count: int) -> list:
    """Rows [bottom, top) of a totally ordered queryset of `count` rows, from the nearer end."""
    from_end = count - top
    if from_end < bottom:
        rows = list(queryset.reverse()[from_end : count - bottom])
        rows.reverse()
        return rows
    return list(queryset[bottom:top])
