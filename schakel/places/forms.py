"""The technology theme form (staff); `services.create_theme`/`update_theme` save it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schakel.places.models import Theme


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = [
            "code",
            "name_nl",
            "name_en",
            "name_fr",
            "description_nl",
            "description_en",
            "description_fr",
            "is_active",
        ]
        help_texts = {
            "code": _(
                "Lower-case letters, digits and hyphens; used in URLs, filters and the open "
                "catalogue format."
            ),
            "is_active": _("Inactive themes stay on existing records but cannot be chosen."),
        }
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "is_active" else "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            field.widget.attrs["class"] = css
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-errors"
