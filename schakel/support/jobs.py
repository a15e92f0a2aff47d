"""Background work of the support app, run by `schakel worker` (see core.jobs).

- e-mail goes through the core outbox (`core.email`); when an e-mail about a case fails for
  good, `email_failed` records it on the case.
- `support.task_reminders`: e-mail the assignee of each task that is due.
- `support.digest`: the daily overview for each case owner.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.core import outbox
from schakel.core.jobs import job_handler
from schakel.support.models import CaseEvent, Question, Task

REMINDER_JOB = "support.task_reminders"
DIGEST_JOB = "support.digest"


@outbox.when_failed(Question)
def email_failed(email, error: str) -> None:
    """An e-mail about a case failed for good: say so on the case."""
    CaseEvent.objects.create(
        question_id=email.object_id,
        kind=CaseEvent.Kind.EMAIL_FAILED,
        data={"to": email.to, "subject": email.subject, "error": error[:200]},
    )


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
