"""When a resource is open, busy and free: opening hours, closures, Belgian public holidays,
bookings with their buffers and capacity. Plain functions over aware datetimes.

Opening hours are wall-clock times in Europe/Brussels; a period is made of aware instants, so a
booking across the change to or from summer time keeps its real duration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

from schakel.facilities.models import ACTIVE_STATUSES, Booking, BookingStatus, Closure, Resource

Interval = tuple[dt.datetime, dt.datetime]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def belgian_public_holidays(year: int) -> dict[dt.date, str]:
    """The ten legal public holidays of Belgium (names in Dutch, as on the calendar)."""
    easter = easter_sunday(year)
    return {
        dt.date(year, 1, 1): "Nieuwjaar",
        easter + dt.timedelta(days=1): "Paasmaandag",
        dt.date(year, 5, 1): "Dag van de Arbeid",
        easter + dt.timedelta(days=39): "O.L.H. Hemelvaart",
        easter + dt.timedelta(days=50): "Pinkstermaandag",
        dt.date(year, 7, 21): "Nationale feestdag",
        dt.date(year, 8, 15): "O.L.V. Hemelvaart",
        dt.date(year, 11, 1): "Allerheiligen",
        dt.date(year, 11, 11): "Wapenstilstand",
        dt.date(year, 12, 25): "Kerstmis",
    }


def is_public_holiday(day: dt.date) -> bool:
    return day in belgian_public_holidays(day.year)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sort and join intervals that overlap or touch."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """`intervals` minus `holes` (both sorted and merged)."""
    result = []
    j = 0
    for start, end in intervals:
        current = start
        while j < len(holes) and holes[j][1] <= current:
            j += 1
        k = j
        while k < len(holes) and holes[k][0] < end:
            if holes[k][0] > current:
                result.append((current, holes[k][0]))
            current = max(current, holes[k][1])
            k += 1
        if current < end:
            result.append((current, end))
    return result


@dataclass
class Schedule:
    """The weekly opening intervals and closed days of one resource, loaded once."""

    weekly: dict[int, list[tuple[dt.time, dt.time]]]
    closed_days: set[dt.date]
    closed_ranges: list[tuple[dt.date, dt.date]]
    closed_on_public_holidays: bool

    def is_closed(self, day: dt.date) -> bool:
        if day in self.closed_days:
            return True
        if self.closed_on_public_holidays and is_public_holiday(day):
            return True
        return any(first <= day <= last for first, last in self.closed_ranges)

    def open_intervals(self, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        """Open time within [start, end), as merged aware intervals."""
        zone = local_zone()
        first = start.astimezone(zone).date() - dt.timedelta(days=1)
        last = end.astimezone(zone).date()
        intervals: list[Interval] = []
        day = first
        while day <= last:
            if not self.is_closed(day):
                for opens, closes in self.weekly.get(day.weekday(), ()):
                    begin = dt.datetime.combine(day, opens, tzinfo=zone)
                    if closes == dt.time(0, 0):
                        finish = dt.datetime.combine(
                            day + dt.timedelta(days=1), closes, tzinfo=zone
                        )
                    else:
                        finish = dt.datetime.combine(day, closes, tzinfo=zone)
                    # Compare in UTC: wall-clock arithmetic would be wrong across summer time.
                    begin, finish = begin.astimezone(dt.UTC), finish.astimezone(dt.UTC)
                    begin, finish = max(begin, start), min(finish, end)
                    if begin < finish:
                        intervals.append((begin, finish))
            day += dt.timedelta(days=1)
        return merge(intervals)


def schedule_for(resource: Resource) -> Schedule:
    rows = list(resource.opening_hours.all())
    if not rows:
        rows = list(resource.facility.opening_hours.filter(resource__isnull=True))
    weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in rows:
        weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
    closed_ranges = list(
        Closure.objects.filter(facility_id=resource.facility_id)
        .filter(models_q_resource(resource))
        .values_list("starts_on", "ends_on")
    )
    return Schedule(
        weekly=weekly,
        closed_days=set(),
        closed_ranges=closed_ranges,
        closed_on_public_holidays=resource.facility.closed_on_public_holidays,
    )


def models_q_resource(resource: Resource):
    from django.db.models import Q

    return Q(resource__isnull=True) | Q(resource=resource)


def is_within_opening_hours(resource: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether every moment of [start, end) is open (consecutive open days join up)."""
    intervals = schedule_for(resource).open_intervals(start, end)
    return len(intervals) == 1 and intervals[0][0] <= start and intervals[0][1] >= end


