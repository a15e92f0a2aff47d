from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "schakel.funding"
    label = "funding"
    verbose_name = _("Funding")

    def ready(self):
        # Register the job handlers (offering sync) with core.jobs; e-mail is core.outbox.
        from schakel.funding import jobs  # noqa: F401
