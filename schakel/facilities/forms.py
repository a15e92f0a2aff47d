"""Forms of the facility pages; the rules themselves live in services (shared with the API)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from schakel.core.validators import normalize_enterprise_number
from schakel.facilities.models import (
    TARIFF_FIELDS,
    UNIT_KINDS,
    Facility,
    OpeningHours,
    Resource,
    WaitingListEntry,
)
from schakel.register.models import Organisation

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (templates cannot add them without a tag library)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class BookingForm(StyledForm):
    """A period on one resource; staff also name the company (by enterprise number)."""

    start = forms.DateTimeField(
        label=_("Start"), widget=LocalDateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    end = forms.DateTimeField(
        label=_("End"), widget=LocalDateTimeInput(), input_formats=[DATETIME_FORMAT]
    )
    places = forms.IntegerField(label=_("Places"), min_value=1, initial=1)
    weeks = forms.IntegerField(
        label=_("Repeat weekly for (weeks)"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 books only this period; more books the same slot every week, all or none."),
    )
    company = forms.ModelChoiceField(
        label=_("For company"), queryset=Organisation.objects.none(), required=False
    )
    company_number = forms.CharField(
        label=_("Company enterprise number"),
        required=False,
        help_text=_("Staff: the company the booking is for, e.g. 0417.497.106."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, resource: Resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.resource = resource
        if resource.capacity == 1:
            self.fields["places"].widget = forms.HiddenInput()
        else:
            self.fields["places"].max_value = resource.capacity
            self.fields["places"].help_text = _("At most %(capacity)s.") % {
                "capacity": resource.capacity
            }
        if user.is_company_user:
            del self.fields["company_number"]
            companies = Organisation.objects.filter(pk__in=user.represented_company_ids())
            if companies.count() > 1:
                self.fields["company"].queryset = companies.order_by("name")
                self.fields["company"].required = True
            else:
                del self.fields["company"]
        else:
            del self.fields["company"]
            self.fields["company_number"].required = True
        style(self)

    def clean_company_number(self):
        value = self.cleaned_data.get("company_number", "")
        if not value:
            return None
        company = (
            Organisation.objects.companies()
            .filter(enterprise_number=normalize_enterprise_number(value))
            .first()
        )
        if company is None:
            raise forms.ValidationError(_("No company with this enterprise number."))
        return company

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data

    def chosen_company(self, acting_company):
        if "company_number" in self.fields:
            return self.cleaned_data.get("company_number")
        if "company" in self.fields:
            return self.cleaned_data.get("company")
        return acting_company


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class UsageForm(StyledForm):
    used_minutes = forms.IntegerField(label=_("Used (minutes)"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ExportForm(StyledForm):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class LeaseForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Resource.objects.none())
    company_number = forms.CharField(label=_("Company enterprise number"))
    starts_on = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    monthly_rent = forms.DecimalField(
        label=_("Monthly rent (EUR, excl. VAT)"), min_value=0, decimal_places=2
    )
    deposit = forms.DecimalField(label=_("Deposit (EUR)"), min_value=0, decimal_places=2, initial=0)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        style(self)

    def clean_company_number(self):
        value = self.cleaned_data["company_number"]
        company = (
            Organisation.objects.companies()
            .filter(enterprise_number=normalize_enterprise_number(value))
            .first()
        )
        if company is None:
            raise forms.ValidationError(_("No company with this enterprise number."))
        return company


class TerminateForm(StyledForm):
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))


class WaitingListForm(forms.ModelForm):
    company_number = forms.CharField(label=_("Company enterprise number"), required=False)

    class Meta:
        model = WaitingListEntry
        fields = ["unit_kind", "needs", "min_area_m2", "max_monthly_rent", "wanted_from"]
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 2}),
            "wanted_from": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_kind"].choices = [(k.value, k.label) for k in UNIT_KINDS]
        if user.is_company_user:
            del self.fields["company_number"]
        else:
            self.fields["company_number"].required = True
        style(self)

    def clean_company_number(self):
        value = self.cleaned_data.get("company_number")
        company = (
            Organisation.objects.companies()
            .filter(enterprise_number=normalize_enterprise_number(value or ""))
            .first()
        )
        if company is None:
            raise forms.ValidationError(_("No company with this enterprise number."))
        return company


# --- set-up screens: facilities, resources, opening hours, closures -----------------------


class SpecificationsField(forms.CharField):
    """Specifications as one `name: value` per line (stored as a JSON object)."""

    widget = forms.Textarea

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{name}: {text}" for name, text in value.items())
        return value

    def to_python(self, value):
        text = super().to_python(value)
        specifications = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, content = line.partition(":")
            if not colon or not name.strip() or not content.strip():
                raise forms.ValidationError(
                    _("Line %(number)s: write “name: value”, e.g. “power: 400 V”."),
                    code="invalid_specification",
                    params={"number": number},
                )
            specifications[name.strip()] = content.strip()
        return specifications


# A slug (the model field) that the open catalogue format also accepts (lowercase only).
validate_catalogue_slug = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*\Z",
    _("Use lowercase letters, digits, dashes and underscores, starting with a letter or digit."),
    code="invalid_external_id",
)


def _catalogue_id_field(form: forms.ModelForm) -> None:
    """The id is how the catalogue and other installations know the record: set it once."""
    field = form.fields["external_id"]
    if form.instance.pk:
        field.disabled = True
        field.help_text = _("Fixed once the record exists.")
    else:
        field.validators = [v for v in field.validators if getattr(v, "code", "") != "invalid"] + [
            validate_catalogue_slug
        ]
        field.help_text = _("Stable id in the catalogue: lowercase letters, digits and dashes.")


class FacilityForm(forms.ModelForm):
    """A facility's own data; kind, operator and catalogue id only for agency staff."""

    class Meta:
        model = Facility
        fields = [
            "name",
            "kind",
            "external_id",
            "operator",
            "description",
            "address",
            "municipality",
            "contact_email",
            "closed_on_public_holidays",
            "starter_max_stay_months",
            "lease_warning_days",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from schakel.places.models import Municipality

        if user.is_agency:
            # Operators are the ecosystem's bodies, plus any company already running one.
            self.fields["operator"].queryset = (
                Organisation.objects.filter(
                    ~Q(type="company") | Q(operated_facilities__isnull=False)
                )
                .distinct()
                .order_by("name")
            )
            _catalogue_id_field(self)
        else:
            for name in ("kind", "external_id", "operator"):
                del self.fields[name]
        self.fields["municipality"].queryset = Municipality.objects.current().order_by("name_nl")
        style(self)


# The resource form's fields, in this order as fieldsets on the page.
RESOURCE_FIELD_GROUPS = (
    (
        _("Description"),
        (
            "kind",
            "name",
            "external_id",
            "description",
            "specifications",
            "photo_url",
            "is_active",
        ),
    ),
    (
        _("Use"),
        (
            "is_bookable",
            "is_leasable",
            "capacity",
            "requires_approval",
            "operator_required",
            "required_certificate",
        ),
    ),
    (
        _("Tariffs (EUR, excl. VAT)"),
        TARIFF_FIELDS,
    ),
    (_("Units leased by the month"), ("floor_area_m2", "monthly_price")),
    (
        _("Booking rules"),
        (
            "setup_minutes",
            "cleanup_minutes",
            "min_booking_minutes",
            "max_booking_hours",
            "booking_horizon_days",
            "free_cancellation_hours",
            "late_cancellation_percent",
        ),
    ),
)


class ResourceForm(forms.ModelForm):
    """A resource's description, tariffs and booking rules."""

    specifications = SpecificationsField(
        label=_("Specifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name, colon, value (e.g. “power: 400 V”)."),
    )
    photo_url = forms.URLField(
        label=capfirst(Resource._meta.get_field("photo_url").verbose_name),
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Resource
        fields = [name for _title, names in RESOURCE_FIELD_GROUPS for name in names]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["external_id"].required = False
        _catalogue_id_field(self)
        if not self.instance.pk:
            self.fields["external_id"].help_text = _(
                "Stable id in the catalogue; left empty, it is made from the facility and name."
            )
        style(self)

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in RESOURCE_FIELD_GROUPS]

    def clean(self):
        data = super().clean()
        shortest, longest = data.get("min_booking_minutes"), data.get("max_booking_hours")
        if shortest and longest and shortest > longest * 60:
            self.add_error(
                "min_booking_minutes",
                _("The shortest booking cannot be longer than the longest booking."),
            )
        return data

    def _post_clean(self):
        # A new resource without an id gets one made from its facility and name.
        if not self.instance.pk and not self.cleaned_data.get("external_id"):
            self.cleaned_data["external_id"] = self.suggested_id()
        super()._post_clean()

    def suggested_id(self) -> str:
        from django.utils.text import slugify

        base = slugify(f"{self.instance.facility.external_id}-{self.cleaned_data.get('name', '')}")
        base = base[:70].strip("-") or "resource"
        candidate, number = base, 2
        while Resource.objects.filter(external_id=candidate).exists():
            candidate, number = f"{base}-{number}", number + 1
        return candidate


class OpeningHoursRowForm(StyledForm):
    """One interval of the weekly table; closing 00:00 means midnight."""

    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        coerce=int,
        choices=[("", "—"), *OpeningHours.Weekday.choices],
    )
    opens = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(
        label=_("Closes"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("00:00 is midnight."),
    )
    resource = forms.ModelChoiceField(
        label=_("Only for resource"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=_("whole facility"),
    )

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = facility.resources.order_by("name")
        self.fields["resource"].label_from_instance = lambda resource: resource.name
        for name in ("opens", "closes"):
            self.fields[name].widget.format = "%H:%M"

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes"):
            from schakel.facilities.services import opening_hours_errors

            for _index, name, message in opening_hours_errors([data]):
                self.add_error(name, message)
        return data


class BaseOpeningHoursFormSet(forms.BaseFormSet):
    def __init__(self, *args, facility, **kwargs):
        self.facility = facility
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "facility": self.facility}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            facility=self.facility,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def kept_forms(self) -> list:
        # Blank extra rows clean to {}; rows ticked for deletion are left out.
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]

    def rows(self) -> list[dict]:
        """The intervals to keep (deleted and blank rows left out)."""
        names = ("weekday", "opens", "closes", "resource")
        return [{name: form.cleaned_data[name] for name in names} for form in self.kept_forms()]

    def clean(self):
        if any(self.errors):
            return
        kept = self.kept_forms()
        from schakel.facilities.services import opening_hours_errors

        rows = [form.cleaned_data for form in kept]
        for index, name, message in opening_hours_errors(rows):
            kept[index].add_error(name, message)
        if any(form.errors for form in kept):
            raise forms.ValidationError(
                _("Some intervals need correcting; nothing was saved."), code="invalid_hours"
            )


OpeningHoursFormSet = forms.formset_factory(
    OpeningHoursRowForm, formset=BaseOpeningHoursFormSet, extra=3, can_delete=True
)


class ClosureForm(StyledForm):
    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Until (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    resource = forms.ModelChoiceField(
        label=_("Only for resource"),
        queryset=Resource.objects.none(),
        required=False,
        empty_label=_("whole facility"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = facility.resources.order_by("name")
        self.fields["resource"].label_from_instance = lambda resource: resource.name

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must not be before the start date."))
        return data