def busy_rows(resource: Resource, start: dt.datetime, end: dt.datetime, exclude_id=None):
    """(blocked_start, blocked_end, places, status, company_id, id) of active bookings in range."""
    qs = Booking.objects.filter(
        resource_id=resource.pk,
        status__in=ACTIVE_STATUSES,
        blocked_start__lt=end,
        blocked_end__gt=start,
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return list(
        qs.order_by("blocked_start").values_list(
            "blocked_start", "blocked_end", "places", "status", "company_id", "id"
        )
    )


def occupancy(
    rows, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, int, bool]]:
    """Step function of places taken in [start, end): (from, to, places, all tentative)."""
    events: dict[dt.datetime, list[int]] = {}
    for b_start, b_end, places, status, *_ in rows:
        b_start, b_end = max(b_start, start), min(b_end, end)
        if b_start >= b_end:
            continue
        tentative = 1 if status == BookingStatus.REQUESTED else 0
        events.setdefault(b_start, [0, 0])
        events.setdefault(b_end, [0, 0])
        events[b_start][0] += places
        events[b_start][1] += tentative * places
        events[b_end][0] -= places
        events[b_end][1] -= tentative * places
    steps = []
    taken = tentative_taken = 0
    moments = sorted(events)
    for index, moment in enumerate(moments[:-1]):
        taken += events[moment][0]
        tentative_taken += events[moment][1]
        if taken > 0:
            following = moments[index + 1]
            if (
                steps
                and steps[-1][1] == moment
                and steps[-1][2] == taken
                and steps[-1][3] == (tentative_taken == taken)
            ):
                steps[-1] = (steps[-1][0], following, taken, steps[-1][3])
            else:
                steps.append((moment, following, taken, tentative_taken == taken))
    return steps


def conflicts(resource: Resource, blocked_start, blocked_end, places: int = 1, exclude_id=None):
    """Active bookings that leave fewer than `places` free somewhere in the blocked period.

    Returns the conflicting periods as (start, end) of the bookings involved; empty when the
    booking fits.
    """
    rows = busy_rows(resource, blocked_start, blocked_end, exclude_id)
    if not rows:
        return []
    if resource.capacity == 1:
        return [(row[0], row[1]) for row in rows]
    full = [
        (s, e)
        for s, e, taken, _tentative in occupancy(rows, blocked_start, blocked_end)
        if taken + places > resource.capacity
    ]
    if not full:
        return []
    return [(row[0], row[1]) for row in rows if any(row[0] < e and row[1] > s for s, e in full)]


def availability(resource: Resource, start: dt.datetime, end: dt.datetime) -> dict:
    """Open, busy (booked or tentative) and free periods of `resource` in [start, end)."""
    open_intervals = schedule_for(resource).open_intervals(start, end)
    rows = busy_rows(resource, start, end)
    steps = occupancy(rows, start, end)
    busy = [
        {
            "start": s,
            "end": e,
            "places_taken": taken,
            "state": "full" if taken >= resource.capacity else "partial",
            "tentative": tentative,
        }
        for s, e, taken, tentative in steps
    ]
    full = merge([(s, e) for s, e, taken, _ in steps if taken >= resource.capacity])
    free = subtract(open_intervals, full)
    return {"open": open_intervals, "busy": busy, "free": free, "rows": rows}


def next_free_slot(
    resource: Resource, now: dt.datetime, minutes: int | None = None, days: int = 60
):
    """The first free period of at least `minutes` (the shortest booking) in the coming days."""
    minutes = minutes or resource.min_booking_minutes
    need = dt.timedelta(minutes=minutes + resource.setup_minutes + resource.cleanup_minutes)
    end = now + dt.timedelta(days=days)
    for free_start, free_end in availability(resource, now, end)["free"]:
        if free_end - free_start >= need:
            return free_start + dt.timedelta(minutes=resource.setup_minutes), free_end
    return None
