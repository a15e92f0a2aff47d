"""Forms of the facility pages; the rules themselves live in services (shared with the API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.core.validators import normalize_enterprise_number
from schakel.facilities.models import UNIT_KINDS, Resource, WaitingListEntry
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
