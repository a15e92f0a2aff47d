import signal
import time

from django.core.management.base import BaseCommand

from schakel.core import jobs


class Command(BaseCommand):
    help = "Run background jobs (e-mail, reminders, index updates, big imports)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then stop.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls.")

    def handle(self, *args, once=False, interval=2.0, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        while True:
            ran = jobs.run_pending()
            if ran:
                self.stdout.write(f"ran {ran} job(s)")
            if once or self.stopping:
                return
            time.sleep(interval)

    def _stop(self, signum, frame):
        # Finish the job at hand, then leave.
        self.stopping = True
