"""No double booking on PostgreSQL: exclusion constraints over the time ranges.

- a booking of an exclusive resource (capacity 1) that holds its slot (requested or
  confirmed) may not overlap another one on the same resource, buffers included;
- a lease that is not cancelled may not overlap another one on the same unit.

SQLite has no exclusion constraints: there the services' serialized (IMMEDIATE) transactions
give the same guarantee, so this migration does nothing on other databases.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CREATE = [
    """
    ALTER TABLE facilities_booking ADD CONSTRAINT facilities_booking_no_overlap
    EXCLUDE USING gist (
        resource_id WITH =,
        tstzrange(blocked_start, blocked_end, '[)') WITH &&
    ) WHERE (exclusive AND status IN ('requested', 'confirmed'))
    """,
    """
    ALTER TABLE facilities_lease ADD CONSTRAINT facilities_lease_no_overlap
    EXCLUDE USING gist (
        unit_id WITH =,
        daterange(starts_on, ends_on, '[]') WITH &&
    ) WHERE (status <> 'cancelled')
    """,
]
DROP = [
    "ALTER TABLE facilities_booking DROP CONSTRAINT IF EXISTS facilities_booking_no_overlap",
    "ALTER TABLE facilities_lease DROP CONSTRAINT IF EXISTS facilities_lease_no_overlap",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in CREATE:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [
        # A no-op on databases other than PostgreSQL.
        BtreeGistExtension(),
        migrations.RunPython(create, drop),
    ]
