"""Background work of the funding app, run by `schakel worker` (see core.jobs).

- `funding.email`: send one notification (rendered in the recipient's language when it
  was queued); a failure is re-raised so core.jobs retries it with back-off.
- `funding.sync_offerings`: bring every call's catalogue offering in step (closed calls
  leave the catalogue); schedule it daily.
"""

from __future__ import annotations

from django.core.mail import EmailMessage

from schakel.core.jobs import job_handler

EMAIL_JOB = "funding.email"
SYNC_JOB = "funding.sync_offerings"


@job_handler(EMAIL_JOB)
def send_email(job):
    payload = job.payload
    EmailMessage(subject=payload["subject"], body=payload["body"], to=[payload["to"]]).send()
    return {"sent_to": payload["to"]}


@job_handler(SYNC_JOB)
def sync_offerings(job):
    from schakel.funding.services import sync_all_offerings

    return {"synced": sync_all_offerings()}
