# Step 1 of 3 moving support e-mail into the core outbox: a new link from a message to its
# core.OutgoingEmail. Steps are separate migrations (separate transactions on PostgreSQL),
# so no ALTER TABLE meets rows written in the same transaction.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outgoing_email"),
        ("support", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="outgoing_email",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.outgoingemail",
                verbose_name="e-mail",
            ),
        ),
    ]
