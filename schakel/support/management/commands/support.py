"""`schakel support digest|reminders`: the daily jobs, runnable by hand or from cron.

`--queue` only enqueues the job for `schakel worker`; without it the work runs now.
"""

from django.core.management.base import BaseCommand

from schakel.core import jobs
from schakel.support.digest import send_digests
from schakel.support.jobs import DIGEST_JOB, REMINDER_JOB, send_task_reminders


class Command(BaseCommand):
    help = "Support jobs: the daily digest to case owners and task reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("digest", "E-mail each owner the open cases that need attention."),
            ("reminders", "E-mail the assignees of tasks that are due."),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("--queue", action="store_true", help="Enqueue for the worker.")

    def handle(self, *args, action, queue=False, **options):
        if queue:
            job = jobs.enqueue(DIGEST_JOB if action == "digest" else REMINDER_JOB)
            self.stdout.write(f"queued job {job.pk}")
            return
        count = send_digests() if action == "digest" else send_task_reminders()
        self.stdout.write(f"{count} e-mail(s) queued; `schakel worker` sends them")
