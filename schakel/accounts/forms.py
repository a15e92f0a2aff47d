from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from schakel.accounts import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing to check passwords once an account is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Wait %(minutes)s minutes or reset your password."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else None
        if username and throttle.is_locked(username, ip):
            from django.conf import settings

            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username, ip)
            raise
        throttle.clear_failures(username)
        return cleaned


class ActingCompanyForm(forms.Form):
    company = forms.ModelChoiceField(queryset=None, label=_("Act for"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from schakel.register.models import Organisation

        self.fields["company"].queryset = Organisation.objects.filter(
            pk__in=user.represented_company_ids()
        ).order_by("name")
