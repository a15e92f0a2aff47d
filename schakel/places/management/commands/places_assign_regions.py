"""Apply schakel/places/data/regions.yaml to the database (after someone edited it)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from schakel.places import refdata
from schakel.places.models import Municipality, Region


class Command(BaseCommand):
    help = (
        "Create or update the West-Flemish regions from regions.yaml and reassign municipalities."
    )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                counts = refdata.sync_regions(Region, Municipality)
        except refdata.RegionAssignmentError as exc:
            raise CommandError(f"regions.yaml: {exc}; nothing was changed.")
        for code, count in sorted(counts.items()):
            self.stdout.write(f"{code}: {count}")
