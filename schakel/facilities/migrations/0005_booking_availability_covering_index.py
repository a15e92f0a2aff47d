"""The availability index covers the columns availability reads (index-only scans); the new
index is built before the old one goes, so lookups never lose their index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("facilities", "0004_delete_facilityemail")]

    operations = [
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                fields=["resource", "blocked_start", "blocked_end", "status", "places"],
                name="facilities_booking_cover_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="booking", name="facilities_booking_block_idx"),
    ]
