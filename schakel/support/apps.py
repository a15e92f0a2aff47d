from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "schakel.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self):
        # Register the job handlers (e-mail, reminders, digest) with core.jobs.
        from schakel.register import services as register_services
        from schakel.support import jobs  # noqa: F401
        from schakel.support.services import erase_contact_data

        # Erasing a contact in the register also blanks the copies in questions.
        hooks = getattr(register_services, "ERASURE_HOOKS", None)
        if hooks is not None and erase_contact_data not in hooks:
            hooks.append(erase_contact_data)
