"""Indexes for the register list with 100,000 organisations (see register/search_index.py).

Portable: (employees, name, id) and (created_at, id) for sorting and deep pages.
Per database: "-employees" (empty last, then by name), the trigram search index (a pg_trgm
GIN index on PostgreSQL, an FTS5 trigram table kept in step by triggers on SQLite 3.34+),
and on SQLite (type, size_class).
"""

from django.conf import settings
from django.db import migrations, models

from schakel.register import search_index


def create_vendor_indexes(apps, schema_editor):
    search_index.create_postgres_indexes(schema_editor.connection)
    search_index.ensure_sqlite_indexes(schema_editor.connection)


def drop_vendor_indexes(apps, schema_editor):
    search_index.drop_postgres_indexes(schema_editor.connection)
    search_index.drop_sqlite_indexes(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_load_reference_data"),
        ("register", "0002_legal_form_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                fields=["employees", "name", "id"], name="register_org_employees_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["created_at", "id"], name="register_org_created_idx"),
        ),
        migrations.RunPython(create_vendor_indexes, drop_vendor_indexes, elidable=False),
    ]
