"""Forms for the register: organisations, contacts, relations and timeline entries.

Forms check and convert input; the services in `register.services` save it
(one transaction, audit trail), so the UI, the API and imports behave alike.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schakel.core.validators import (
    format_enterprise_number,
    normalize_enterprise_number,
    validate_enterprise_number,
)
from schakel.places.models import Cluster, Domain, Municipality, NaceCode, PostalCode, Theme
from schakel.register.models import Activity, Contact, Organisation, Relation

NACE_SEPARATORS = re.compile(r"[\s,;]+")


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields that failed."""

    def _apply_bootstrap_classes(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def nace_by_code(code: str) -> NaceCode:
    """The NACE-BEL code written as 25.620 or 25620; a translated error if it does not exist."""
    digits = code.replace(".", "").strip().upper()
    try:
        return NaceCode.objects.get(code=digits)
    except NaceCode.DoesNotExist:
        raise ValidationError(
            _("%(code)s is not a NACE-BEL code."), code="unknown_nace", params={"code": code}
        )


def postal_code_belongs_to(postal_code: str, municipality: Municipality) -> bool:
    """True when the postal code covers (part of) the municipality, also via merged ones."""
    return PostalCode.objects.filter(
        Q(municipality=municipality)
        | Q(municipality__merged_into=municipality)
        | Q(municipality__merged_into__merged_into=municipality),
        code=postal_code,
    ).exists()


class OrganisationForm(BootstrapFormMixin, forms.ModelForm):
    """The full profile, for agency staff."""

    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        required=False,
        max_length=20,
        help_text=_("KBO/BCE number, e.g. 0123.456.749 or BE0123456749."),
    )
    main_nace_code = forms.CharField(
        label=_("Main activity (NACE-BEL code)"),
        required=False,
        max_length=10,
        help_text=_("E.g. 25.620."),
    )
    secondary_nace_codes = forms.CharField(
        label=_("Secondary activities (NACE-BEL codes)"),
        required=False,
        max_length=500,
        help_text=_("Codes separated by commas, e.g. 25.620, 28.410."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.current().order_by("name_nl"),
        required=False,
    )

    m2m_fields = ("domains", "clusters", "themes")

    class Meta:
        model = Organisation
        fields = [
            "name",
            "type",
            "status",
            "enterprise_number",
            "legal_form",
            "description",
            "website",
            "email",
            "phone",
            "street",
            "postal_code",
            "municipality",
            "employees",
            "turnover_eur",
            "balance_total_eur",
            "stage",
            "start_date",
            "domains",
            "clusters",
            "themes",
            "account_manager",
            "source",
        ]
        # Typed the Belgian way: 1234567,89.
        localized_fields = ["turnover_eur", "balance_total_eur"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "domains": forms.CheckboxSelectMultiple,
            "clusters": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if "enterprise_number" in self.fields and instance.enterprise_number:
            self.initial.setdefault(
                "enterprise_number", format_enterprise_number(instance.enterprise_number)
            )
        if instance.pk:
            if instance.main_nace_id:
                self.initial.setdefault("main_nace_code", instance.main_nace.dotted)
            self.initial.setdefault(
                "secondary_nace_codes",
                ", ".join(n.dotted for n in instance.secondary_naces.all()),
            )
        if "domains" in self.fields:
            self.fields["domains"].queryset = Domain.objects.order_by("name_nl")
        if "clusters" in self.fields:
            self.fields["clusters"].queryset = Cluster.objects.order_by("name_nl")
        if "themes" in self.fields:
            chosen = list(instance.themes.values_list("pk", flat=True)) if instance.pk else []
            self.fields["themes"].queryset = Theme.objects.filter(
                Q(is_active=True) | Q(pk__in=chosen)
            ).order_by("name_nl")
        if "account_manager" in self.fields:
            self.fields["account_manager"].queryset = (
                get_user_model()
                .objects.filter(
                    Q(role__in=["admin", "staff"]) | Q(is_superuser=True), is_active=True
                )
                .order_by("first_name", "last_name", "username")
            )
        self._apply_bootstrap_classes()

    def clean_enterprise_number(self):
        value = self.cleaned_data.get("enterprise_number", "").strip()
        if not value:
            return None
        validate_enterprise_number(value)
        digits = normalize_enterprise_number(value)
        other = (
            Organisation.objects.filter(enterprise_number=digits).exclude(pk=self.instance.pk)
        ).first()
        if other is not None:
            raise ValidationError(
                _("Enterprise number %(number)s is already registered for %(name)s."),
                code="duplicate_enterprise_number",
                params={"number": format_enterprise_number(digits), "name": other.name},
            )
        return digits

    def clean_postal_code(self):
        value = self.cleaned_data.get("postal_code", "").strip()
        if value and not re.fullmatch(r"[0-9]{4}", value):
            raise ValidationError(
                _("A Belgian postal code has 4 digits."), code="postal_code_format"
            )
        return value

    def clean_main_nace_code(self):
        value = self.cleaned_data.get("main_nace_code", "").strip()
        return nace_by_code(value) if value else None

    def clean_secondary_nace_codes(self):
        value = self.cleaned_data.get("secondary_nace_codes", "")
        codes, errors = [], []
        for code in NACE_SEPARATORS.split(value.strip()):
            if not code:
                continue
            try:
                codes.append(nace_by_code(code))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return codes

    def clean(self):
        cleaned = super().clean()
        if "postal_code" in self.fields:
            postal_code = cleaned.get("postal_code")
            municipality = cleaned.get("municipality")
            if postal_code and municipality is None and "municipality" not in self.errors:
                # One current municipality for this postal code: fill it in.
                candidates = Municipality.objects.current().filter(
                    Q(postal_codes__code=postal_code)
                    | Q(merged_from__postal_codes__code=postal_code)
                )
                found = list(candidates.distinct()[:2])
                if len(found) == 1:
                    cleaned["municipality"] = found[0]
                else:
                    self.add_error(
                        "municipality",
                        ValidationError(
                            _("Choose the municipality of postal code %(code)s."),
                            code="municipality_required",
                            params={"code": postal_code},
                        ),
                    )
            elif postal_code and municipality is not None:
                if not postal_code_belongs_to(postal_code, municipality):
                    self.add_error(
                        "postal_code",
                        ValidationError(
                            _("Postal code %(code)s does not belong to %(municipality)s."),
                            code="postal_code_mismatch",
                            params={"code": postal_code, "municipality": municipality.label},
                        ),
                    )
        if "main_nace_code" in self.fields and "main_nace_code" not in self.errors:
            self.instance.main_nace = cleaned.get("main_nace_code")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # The size class follows from the figures (EU SME definition), never typed in.
        self.instance.size_class = self.instance.compute_size_class()

    def m2m_values(self) -> dict:
        """The many-to-many sets to hand to the service."""
        values = {name: self.cleaned_data[name] for name in self.m2m_fields if name in self.fields}
        if "secondary_nace_codes" in self.fields:
            values["secondary_naces"] = self.cleaned_data["secondary_nace_codes"]
        return values


class OrganisationProfileForm(OrganisationForm):
    """What a company or partner user may keep up to date about their own organisation."""

    enterprise_number = None
    main_nace_code = None

    m2m_fields = ("themes",)

    class Meta(OrganisationForm.Meta):
        fields = [
            "description",
            "website",
            "email",
            "phone",
            "street",
            "postal_code",
            "municipality",
            "employees",
            "turnover_eur",
            "balance_total_eur",
            "themes",
        ]


class ContactForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "language",
            "newsletter_consent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._apply_bootstrap_classes()


class RelationForm(BootstrapFormMixin, forms.Form):
    """A relation from this organisation to another one, or the other way round."""

    OUTGOING = "out"
    INCOMING = "in"

    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            (OUTGOING, _("this organisation … the other one")),
            (INCOMING, _("the other organisation … this one")),
        ],
        initial=OUTGOING,
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=Relation.Kind.choices)
    other = forms.ModelChoiceField(
        label=_("Other organisation"),
        queryset=Organisation.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Search and pick the other organisation.")},
    )
    since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, organisation, **kwargs):
        self.organisation = organisation
        # Shares the organisation page with the timeline form: distinct ids.
        kwargs.setdefault("auto_id", "relation_%s")
        super().__init__(*args, **kwargs)
        self._apply_bootstrap_classes()

    def clean(self):
        cleaned = super().clean()
        other = cleaned.get("other")
        kind = cleaned.get("kind")
        if other is None or not kind:
            return cleaned
        if other.pk == self.organisation.pk:
            raise ValidationError(
                _("An organisation cannot be related to itself."), code="relation_self"
            )
        source, target = self.endpoints()
        if Relation.objects.filter(source=source, target=target, kind=kind).exists():
            raise ValidationError(_("This relation already exists."), code="relation_exists")
        return cleaned

    def endpoints(self) -> tuple[Organisation, Organisation]:
        other = self.cleaned_data["other"]
        if self.cleaned_data.get("direction") == self.INCOMING:
            return other, self.organisation
        return self.organisation, other


class ActivityForm(BootstrapFormMixin, forms.ModelForm):
    """A note, call, meeting or e-mail that staff log on an organisation's timeline."""

    LOGGABLE_KINDS = (
        Activity.Kind.NOTE,
        Activity.Kind.CALL,
        Activity.Kind.MEETING,
        Activity.Kind.EMAIL,
    )

    class Meta:
        model = Activity
        fields = ["kind", "occurred_at", "title", "body", "contact", "is_internal"]
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "body": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation, **kwargs):
        kwargs.setdefault("auto_id", "activity_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in self.LOGGABLE_KINDS]
        self.fields["contact"].queryset = organisation.contacts.filter(erased_at__isnull=True)
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        self._apply_bootstrap_classes()
