"""One FilterSet for the catalogue pages and the API (same URL parameters everywhere)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.catalog.models import SIZE_CODES, STAGE_CODES, Offering, OfferingKind
from schakel.places.models import Cluster, Domain, Municipality, Region
from schakel.register.models import Organisation, SizeClass, Stage

STATE_CHOICES = [
    ("open", _("open today")),
    ("closed", _("closed today")),
    ("archived", _("archived")),
    ("all", _("all, also archived")),
]


class OfferingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(
        choices=OfferingKind.choices, label=_("Kind"), widget=forms.CheckboxSelectMultiple
    )
    cluster = django_filters.ModelMultipleChoiceFilter(
        field_name="clusters__code",
        to_field_name="code",
        queryset=Cluster.objects.all(),
        label=_("Cluster"),
        distinct=True,
        widget=forms.CheckboxSelectMultiple,
    )
    domain = django_filters.ModelMultipleChoiceFilter(
        field_name="domains__code",
        to_field_name="code",
        queryset=Domain.objects.all(),
        label=_("Domain"),
        distinct=True,
        widget=forms.CheckboxSelectMultiple,
    )
    region = django_filters.ModelChoiceFilter(
        field_name="municipality__region__code",
        to_field_name="code",
        queryset=Region.objects.all(),
        label=_("Region"),
    )
    municipality = django_filters.ModelChoiceFilter(
        field_name="municipality__nis_code",
        to_field_name="nis_code",
        queryset=Municipality.objects.filter(offerings__isnull=False).distinct(),
        label=_("Municipality"),
    )
    stage = django_filters.ChoiceFilter(
        method="filter_stage",
        choices=[(code, label) for code, label in Stage.choices if code in STAGE_CODES],
        label=_("Stage of your company"),
    )
    size = django_filters.ChoiceFilter(
        method="filter_size",
        choices=[(code, label) for code, label in SizeClass.choices if code in SIZE_CODES],
        label=_("Size of your company"),
    )
    provider = django_filters.ModelChoiceFilter(
        field_name="provider__external_id",
        to_field_name="external_id",
        queryset=Organisation.objects.filter(offerings__isnull=False)
        .exclude(external_id=None)
        .distinct()
        .order_by("name"),
        label=_("Provider"),
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=STATE_CHOICES,
        label=_("State"),
        empty_label=_("current (not archived)"),
    )
    open_on = django_filters.DateFilter(method="filter_open_on", label=_("Open on"))

    class Meta:
        model = Offering
        fields = []

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", f"{css} {css}-sm")
        return form

    def filter_queryset(self, queryset):
        # Without a state, archived offerings stay out of the list.
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(is_archived=False)
        return super().filter_queryset(queryset)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_stage(self, queryset, name, value):
        return queryset.for_stage(value)

    def filter_size(self, queryset, name, value):
        return queryset.for_size(value)

    def filter_open_on(self, queryset, name, value):
        return queryset.open_on(value)

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.open_on(today)
        if value == "closed":
            return queryset.closed_on(today)
        if value == "archived":
            return queryset.filter(is_archived=True)
        return queryset


class PublicOfferingFilter(OfferingFilter):
    """The public catalogue: only offerings open today, so no state or provider facet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("state", "open_on", "provider"):
            self.filters.pop(name, None)
