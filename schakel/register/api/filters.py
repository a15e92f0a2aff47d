"""Filters for API lists that have no register page yet.

`ContactFilter` belongs in `schakel/register/filters.py` once the UI gets a contact list,
so that page, the API and any export share it (style guide §16).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.register.models import Contact


class ContactFilter(django_filters.FilterSet):
    """Contacts by organisation id and by words in name, role or e-mail."""

    # A plain number, not a choice of organisations: an id out of reach simply matches
    # nothing instead of revealing (by a 400) that it exists.
    organisation = django_filters.NumberFilter(
        field_name="organisation_id", label=_("Organisation")
    )
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))

    class Meta:
        model = Contact
        fields = []

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(job_title__icontains=word)
            )
        return queryset
