"""Background work of the funding app, run by `schakel worker` (see core.jobs).

- e-mail goes through the core outbox (`core.email`, see `schakel.core.outbox`), rendered in
  the recipient's language when it is queued and linked to the application.
- `funding.sync_offerings`: bring every call's catalogue offering in step (closed calls
  leave the catalogue); schedule it daily.
"""

from __future__ import annotations

from schakel.core.jobs import job_handler

SYNC_JOB = "funding.sync_offerings"


@job_handler(SYNC_JOB)
def sync_offerings(job):
    from schakel.funding.services import sync_all_offerings

    return {"synced": sync_all_offerings()}
