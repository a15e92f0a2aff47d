"""Availability stamps: database triggers count every change to a resource's bookings, so a
cached availability is used only while nothing changed (see `availability.busy_table`).

PostgreSQL: one statement-level trigger per event, reading the transition tables, so a bulk
insert of 10,000 bookings stamps each resource once. SQLite: row-level triggers (the only kind).
"""

import django.db.models.deletion
from django.db import migrations, models

STAMP = "facilities_availabilitystamp"

POSTGRESQL = [
    f"""
    CREATE FUNCTION facilities_stamp_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO {STAMP} (resource_id, version)
            SELECT DISTINCT resource_id, 1 FROM changed_new
            ON CONFLICT (resource_id) DO UPDATE SET version = {STAMP}.version + 1;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO {STAMP} (resource_id, version)
            SELECT DISTINCT resource_id, 1 FROM changed_old
            ON CONFLICT (resource_id) DO UPDATE SET version = {STAMP}.version + 1;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER facilities_booking_stamp_insert AFTER INSERT ON facilities_booking
    REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION facilities_stamp_bookings()
    """,
    """
    CREATE TRIGGER facilities_booking_stamp_update AFTER UPDATE ON facilities_booking
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION facilities_stamp_bookings()
    """,
    """
    CREATE TRIGGER facilities_booking_stamp_delete AFTER DELETE ON facilities_booking
    REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION facilities_stamp_bookings()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS facilities_booking_stamp_insert ON facilities_booking",
    "DROP TRIGGER IF EXISTS facilities_booking_stamp_update ON facilities_booking",
    "DROP TRIGGER IF EXISTS facilities_booking_stamp_delete ON facilities_booking",
    "DROP FUNCTION IF EXISTS facilities_stamp_bookings()",
]


def _sqlite_trigger(event: str, row: str) -> str:
    return f"""
    CREATE TRIGGER facilities_booking_stamp_{event.lower()}_{row.lower()}
    AFTER {event} ON facilities_booking FOR EACH ROW BEGIN
        INSERT INTO {STAMP} (resource_id, version) VALUES ({row}.resource_id, 1)
        ON CONFLICT (resource_id) DO UPDATE SET version = version + 1;
    END
    """


SQLITE = [
    _sqlite_trigger("INSERT", "NEW"),
    _sqlite_trigger("UPDATE", "OLD"),
    _sqlite_trigger("UPDATE", "NEW"),
    _sqlite_trigger("DELETE", "OLD"),
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS facilities_booking_stamp_{name}"
    for name in ("insert_new", "update_old", "update_new", "delete_old")
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("facilities", "0005_booking_availability_covering_index")]

    operations = [
        migrations.CreateModel(
            name="AvailabilityStamp",
            fields=[
                (
                    "resource",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="facilities.resource",
                        verbose_name="resource",
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "availability stamp",
                "verbose_name_plural": "availability stamps",
            },
        ),
        migrations.RunPython(create, drop),
    ]
