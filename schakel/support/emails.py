"""Outgoing e-mail: rendered in the recipient's language now, sent by the worker later.

`queue_email` writes an `OutboundEmail` row and a `support.email` job in the
caller's transaction: if the transaction rolls back nothing is sent, and the
request never waits for a mail server.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from schakel.core import jobs
from schakel.support.models import OutboundEmail

EMAIL_JOB = "support.email"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def queue_email(
    to: str, subject, template: str, context: dict, language: str = "nl", question=None
) -> OutboundEmail | None:
    """Render `support/email/<template>.txt` in `language` and queue it; None without address."""
    if not to:
        return None
    with translation.override(language or settings.LANGUAGE_CODE):
        rendered_subject = str(subject) if not callable(subject) else str(subject())
        body = render_to_string(f"support/email/{template}.txt", context)
    email = OutboundEmail.objects.create(
        question=question, to=to, subject=rendered_subject[:200], body=body
    )
    jobs.enqueue(EMAIL_JOB, {"email_id": email.pk})
    return email
