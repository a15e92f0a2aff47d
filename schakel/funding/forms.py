"""Forms of the funding screens. Fields are built from the programme's rules (eligible
cost categories, funding sources) and the call's criteria."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.core.validators import normalize_enterprise_number
from schakel.funding.models import (
    Application,
    CostCategory,
    FinancingSource,
    Indicator,
    LedgerEntry,
)
from schakel.register.models import Organisation, OrganisationType

PARTNER_ROWS = 3
MONEY = {"max_digits": 15, "decimal_places": 2, "min_value": Decimal("0")}


def _money_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "form-control"}),
        **MONEY,
        **kwargs,
    )


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)
        ):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class OrganisationByNumberField(forms.CharField):
    """An organisation typed as its enterprise number (the register has 100,000 of them)."""

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        digits = normalize_enterprise_number(value)
        organisation = self.queryset.filter(enterprise_number=digits).first()
        if organisation is None:
            raise forms.ValidationError(
                _("No organisation with enterprise number %(number)s is in the register.")
                % {"number": value},
                code="unknown_organisation",
            )
        return organisation


class ApplicationForm(forms.Form):
    """The application: texts, partners, budget per eligible category, financing plan per
    source of the programme (plus own contribution) and indicator targets."""

    applicant = OrganisationByNumberField(
        label=_("Enterprise number of the promoter"), required=False
    )
    title = forms.CharField(label=_("Project title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    planned_outputs = forms.CharField(
        label=_("Planned outputs"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = forms.DateField(
        label=_("Project starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Project ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, call, user, application: Application | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.programme = call.programme
        self.application = application
        if application is not None or not user.is_agency:
            del self.fields["applicant"]
        else:
            self.fields["applicant"].required = True
            self.fields["applicant"].queryset = Organisation.objects.visible_to(user).exclude(
                status=Organisation.Status.CEASED
            )
            self.fields["applicant"].widget.attrs["placeholder"] = "0123.456.749"
            self.fields["applicant"].help_text = _(
                "Staff draft applications on behalf of a promoter."
            )
        labels = dict(CostCategory.choices)
        self.budget_fields = []
        for category in self.programme.eligible_categories or []:
            name = f"budget_{category}"
            if category == CostCategory.OVERHEADS:
                self.fields[name] = _money_field(
                    labels[category],
                    disabled=True,
                    help_text=_("Computed: %(rate)s%% of personnel costs.")
                    % {"rate": self.programme.overhead_flat_rate_pct},
                )
            else:
                self.fields[name] = _money_field(labels[category])
            self.budget_fields.append(name)
        source_labels = dict(FinancingSource.choices)
        limits = self.programme.source_limits()
        self.financing_fields = []
        for source in [*limits, FinancingSource.OWN]:
            name = f"financing_{source}"
            help_text = (
                _("At most %(rate)s%% of the costs.") % {"rate": limits[source]}
                if source in limits
                else ""
            )
            self.fields[name] = _money_field(source_labels[source], help_text=help_text)
            self.financing_fields.append(name)
        partner_choices = (
            Organisation.objects.exclude(type=OrganisationType.COMPANY)
            .exclude(status=Organisation.Status.CEASED)
            .order_by("name")
        )
        self.partner_fields = []
        for index in range(1, PARTNER_ROWS + 1):
            self.fields[f"partner_{index}"] = forms.ModelChoiceField(
                label=_("Partner %(n)s") % {"n": index},
                queryset=partner_choices,
                required=False,
            )
            self.fields[f"partner_role_{index}"] = forms.CharField(
                label=_("Role of partner %(n)s") % {"n": index}, max_length=200, required=False
            )
            self.partner_fields.append((f"partner_{index}", f"partner_role_{index}"))
        self.target_fields = []
        for indicator in Indicator.objects.all():
            name = f"target_{indicator.code}"
            self.fields[name] = forms.DecimalField(
                label=_("Target: %(name)s (%(unit)s)")
                % {"name": _(indicator.name), "unit": _(indicator.unit)},
                required=False,
                max_digits=15,
                decimal_places=2,
                min_value=0,
            )
            self.target_fields.append(name)
        if application is not None and not self.is_bound:
            self.initial.update(self.initial_from(application))
        _style(self)

    @staticmethod
    def initial_from(application: Application) -> dict:
        initial = {
            "title": application.title,
            "description": application.description,
            "planned_outputs": application.planned_outputs,
            "starts_on": application.starts_on,
            "ends_on": application.ends_on,
        }
        for line in application.budget_lines.all():
            initial[f"budget_{line.category}"] = line.amount_eur
        for line in application.financing_lines.all():
            initial[f"financing_{line.source}"] = line.amount_eur
        for index, partner in enumerate(application.partners.all()[:PARTNER_ROWS], start=1):
            initial[f"partner_{index}"] = partner.organisation_id
            initial[f"partner_role_{index}"] = partner.role
        for pi in application.indicators.select_related("indicator"):
            initial[f"target_{pi.indicator.code}"] = pi.target
        return initial

    def clean(self):
        data = super().clean()
        seen = set()
        for field, _role in self.partner_fields:
            organisation = data.get(field)
            if organisation is None:
                continue
            if organisation.pk in seen:
                self.add_error(field, _("This organisation is already a partner."))
            seen.add(organisation.pk)
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return data

    def content(self):
        from schakel.funding.services import Content

        data = self.cleaned_data
        return Content(
            title=data["title"],
            description=data.get("description", ""),
            planned_outputs=data.get("planned_outputs", ""),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            budget={
                name.removeprefix("budget_"): data.get(name)
                for name in self.budget_fields
                if data.get(name) is not None
            },
            financing={
                name.removeprefix("financing_"): data.get(name)
                for name in self.financing_fields
                if data.get(name) is not None
            },
            partners=[
                (data[field], data.get(role, ""))
                for field, role in self.partner_fields
                if data.get(field) is not None
            ],
            targets={
                name.removeprefix("target_"): data.get(name)
                for name in self.target_fields
                if data.get(name) is not None
            },
        )

    def show_submission_errors(self, errors: dict):
        """Put the checks of `services.submission_errors` on the fields they concern."""
        for key, messages in errors.items():
            target = key if key in self.fields else None
            if key == "budget" and self.budget_fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class DocumentForm(forms.Form):
    name = forms.CharField(label=_("Document"), max_length=200)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, required_documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        if required_documents:
            choices = [(n, n) for n in required_documents] + [("", _("— other —"))]
            self.fields["name"] = forms.ChoiceField(
                label=_("Document"), choices=choices, required=False
            )
            self.fields["other_name"] = forms.CharField(
                label=_("Name of another document"), max_length=200, required=False
            )
        _style(self)

    def clean(self):
        data = super().clean()
        name = data.get("name") or data.get("other_name", "")
        if not name.strip():
            self.add_error("name", _("Name the document."))
        data["name"] = name
        upload = data.get("file")
        from django.conf import settings

        if upload and upload.size > settings.UPLOAD_MAX_BYTES:
            self.add_error("file", _("The file is too large."))
        return data


class AssignForm(forms.Form):
    evaluator = forms.ModelChoiceField(
        label=_("Evaluator"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(role__in=["admin", "staff"]) | Q(role="partner"))
        )
        users = users.exclude(partner_organisation=application.applicant).exclude(
            funding_assignments__application=application
        )
        self.fields["evaluator"].queryset = users.order_by("last_name", "first_name", "username")
        self.fields["evaluator"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}"
            + (f" ({u.partner_organisation})" if u.partner_organisation_id else "")
        )
        _style(self)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Application.Status.APPROVED, _("approve")),
            (Application.Status.REJECTED, _("reject")),
        ],
        widget=forms.RadioSelect,
    )
    amount_eur = _money_field(_("Amount granted (EUR)"))
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class LedgerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Entry"),
        choices=[
            (LedgerEntry.Kind.AMENDMENT, LedgerEntry.Kind.AMENDMENT.label),
            (LedgerEntry.Kind.DECOMMITMENT, LedgerEntry.Kind.DECOMMITMENT.label),
            (LedgerEntry.Kind.CLAIM, LedgerEntry.Kind.CLAIM.label),
            (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.PAYMENT.label),
        ],
    )
    amount_eur = forms.DecimalField(
        label=_("Amount (EUR)"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )
    claim = forms.ModelChoiceField(
        label=_("For claim"), queryset=LedgerEntry.objects.none(), required=False
    )
    proof = forms.FileField(label=_("Proof (for a claim)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claim"].queryset = application.ledger_entries.filter(
            kind=LedgerEntry.Kind.CLAIM, reversed_by__isnull=True
        )
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("kind") == LedgerEntry.Kind.CLAIM and not data.get("proof"):
            self.add_error("proof", _("A payment claim needs its proof."))
        return data


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with the promoter or a partner?"),
        choices=[
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Explanation (if you have a conflict)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ScoreForm(forms.Form):
    """A score and a motivation per criterion of the call."""

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        self.rows = []
        for criterion in self.criteria:
            existing = scores.get(criterion.pk)
            score_name, motivation_name = f"score_{criterion.pk}", f"motivation_{criterion.pk}"
            self.fields[score_name] = forms.DecimalField(
                label=_("Score for %(name)s (0–%(max)s)")
                % {"name": criterion.name, "max": criterion.max_score},
                min_value=0,
                max_value=criterion.max_score,
                max_digits=6,
                decimal_places=2,
                initial=existing.score if existing else None,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )
            self.fields[motivation_name] = forms.CharField(
                label=_("Motivation for %(name)s") % {"name": criterion.name},
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.motivation if existing else "",
            )
            self.rows.append((criterion, score_name, motivation_name))
        _style(self)

    def scores(self) -> dict:
        return {
            criterion.pk: (self.cleaned_data[s], self.cleaned_data[m])
            for criterion, s, m in self.rows
        }


class IndicatorReportForm(forms.Form):
    def __init__(self, *args, project_indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for pi in project_indicators:
            name = f"realised_{pi.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("Realised: %(name)s") % {"name": _(pi.indicator.name)},
                max_digits=15,
                decimal_places=2,
                min_value=0,
                initial=pi.realised,
            )
            self.rows.append((pi, name))
        _style(self)


class OtherAidForm(forms.Form):
    organisation = OrganisationByNumberField(
        label=_("Enterprise number"), queryset=Organisation.objects.companies()
    )
    granted_on = forms.DateField(
        label=_("Granted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_eur = forms.DecimalField(
        label=_("Amount (gross grant equivalent, EUR)"),
        max_digits=15,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    granting_body = forms.CharField(label=_("Granted by"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
