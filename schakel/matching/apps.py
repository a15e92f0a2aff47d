from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "schakel.matching"
    label = "matching"
    verbose_name = _("Matchmaking")

    def ready(self):
        # Keep the on-disk index in step with the catalogue: every committed change to an
        # offering is noted (and picked up in-process or by the worker's "matching.reindex").
        from schakel.catalog.services import on_offering_changed
        from schakel.matching import index

        on_offering_changed(index.offering_changed)
