"""Background work of the facilities app, run by `schakel worker` (see core.jobs).

- e-mail goes through the core outbox (`core.email`, see `schakel.core.outbox`).
- `facilities.daily`: complete confirmed bookings that ended, warn about leases and maximum stays
  ending within the centre's warning window (one e-mail per lease and kind), and tell the
  managers about units that become free within `services.FREE_SOON_DAYS`, with the first
  candidates of the waiting list (once per lease and free day).
"""

from __future__ import annotations

from django.utils import timezone

from schakel.core.jobs import job_handler

DAILY_JOB = "facilities.daily"


def send_lease_warnings(today=None) -> int:
    """E-mail the centre about each lease ending (or stay running out) in its window, once."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from schakel.facilities import services
    from schakel.facilities.models import Lease

    count = 0
    for warning in services.lease_warnings(today):
        lease = warning["lease"]
        if lease.warned_at is not None:
            continue
        centre = lease.unit.facility
        recipients = [m.email for m in centre.managers.exclude(email="")]
        if centre.contact_email:
            recipients.append(centre.contact_email)
        with transaction.atomic():
            won = Lease.objects.filter(pk=lease.pk, warned_at__isnull=True).update(
                warned_at=timezone.now()
            )
            if not won:
                continue
            for to in dict.fromkeys(recipients):
                services.queue_email(
                    to,
                    _("Lease of %(unit)s: %(company)s")
                    % {"unit": lease.unit.name, "company": lease.company},
                    "lease_warning",
                    {"warning": warning, "lease": lease},
                )
            count += 1
    return count


def run_daily() -> dict:
    """The day's work: the job and `schakel facilities daily` both run this."""
    from schakel.facilities import services

    completed = services.complete_past_bookings()
    warned = send_lease_warnings()
    told = services.tell_managers_units_free_soon()
    return {"completed": completed, "lease_warnings": warned, "units_free": told}


@job_handler(DAILY_JOB)
def daily(job):
    return run_daily()
