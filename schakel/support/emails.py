"""Outgoing e-mail of the support app: rendered in the recipient's language now, sent by the
worker later through the core outbox (`schakel.core.outbox`), linked to the case.
"""

from __future__ import annotations

from schakel.core import outbox
from schakel.core.models import OutgoingEmail
from schakel.core.outbox import absolute_url

__all__ = ["absolute_url", "queue_email"]


def queue_email(
    to: str, subject, template: str, context: dict, language: str = "nl", question=None
) -> OutgoingEmail | None:
    """Render `support/email/<template>.txt` in `language` and queue it; None without address."""
    return outbox.queue_template(
        to, subject, f"support/email/{template}.txt", context, language=language, about=question
    )
