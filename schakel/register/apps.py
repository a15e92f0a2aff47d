from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "schakel.register"
    label = "register"
    verbose_name = _("Register")

    def ready(self):
        # Register the "register.import" job handler with schakel.core.jobs (worker and web).
        from schakel.register.importing import jobs  # noqa: F401
