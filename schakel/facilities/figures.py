"""Management figures: occupancy of business centres, utilisation of machines, bookings per
cluster and region, revenue per facility. Exact, reproducible numbers over a date range.

- Occupancy of a centre in a month = Σ(unit m² × leased days in the month) / (rentable m² ×
  days in the month); rentable m² is the floor area of the centre's active leasable units.
- Utilisation of a resource = booked hours / open hours in the period; booked means confirmed,
  completed or no-show (the slot was held), clipped to the period.
- Revenue per facility = what is invoiced (see `Booking.billable_excl_vat`), by booking start.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from schakel.facilities import availability
from schakel.facilities.models import (
    Booking,
    BookingStatus,
    Facility,
    FacilityKind,
    Lease,
    Resource,
)

HELD = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
COUNTED = (*HELD, BookingStatus.REQUESTED)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    result, day = [], first.replace(day=1)
    while day <= last:
        result.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return result


def _overlap_days(a_first, a_last, b_first, b_last) -> int:
    first, last = max(a_first, b_first), min(a_last, b_last)
    return max((last - first).days + 1, 0)


def occupancy(first: dt.date, last: dt.date, facilities=None) -> list[dict]:
    """Per business centre and month: rented m², rentable m², percentage (1 decimal)."""
    centres = Facility.objects.filter(kind=FacilityKind.BUSINESS_CENTRE)
    if facilities is not None:
        centres = centres.filter(pk__in=facilities)
    result = []
    month_list = months(first, last)
    for centre in centres.order_by("name"):
        units = list(
            Resource.objects.filter(facility=centre, is_leasable=True, is_active=True).exclude(
                floor_area_m2=None
            )
        )
        rentable = sum((u.floor_area_m2 for u in units), Decimal(0))
        leases = list(
            Lease.objects.holding()
            .filter(unit__in=units, starts_on__lte=last, ends_on__gte=first.replace(day=1))
            .select_related("unit")
        )
        series = []
        for month in month_list:
            days = calendar.monthrange(month.year, month.month)[1]
            month_last = month.replace(day=days)
            rented_area_days = sum(
                (
                    lease.unit.floor_area_m2
                    * _overlap_days(lease.starts_on, lease.ends_on, month, month_last)
                    for lease in leases
                ),
                Decimal(0),
            )
            rented = (rented_area_days / days).quantize(Decimal("0.1"))
            percent = (
                (rented_area_days * 100 / (rentable * days)).quantize(Decimal("0.1"))
                if rentable
                else Decimal("0.0")
            )
            series.append(
                {"month": month, "rented_m2": rented, "rentable_m2": rentable, "percent": percent}
            )
        result.append({"centre": centre, "months": series})
    return result


def _period(first: dt.date, last: dt.date):
    zone = availability.local_zone()
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return start, end


def _hours(seconds: float) -> Decimal:
    return (Decimal(int(seconds)) / 3600).quantize(Decimal("0.01"))


def utilisation(first: dt.date, last: dt.date, facilities=None, kinds=None) -> list[dict]:
    """Per bookable resource: booked hours, open hours, percentage (1 decimal)."""
    start, end = _period(first, last)
    resources = Resource.objects.bookable().select_related("facility")
    if facilities is not None:
        resources = resources.filter(facility__in=facilities)
    if kinds:
        resources = resources.filter(kind__in=kinds)
    booked = defaultdict(float)
    for resource_id, b_start, b_end, places in Booking.objects.filter(
        resource__in=resources, status__in=HELD, start__lt=end, end__gt=start
    ).values_list("resource_id", "start", "end", "places"):
        booked[resource_id] += (min(b_end, end) - max(b_start, start)).total_seconds() * places
    rows = []
    for resource in resources.order_by("facility__name", "name"):
        open_seconds = (
            sum(
                (e - s).total_seconds()
                for s, e in availability.schedule_for(resource).open_intervals(start, end)
            )
            * resource.capacity
        )
        hours_booked = _hours(booked[resource.pk])
        hours_open = _hours(open_seconds)
        rows.append(
            {
                "resource": resource,
                "booked_hours": hours_booked,
                "open_hours": hours_open,
                "percent": (hours_booked * 100 / hours_open).quantize(Decimal("0.1"))
                if hours_open
                else Decimal("0.0"),
            }
        )
    return rows


def bookings_by(first: dt.date, last: dt.date, facilities=None) -> dict:
    """Bookings (requested, confirmed, completed, no-show) per company cluster and region."""
    start, end = _period(first, last)
    bookings = Booking.objects.filter(status__in=COUNTED, start__gte=start, start__lt=end)
    if facilities is not None:
        bookings = bookings.filter(resource__facility__in=facilities)
    by_cluster: dict[str, int] = defaultdict(int)
    for code in bookings.values_list("company__clusters__code", flat=True):
        by_cluster[code or ""] += 1
    by_region: dict[str, int] = defaultdict(int)
    for name in bookings.values_list("company__municipality__region__name_nl", flat=True):
        by_region[name or ""] += 1
    return {"cluster": dict(by_cluster), "region": dict(by_region), "total": bookings.count()}


def revenue(first: dt.date, last: dt.date, facilities=None) -> list[dict]:
    """Invoiced amount excl. VAT per facility, by booking start in the period."""
    start, end = _period(first, last)
    bookings = Booking.objects.filter(start__gte=start, start__lt=end).filter(
        Q(status__in=HELD) | Q(status=BookingStatus.CANCELLED, cancellation_fee__gt=0)
    )
    if facilities is not None:
        bookings = bookings.filter(resource__facility__in=facilities)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    for booking in bookings.select_related("resource__facility").only(
        "status", "amount_excl_vat", "cancellation_fee", "resource__facility__name"
    ):
        facility = booking.resource.facility
        names[facility.pk] = facility.name
        totals[facility.pk] += booking.billable_excl_vat
    return [
        {"facility_id": pk, "facility": names[pk], "amount_excl_vat": totals[pk]}
        for pk in sorted(totals, key=lambda pk: (-totals[pk], names[pk]))
    ]
