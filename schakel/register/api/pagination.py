"""Pagination for large API lists: the page's ids first, then its rows with their joins."""

from schakel.core.api.pagination import StandardPagination
from schakel.register.pagination import RegisterPaginator


class IdFirstPagination(StandardPagination):
    """`StandardPagination` that pages through the ids of the filtered, sorted queryset.

    Skipping to a deep page then reads only the sort columns (an index scan), not every row
    with its joins. The rows of the page are loaded afterwards by primary key, in page order,
    from `view.get_page_queryset()` (which brings the select_related/prefetch_related), so the
    filters do not run a second time. The ids come from the view's gated queryset.
    """

    django_paginator_class = RegisterPaginator

    def paginate_queryset(self, queryset, request, view=None):
        page_ids = super().paginate_queryset(queryset.values_list("pk", flat=True), request, view)
        if page_ids is None:
            return None
        if view is not None and hasattr(view, "get_page_queryset"):
            rows = view.get_page_queryset()
        else:
            rows = queryset.model._default_manager.all()
        by_pk = rows.in_bulk(page_ids)
        return [by_pk[pk] for pk in page_ids if pk in by_pk]
