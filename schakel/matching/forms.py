from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.catalog.models import Offering
from schakel.matching.engine import MAX_QUERY_CHARS
from schakel.register.models import Organisation


class MatchForm(forms.Form):
    """A question, and optionally the company it is asked for (its profile is the context)."""

    text = forms.CharField(
        label=_("Question"),
        max_length=MAX_QUERY_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In Dutch, English or French: what does the company need?"),
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Its municipality, size, stage and clusters refine the results."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        companies = Organisation.objects.visible_to(user).companies().select_related("municipality")
        self.fields["company"].queryset = companies
        self.is_staff_form = bool(user and user.is_agency)
        if not self.is_staff_form:
            # A company user picks among the companies they act for (few: a select).
            self.fields["company"].empty_label = _("No company")

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Describe what the company is looking for."))
        return text


class FeedbackForm(forms.Form):
    offering = forms.ModelChoiceField(
        queryset=Offering.objects.all(), to_field_name="external_id", widget=forms.HiddenInput
    )
    query_text = forms.CharField(max_length=MAX_QUERY_CHARS, widget=forms.HiddenInput)
    context = forms.JSONField(required=False, widget=forms.HiddenInput)
    company = forms.ModelChoiceField(
        queryset=Organisation.objects.companies(), required=False, widget=forms.HiddenInput
    )
    rank = forms.IntegerField(min_value=1, max_value=100, widget=forms.HiddenInput)
    score = forms.FloatField(widget=forms.HiddenInput)
    useful = forms.TypedChoiceField(
        choices=[("1", _("useful")), ("0", _("not useful"))], coerce=lambda v: v == "1"
    )
