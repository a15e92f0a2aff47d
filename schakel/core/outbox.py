"""The outbox: every e-mail the application sends goes through here.

`queue_email` writes an `OutgoingEmail` row and a `core.email` job in one transaction,
inside the caller's own transaction when there is one. Both rows become visible to
`schakel worker` only when that transaction commits, so a rollback sends nothing and a
request never waits for a mail server; unlike an `on_commit` callback, a crash right
after the commit cannot lose the job. A failed send is retried with the job back-off
of `core.jobs`; after the last attempt the e-mail is marked failed and the app that
owns the linked record may react (`when_failed`).

Core knows no business app: a case, booking or application is linked through the
generic `about` field, and apps register their own failure reactions.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from schakel.core import jobs
from schakel.core.models import OutgoingEmail

EMAIL_JOB = "core.email"
_FAILURE_HANDLERS: dict[str, Callable[[OutgoingEmail, str], None]] = {}


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def queue_email(
    to: str, subject, body: str, *, language: str = "", about=None
) -> OutgoingEmail | None:
    """Queue an e-mail whose text is ready; None when there is no address."""
    if not to:
        return None
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            to=to, subject=str(subject)[:200], body=body, language=language or "", about=about
        )
        jobs.enqueue(EMAIL_JOB, {"email_id": email.pk})
    return email


def queue_template(
    to: str, subject, template: str, context: dict, *, language: str = "", about=None
) -> OutgoingEmail | None:
    """Render `template` and the subject (text or callable) in `language` now, then queue."""
    if not to:
        return None
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject_text = str(subject() if callable(subject) else subject)
        body = render_to_string(template, context)
    return queue_email(to, subject_text, body, language=language, about=about)


def when_failed(model):
    """Register `func(email, error)` for e-mails about `model` that failed for good."""

    def register(func):
        _FAILURE_HANDLERS[model._meta.label_lower] = func
        return func

    return register


@jobs.job_handler(EMAIL_JOB)
def send_email(job):
    email = OutgoingEmail.objects.filter(pk=job.payload.get("email_id")).first()
    if email is None or email.status in (OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED):
        return {"skipped": True}
    headers = {"Content-Language": email.language} if email.language else None
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.to], headers=headers).send()
    except Exception as exc:
        last_try = job.attempts >= job.max_attempts
        error = str(exc)[:300]
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.FAILED if last_try else OutgoingEmail.Status.RETRYING,
            attempts=job.attempts,
            last_error=error,
        )
        if last_try and email.content_type_id:
            handler = _FAILURE_HANDLERS.get(
                f"{email.content_type.app_label}.{email.content_type.model}"
            )
            if handler is not None:
                handler(email, error)
        raise
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT,
        attempts=job.attempts,
        last_error="",
        sent_at=timezone.now(),
    )
    return {"sent": email.pk}
