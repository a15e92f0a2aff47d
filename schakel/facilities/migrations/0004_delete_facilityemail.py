# Step 2 of 2: facilities e-mail lives in core.OutgoingEmail now.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0003_copy_emails_to_core_outbox"),
    ]

    operations = [migrations.DeleteModel(name="FacilityEmail")]
