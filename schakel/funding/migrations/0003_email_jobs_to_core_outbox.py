# Funding e-mail now goes through the core outbox: every "funding.email" job still waiting
# becomes a core.OutgoingEmail row with a "core.email" job. Sent and failed jobs stay as
# they are (history).

from django.db import migrations

OLD_JOB = "funding.email"
NEW_JOB = "core.email"


def forward(apps, schema_editor):
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    Job = apps.get_model("core", "Job")
    for job in Job.objects.filter(kind=OLD_JOB).exclude(status__in=["done", "failed"]):
        payload = job.payload or {}
        if not payload.get("to"):
            job.delete()
            continue
        email = OutgoingEmail.objects.create(
            to=payload["to"],
            subject=payload.get("subject", "")[:200],
            body=payload.get("body", ""),
            attempts=job.attempts,
            created_at=job.created_at,
        )
        job.kind = NEW_JOB
        job.payload = {"email_id": email.pk}
        job.save(update_fields=["kind", "payload"])


def backward(apps, schema_editor):
    # Waiting e-mails linked to no record (funding's, and lease warnings) go back to the
    # self-contained "funding.email" job, which sends any to/subject/body.
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    Job = apps.get_model("core", "Job")
    for job in Job.objects.filter(kind=NEW_JOB).exclude(status__in=["done", "failed"]):
        email = OutgoingEmail.objects.filter(
            pk=(job.payload or {}).get("email_id"), content_type__isnull=True
        ).first()
        if email is None:
            continue
        job.kind = OLD_JOB
        job.payload = {"to": email.to, "subject": email.subject, "body": email.body}
        job.save(update_fields=["kind", "payload"])
        email.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outgoing_email"),
        ("funding", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(forward, backward)]
