"""`schakel facilities daily|sync-catalogue`: the facilities' periodic work from the command line.

- `daily`: complete confirmed bookings that ended, and e-mail the warnings about leases and
  maximum stays ending within each centre's warning window (run it once a day, or queue the
  `facilities.daily` job);
- `sync-catalogue`: create or update the catalogue offering of every facility and of every
  resource already linked to one (the matching engine learns about them after commit).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from schakel.facilities import services
from schakel.facilities.jobs import send_lease_warnings
from schakel.facilities.models import Facility, Resource


class Command(BaseCommand):
    help = "Facilities: daily work and the catalogue sync."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["daily", "sync-catalogue"])

    def handle(self, *args, **options):
        if options["action"] == "daily":
            completed = services.complete_past_bookings()
            warned = send_lease_warnings()
            self.stdout.write(
                _("%(completed)s bookings completed, %(warned)s lease warnings queued.")
                % {"completed": completed, "warned": warned}
            )
            return
        count = 0
        with transaction.atomic():
            for facility in Facility.objects.select_related("operator", "offering"):
                services.sync_offering(facility)
                count += 1
            for resource in Resource.objects.filter(offering__isnull=False).select_related(
                "facility__operator", "offering"
            ):
                services.sync_offering(resource)
                count += 1
        self.stdout.write(_("%(count)s offerings synchronised.") % {"count": count})
