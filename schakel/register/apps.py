from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "schakel.register"
    label = "register"
    verbose_name = _("Register")

    def ready(self):
        # Register the "register.import" job handler with schakel.core.jobs (worker and web).
        from schakel.register.importing import jobs  # noqa: F401

        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(sender, using="default", **kwargs):
    """Put back the SQLite indexes and triggers a later migration's table rebuild dropped.

    Django rebuilds a SQLite table to alter it and keeps only the indexes it knows of; the
    search triggers and the SQLite-only indexes of migration 0003 go with the old table.
    """
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from schakel.register.search_index import ensure_sqlite_indexes

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("register", "0003_list_performance") in applied:
        ensure_sqlite_indexes(connection)
