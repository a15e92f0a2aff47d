"""`schakel funding sync-offerings`: bring every call's catalogue offering in step (a
closed call leaves the catalogue). Run it daily, or queue the `funding.sync_offerings` job."""

from django.core.management.base import BaseCommand

from schakel.funding.services import sync_all_offerings


class Command(BaseCommand):
    help = "Funding maintenance: sync-offerings."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync-offerings"])

    def handle(self, *args, **options):
        count = sync_all_offerings()
        self.stdout.write(f"{count} call offerings in step with their calls.")
