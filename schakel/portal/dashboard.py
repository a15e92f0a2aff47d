"""What an agency staff member sees first: their own work, then the register at a glance.

The portal may read every app (it sits at the bottom of the layering), but it
only calls their query sets, so each app's visibility rules still apply.
"""

from django.utils import timezone

from schakel.facilities.models import Booking, BookingStatus, Facility
from schakel.register.models import Activity, Organisation
from schakel.support.models import Question

URGENT_LIMIT = 6


def _my_cases(user):
    open_cases = (
        Question.objects.visible_to(user)
        .open()
        .filter(owner=user)
        .select_related("organisation")
        .order_by("first_response_due", "received_at")
    )
    today = timezone.localdate()
    cases = list(open_cases[:200])
    for case in cases:
        # Computed once here: it counts working days, and the template shows it too.
        case.urgency = case.sla_status(today)
    overdue = [case for case in cases if case.urgency == "overdue"]
    due_soon = [case for case in cases if case.urgency == "due_soon"]
    rest = [case for case in cases if case.urgency not in ("overdue", "due_soon")]
    urgent = overdue + due_soon + rest
    return {
        "my_open_count": open_cases.count(),
        "my_overdue_count": len(overdue),
        "my_due_soon_count": len(due_soon),
        "urgent_cases": urgent[:URGENT_LIMIT],
        "unassigned_count": Question.objects.visible_to(user)
        .open()
        .filter(owner__isnull=True)
        .count(),
    }


def _bookings_to_approve(user):
    managed = Facility.objects.managed_by(user)
    pending = Booking.objects.filter(
        status=BookingStatus.REQUESTED, resource__facility__in=managed, end__gte=timezone.now()
    )
    return {"pending_bookings_count": pending.count(), "manages_facilities": managed.exists()}


def for_staff(user) -> dict:
    context = {
        "organisation_count": Organisation.objects.count(),
        "company_count": Organisation.objects.companies().count(),
        "pending_count": Organisation.objects.filter(status=Organisation.Status.PENDING).count(),
        "recent_activities": Activity.objects.visible_to(user)
        .select_related("organisation", "actor")
        .order_by("-occurred_at", "-id")[:8],
    }
    context.update(_my_cases(user))
    context.update(_bookings_to_approve(user))
    return context
