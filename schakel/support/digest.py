"""The daily digest: each owner gets the open cases that need attention."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.support.emails import absolute_url, queue_email
from schakel.support.models import Question, Task
from schakel.support.workflow import OPEN_STATES


def digest_for(owner, today=None) -> dict | None:
    """The open cases of `owner` grouped by urgency; None when there is nothing to say."""
    today = today or timezone.localdate()
    cases = list(Question.objects.open().filter(owner=owner).order_by("received_at", "id"))
    overdue = [q for q in cases if q.sla_status(today) == "overdue"]
    due_soon = [q for q in cases if q.sla_status(today) == "due_soon"]
    tasks = list(
        Task.objects.filter(
            done_at__isnull=True, due_on__lte=today, question__owner=owner
        ).select_related("question")
    )
    if not cases and not tasks:
        return None
    return {
        "owner": owner,
        "open_count": len(cases),
        "overdue": overdue,
        "due_soon": due_soon,
        "new": [q for q in cases if q.state == "new"],
        "tasks": tasks,
        "url": absolute_url("/support/inbox/"),
    }


def send_digests(today=None) -> int:
    """Queue one digest per staff member who owns open cases; returns how many."""
    User = get_user_model()
    owners = User.objects.filter(is_active=True, support_cases__state__in=OPEN_STATES).distinct()
    count = 0
    for owner in owners:
        context = digest_for(owner, today)
        if context is None or not owner.email:
            continue
        queue_email(
            owner.email,
            lambda context=context: (
                _("Your cases today: %(count)s open") % {"count": context["open_count"]}
            ),
            "digest",
            context,
            language=owner.language,
        )
        count += 1
    return count
