"""`schakel facilities daily|sync-catalogue`: the facilities' periodic work from the command line.

- `daily`: complete confirmed bookings that ended, e-mail the warnings about leases and
  maximum stays ending within each centre's warning window, and tell centre managers which units
  come free within 90 days, with their first candidates, once per lease (run it once a day, or
  queue the `facilities.daily` job);
- `sync-catalogue`: make every facility and every resource (machines, units, berths, rooms,
  desks...) an offering of the catalogue: missing offerings are created, the others brought in
  step, unchanged ones left alone; safe to run again. The matching engine learns about them
  after commit (`schakel matching reindex` indexes them at once).
"""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from schakel.facilities import services
from schakel.facilities.jobs import run_daily
from schakel.facilities.models import Facility, Resource


class Command(BaseCommand):
    help = "Facilities: daily work and the catalogue sync."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["daily", "sync-catalogue"])
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, **options):
        if options["action"] == "daily":
            done = run_daily()
            self.stdout.write(
                _(
                    "%(completed)s bookings completed, %(warned)s lease warnings queued, "
                    "%(told)s units coming free told to their managers."
                )
                % {
                    "completed": done["completed"],
                    "warned": done["lease_warnings"],
                    "told": done["units_free"],
                }
            )
            return
        counts = self.sync_catalogue(
            disable=options["no_progress"] or options.get("verbosity", 1) < 1
        )
        self.stdout.write(
            _(
                "Catalogue in step with the facilities: %(created)s offerings created, "
                "%(updated)s updated, %(unchanged)s unchanged."
            )
            % counts
        )

    def sync_catalogue(self, disable: bool) -> dict:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        facilities = Facility.objects.select_related("operator", "offering", "municipality")
        resources = Resource.objects.select_related(
            "facility__operator", "facility__municipality", "offering"
        ).order_by("facility_id", "id")
        with (
            transaction.atomic(),
            tqdm(
                total=facilities.count() + resources.count(),
                desc=_("Catalogue offerings"),
                unit="offering",
                disable=disable,
                file=getattr(self.stderr, "_out", sys.stderr),
            ) as bar,
        ):
            for obj in [*facilities, *resources]:
                had = obj.offering_id and obj.offering.updated_at
                offering = services.sync_offering(obj, resources=False)
                if not had:
                    counts["created"] += 1
                elif offering.updated_at != had:
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
                bar.update(1)
        return counts
