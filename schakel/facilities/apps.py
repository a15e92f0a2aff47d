from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "schakel.facilities"
    label = "facilities"
    verbose_name = _("Facilities")

    def ready(self):
        # Register the job handlers (lease reminders) with core.jobs; e-mail is core.outbox.
        from schakel.facilities import jobs  # noqa: F401
