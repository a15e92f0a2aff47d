"""Background work of the support app, run by `schakel worker` (see core.jobs).

- `support.email`: send one `OutboundEmail`; a failure is re-raised so core.jobs
  retries with back-off, and the e-mail shows its status and error on the case.
- `support.task_reminders`: e-mail the assignee of each task that is due.
- `support.digest`: the daily overview for each case owner.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.core.jobs import job_handler
from schakel.support.models import CaseEvent, OutboundEmail, Task

EMAIL_JOB = "support.email"
REMINDER_JOB = "support.task_reminders"
DIGEST_JOB = "support.digest"


@job_handler(EMAIL_JOB)
def send_email(job):
    email = OutboundEmail.objects.filter(pk=job.payload.get("email_id")).first()
    if email is None or email.status in (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED):
        return {"skipped": True}
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
    except Exception as exc:
        last_try = job.attempts >= job.max_attempts
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.FAILED if last_try else OutboundEmail.Status.RETRYING,
            attempts=job.attempts,
            last_error=str(exc)[:300],
        )
        if last_try and email.question_id:
            CaseEvent.objects.create(
                question_id=email.question_id,
                kind=CaseEvent.Kind.EMAIL_FAILED,
                data={"to": email.to, "subject": email.subject, "error": str(exc)[:200]},
            )
        raise
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, attempts=job.attempts, sent_at=timezone.now()
    )
    return {"sent": email.pk}


def send_task_reminders(today=None) -> int:
    """Queue one reminder per due, open, not yet reminded task; returns how many."""
    from schakel.support.emails import absolute_url, queue_email

    today = today or timezone.localdate()
    count = 0
    due = Task.objects.filter(
        due_on__lte=today, done_at__isnull=True, reminder_sent_at__isnull=True
    ).select_related("question", "assignee")
    for task in due:
        recipient = task.assignee or task.question.owner
        with transaction.atomic():
            # Conditional UPDATE: two workers never remind twice.
            won = Task.objects.filter(pk=task.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not won or recipient is None:
                continue
            queue_email(
                recipient.email,
                lambda task=task: _("Task due: %(title)s") % {"title": task.title},
                "task_reminder",
                {
                    "task": task,
                    "url": absolute_url(f"/support/inbox/{task.question_id}/"),
                },
                language=recipient.language,
                question=task.question,
            )
            count += 1
    return count


@job_handler(REMINDER_JOB)
def task_reminders_job(job):
    return {"reminders": send_task_reminders()}


@job_handler(DIGEST_JOB)
def digest_job(job):
    from schakel.support.digest import send_digests

    return {"digests": send_digests()}
