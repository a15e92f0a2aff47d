"""Forms for staff: an offering, and the upload of a catalogue file."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schakel.catalog.models import SIZE_CODES, STAGE_CODES, Offering
from schakel.places.models import Cluster, Domain, Municipality
from schakel.register.models import Organisation, SizeClass, Stage


class ThemesField(forms.CharField):
    """Themes typed as a comma-separated list; stored as an ordered list of keywords."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        themes = []
        for part in text.split(","):
            keyword = " ".join(part.split()).lower()
            if keyword and keyword not in themes:
                themes.append(keyword)
        return themes


class OfferingForm(forms.ModelForm):
    url = forms.URLField(label=_("web page"), max_length=500, required=False, assume_scheme="https")
    themes = ThemesField(
        label=_("Themes"),
        required=False,
        help_text=_("Lowercase keywords, separated by commas."),
    )
    audience_stages = forms.MultipleChoiceField(
        label=_("For stages"),
        choices=[(code, label) for code, label in Stage.choices if code in STAGE_CODES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means open to all."),
    )
    audience_sizes = forms.MultipleChoiceField(
        label=_("For company sizes"),
        choices=[(code, label) for code, label in SizeClass.choices if code in SIZE_CODES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means open to all."),
    )

    class Meta:
        model = Offering
        fields = [
            "external_id",
            "kind",
            "provider",
            "title_nl",
            "title_en",
            "title_fr",
            "description_nl",
            "description_en",
            "description_fr",
            "domains",
            "clusters",
            "themes",
            "municipality",
            "audience_stages",
            "audience_sizes",
            "open_from",
            "open_until",
            "budget_eur",
            "url",
            "contact_name",
            "contact_email",
            "contact_phone",
            "source",
        ]
        widgets = {
            "domains": forms.CheckboxSelectMultiple,
            "clusters": forms.CheckboxSelectMultiple,
            "open_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "open_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_nl": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "description_fr": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Providers are the ecosystem's bodies; a company only once it offers something.
        self.fields["provider"].queryset = (
            Organisation.objects.filter(~Q(type="company") | Q(offerings__isnull=False))
            .distinct()
            .order_by("name")
        )
        self.fields["domains"].queryset = Domain.objects.all()
        self.fields["clusters"].queryset = Cluster.objects.all()
        self.fields["municipality"].queryset = Municipality.objects.current()
        if self.instance.pk:
            # The id is how other installations and files know the record.
            self.fields["external_id"].disabled = True
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class CatalogUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_("A JSON document in the open catalogue format (schakel.catalog/v1)."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.")
                % {"max": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload
