"""`schakel serve`: the web server (gunicorn) and a background worker together."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Schakel with gunicorn and run a background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2))
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start the job worker.")

    def handle(self, *args, host, port, workers, no_worker, **options):
        if not settings.DEBUG:
            from django.core.management import call_command

            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "schakel.cli", "worker"])
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Schakel is served on {url}"))
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "schakel.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        if settings.DEBUG:
            command.append("--reload")
        try:
            subprocess.call(command)
        except KeyboardInterrupt:
            pass
        finally:
            if worker:
                worker.terminate()
                worker.wait(timeout=10)
