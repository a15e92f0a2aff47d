# Step 2 of 3: copy every support.OutboundEmail into core.OutgoingEmail (linked to its
# question), point messages and still-queued jobs at the copies.

from django.db import migrations

OLD_JOB = "support.email"
NEW_JOB = "core.email"


def copy_forward(apps, schema_editor):
    OutboundEmail = apps.get_model("support", "OutboundEmail")
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    Message = apps.get_model("support", "Message")
    Job = apps.get_model("core", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not OutboundEmail.objects.exists():
        return
    question_type, _ = ContentType.objects.get_or_create(app_label="support", model="question")
    new_ids = {}
    for old in OutboundEmail.objects.order_by("pk").iterator():
        new = OutgoingEmail.objects.create(
            to=old.to,
            subject=old.subject,
            body=old.body,
            status=old.status,
            attempts=old.attempts,
            last_error=old.last_error,
            created_at=old.created_at,
            sent_at=old.sent_at,
            content_type=question_type if old.question_id else None,
            object_id=old.question_id,
        )
        new_ids[old.pk] = new.pk
    for message in Message.objects.filter(email__isnull=False).only("pk", "email_id"):
        Message.objects.filter(pk=message.pk).update(outgoing_email_id=new_ids[message.email_id])
    for job in Job.objects.filter(kind=OLD_JOB).exclude(status__in=["done", "failed"]):
        new_id = new_ids.get(job.payload.get("email_id"))
        if new_id is None:
            job.delete()
            continue
        job.kind = NEW_JOB
        job.payload = {"email_id": new_id}
        job.save(update_fields=["kind", "payload"])


def copy_back(apps, schema_editor):
    OutboundEmail = apps.get_model("support", "OutboundEmail")
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    Message = apps.get_model("support", "Message")
    Job = apps.get_model("core", "Job")
    ContentType = apps.get_model("contenttypes", "ContentType")
    question_type = ContentType.objects.filter(app_label="support", model="question").first()
    if question_type is None:
        return
    old_ids = {}
    emails = OutgoingEmail.objects.filter(content_type=question_type)
    for new in emails.order_by("pk").iterator():
        old = OutboundEmail.objects.create(
            question_id=new.object_id,
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
    for message in Message.objects.filter(outgoing_email__isnull=False):
        Message.objects.filter(pk=message.pk).update(
            email_id=old_ids.get(message.outgoing_email_id)
        )
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
        ("support", "0002_message_outgoing_email"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
