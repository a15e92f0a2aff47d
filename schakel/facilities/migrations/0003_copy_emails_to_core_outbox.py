# Step 1 of 2 moving facilities e-mail into the core outbox: copy every FacilityEmail into
# core.OutgoingEmail (linked to its booking) and point still-queued jobs at the copies.
# The table goes in the next migration (its own transaction on PostgreSQL).

from django.db import migrations

OLD_JOB = "facilities.email"
NEW_JOB = "core.email"


def copy_forward(apps, schema_editor):
    FacilityEmail = apps.get_model("facilities", "FacilityEmail")
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    Job = apps.get_model("core", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not FacilityEmail.objects.exists():
        return
    booking_type, _ = ContentType.objects.get_or_create(app_label="facilities", model="booking")
    new_ids = {}
    for old in FacilityEmail.objects.order_by("pk").iterator():
        new = OutgoingEmail.objects.create(
            to=old.to,
            subject=old.subject,
            body=old.body,
            status=old.status,
            attempts=old.attempts,
            last_error=old.last_error,
            created_at=old.created_at,
            sent_at=old.sent_at,
            content_type=booking_type if old.booking_id else None,
            object_id=old.booking_id,
        )
        new_ids[old.pk] = new.pk
    for job in Job.objects.filter(kind=OLD_JOB).exclude(status__in=["done", "failed"]):
        new_id = new_ids.get(job.payload.get("email_id"))
        if new_id is None:
            job.delete()
            continue
        job.kind = NEW_JOB
        job.payload = {"email_id": new_id}
        job.save(update_fields=["kind", "payload"])


def copy_back(apps, schema_editor):
    FacilityEmail = apps.get_model("facilities", "FacilityEmail")
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    Booking = apps.get_model("facilities", "Booking")
    Job = apps.get_model("core", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    booking_type = ContentType.objects.filter(app_label="facilities", model="booking").first()
    if booking_type is None:
        return
    emails = OutgoingEmail.objects.filter(content_type=booking_type)
    existing = set(Booking.objects.values_list("pk", flat=True))
    old_ids = {}
    for new in emails.order_by("pk").iterator():
        old = FacilityEmail.objects.create(
            booking_id=new.object_id if new.object_id in existing else None,
            to=new.to,
            subject=new.subject,
            body=new.body,
            status=new.status,
            attempts=new.attempts,
            last_error=new.last_error,
            created_at=new.created_at,
            sent_at=new.sent_at,
        )
        old_ids[new.pk] = old.pk
    for job in Job.objects.filter(kind=NEW_JOB).exclude(status__in=["done", "failed"]):
        old_id = old_ids.get(job.payload.get("email_id"))
        if old_id is not None:
            job.kind = OLD_JOB
            job.payload = {"email_id": old_id}
            job.save(update_fields=["kind", "payload"])
    emails.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_outgoing_email"),
        ("facilities", "0002_no_overlap_on_postgresql"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
