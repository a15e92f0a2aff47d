# Step 3 of 3: the message keeps its link under the old name, now to core.OutgoingEmail,
# and support.OutboundEmail goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_copy_emails_to_core_outbox"),
    ]

    operations = [
        migrations.RemoveField(model_name="message", name="email"),
        migrations.RenameField(model_name="message", old_name="outgoing_email", new_name="email"),
        migrations.DeleteModel(name="OutboundEmail"),
    ]
