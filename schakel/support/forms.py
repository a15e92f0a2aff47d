"""Forms of the support app. Validation mirrors the services (which re-check)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schakel.catalog.models import Offering
from schakel.core.validators import normalize_enterprise_number, validate_enterprise_number
from schakel.places.models import Cluster, Domain, Region, Theme
from schakel.register.models import Organisation, OrganisationType
from schakel.support.models import QUESTION_MAX_CHARS, Channel, Outcome, Referral
from schakel.support.workflow import ClosureReason, State


def staff_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=["admin", "staff"])
        .order_by("first_name", "last_name", "username")
    )


class DateInput(forms.DateInput):
    """A browser date picker: it only understands ISO dates (2025-03-31), whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class Form(forms.Form):
    """Adds the Bootstrap classes to every widget (no template tweaks needed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                # Their attrs land on the wrapper too; support.css styles the inputs.
                continue
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        # Bootstrap marks a field with errors red (Django adds aria-invalid itself).
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} is-invalid"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class TopicsMixin(Form):
    domain = forms.ModelChoiceField(
        Domain.objects.all(), required=False, label=_("Domain"), empty_label=_("— not sure —")
    )
    cluster = forms.ModelChoiceField(
        Cluster.objects.all(), required=False, label=_("Cluster"), empty_label=_("— not sure —")
    )
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.filter(is_active=True),
        required=False,
        label=_("Technology themes"),
        widget=forms.CheckboxSelectMultiple,
    )


class QuestionTextMixin(Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most %(max)s characters.") % {"max": QUESTION_MAX_CHARS},
    )


class AskForm(QuestionTextMixin, TopicsMixin, Form):
    """The public question form (no login)."""

    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=20,
        validators=[validate_enterprise_number],
        help_text=_("KBO/BCE number, e.g. 0123.456.749."),
    )
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    # Honeypot: people never see it (visually hidden), bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = [
        "enterprise_number",
        "company_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "language",
        "text",
        "domain",
        "cluster",
        "themes",
        "website",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or "nl")[:2]

    def clean_enterprise_number(self):
        return normalize_enterprise_number(self.cleaned_data["enterprise_number"])

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class StaffQuestionForm(AskForm):
    """A question staff took by phone, at a visit or by e-mail."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.PORTAL)],
    )
    received_on = forms.DateField(
        label=_("Received on"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty for today."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["email"].required = False
        self.fields["text"].label = _("Question")

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day


class PortalQuestionForm(QuestionTextMixin, TopicsMixin, Form):
    """A company user asks for the company they act for."""


class VersionedForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TriageForm(VersionedForm):
    owner = StaffChoiceField(staff_users(), required=False, label=_("Owner"))
    domain = forms.ModelChoiceField(Domain.objects.all(), required=False, label=_("Domain"))
    cluster = forms.ModelChoiceField(Cluster.objects.all(), required=False, label=_("Cluster"))
    region = forms.ModelChoiceField(Region.objects.all(), required=False, label=_("Region"))
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.filter(is_active=True),
        required=False,
        label=_("Technology themes"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()


class TransitionForm(VersionedForm):
    to = forms.ChoiceField(label=_("New state"), choices=State.choices)
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        choices=[("", "—")] + list(ClosureReason.choices),
        required=False,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("to") == State.CLOSED and not data.get("closure_reason"):
            self.add_error("closure_reason", _("Choose why the case is closed."))
        return data


class NoteForm(Form):
    body = forms.CharField(
        label=_("Internal note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskForm(Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    assignee = StaffChoiceField(staff_users(), required=False, label=_("Assignee"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()


class AttachmentForm(Form):
    file = forms.FileField(label=_("File"))
    is_internal = forms.BooleanField(label=_("Internal (not shown to the company)"), required=False)


class MessageForm(Form):
    body = forms.CharField(
        label=_("Message to the company"),
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReplyForm(Form):
    body = forms.CharField(
        label=_("Add information"),
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(label=_("Attachment (optional)"), required=False)


class ReferralForm(Form):
    partner = forms.ModelChoiceField(Organisation.objects.none(), label=_("Partner organisation"))
    message = forms.CharField(
        label=_("Message to the partner"),
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    share_question = forms.BooleanField(label=_("Share the question"), required=False, initial=True)
    share_contact = forms.BooleanField(
        label=_("Share the contact details"), required=False, initial=True
    )
    attachments = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Share these attachments")
    )
    consent_channel = forms.ChoiceField(
        label=_("Consent"),
        required=False,
        choices=[("", _("Ask the company in the portal"))]
        + [
            (c.value, _("Already given %(how)s") % {"how": c.label})
            for c in Referral.ConsentChannel
            if c != Referral.ConsentChannel.PORTAL
        ],
    )
    offering = forms.ModelChoiceField(
        Offering.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Organisation.objects.exclude(
            pk=question.organisation_id
        ).exclude(type=OrganisationType.COMPANY)
        if question.attachments.exists():
            self.fields["attachments"].queryset = question.attachments.all()
            self.fields["attachments"].widget = forms.CheckboxSelectMultiple()
            self.fields["attachments"].widget.choices = self.fields["attachments"].choices
        else:
            # Nothing to choose: no empty "share these attachments" heading.
            del self.fields["attachments"]

    def clean(self):
        data = super().clean()
        offering, partner = data.get("offering"), data.get("partner")
        if offering and partner and offering.provider_id != partner.pk:
            self.add_error("partner", _("The offering is provided by another organisation."))
        return data


class ConsentForm(Form):
    consent_channel = forms.ChoiceField(
        label=_("Consent given"),
        choices=[
            (c.value, c.label)
            for c in Referral.ConsentChannel
            if c != Referral.ConsentChannel.PORTAL
        ],
    )


class RespondForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you decline."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you decline this referral."))
        return data


class OutcomeForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    outcome_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_outcome_on(self):
        day = self.cleaned_data["outcome_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The outcome date cannot be in the future."))
        return day


class FiguresForm(Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end lies before the start."))
        return data
