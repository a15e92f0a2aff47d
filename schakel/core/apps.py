from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "schakel.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Register the "core.email" job handler (the outbox) with core.jobs.
        from schakel.core import outbox  # noqa: F401
