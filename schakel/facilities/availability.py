"""When a resource is open, busy and free: opening hours, closures, Belgian public holidays,
bookings with their buffers and capacity. Plain functions over aware datetimes.

Opening hours are wall-clock times in Europe/Brussels; a period is made of aware instants, so a
booking across the change to or from summer time keeps its real duration.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, FloatField, Func, Q

from schakel.facilities.models import (
    ACTIVE_STATUSES,
    AvailabilityStamp,
    Booking,
    BookingStatus,
    Closure,
    OpeningHours,
    Resource,
)

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

    def open_epochs(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """Open time within [start, end) in epoch seconds, as merged (starts, ends) arrays."""
        zone = local_zone()
        first = dt.datetime.fromtimestamp(start, zone).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(end, zone).date()
        weekly = {
            weekday: [(_seconds_of(opens), _seconds_of(closes) or 86400) for opens, closes in rows]
            for weekday, rows in self.weekly.items()
        }
        begins: list[float] = []
        finishes: list[float] = []
        day = first
        while day <= last:
            hours = weekly.get(day.weekday())
            if hours and not self.is_closed(day):
                midnight = _local_midnight(zone.key, day)
                if _local_midnight(zone.key, day + ONE_DAY) - midnight == 86400:
                    for opens, closes in hours:
                        begins.append(midnight + opens)
                        finishes.append(midnight + closes)
                else:  # the day summer time starts or ends: wall-clock hours, exactly
                    for opens, closes in self.weekly[day.weekday()]:
                        begin, finish = _wall_clock_period(day, opens, closes, zone)
                        begins.append(begin)
                        finishes.append(finish)
            day += ONE_DAY
        starts, ends = merge_arrays(np.array(begins), np.array(finishes))
        return clip(starts, ends, start, end)

    def open_intervals(self, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        """Open time within [start, end), as merged aware intervals (UTC)."""
        return as_datetimes(*self.open_epochs(_epoch(start), _epoch(end)))


ONE_DAY = dt.timedelta(days=1)


def _seconds_of(moment: dt.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@lru_cache(maxsize=8192)
def _local_midnight(zone_key: str, day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(zone_key)).timestamp()


def _wall_clock_period(day: dt.date, opens: dt.time, closes: dt.time, zone) -> tuple[float, float]:
    begin = dt.datetime.combine(day, opens, tzinfo=zone)
    next_day = day + ONE_DAY if closes == dt.time(0, 0) else day
    finish = dt.datetime.combine(next_day, closes, tzinfo=zone)
    return begin.timestamp(), finish.timestamp()


def schedule_for(resource: Resource) -> Schedule:
    # One query for both: the resource's own hours replace the facility's when it has any.
    rows = OpeningHours.objects.filter(
        Q(resource=resource) | Q(facility_id=resource.facility_id, resource__isnull=True)
    ).values_list("resource_id", "weekday", "opens", "closes")
    own = [row for row in rows if row[0] is not None]
    weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for _resource, weekday, opens, closes in own or rows:
        weekly.setdefault(weekday, []).append((opens, closes))
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
    return Q(resource__isnull=True) | Q(resource=resource)


def is_within_opening_hours(resource: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether every moment of [start, end) is open (consecutive open days join up)."""
    intervals = schedule_for(resource).open_intervals(start, end)
    return len(intervals) == 1 and intervals[0][0] <= start and intervals[0][1] >= end


class Epoch(Func):
    """Seconds since 1970 (UTC) of a datetime column, as a float, computed by the database:
    reading 20,000 timestamps as numbers is several times faster than as datetimes. Exact on
    PostgreSQL; to be rounded to the millisecond on SQLite."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        # date_part gives double precision; EXTRACT gives numeric, several times slower.
        return self.as_sql(compiler, connection, template="date_part('epoch', %(expressions)s)")

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as UTC text; julianday keeps sub-second precision, give or take 50 µs of
        # floating-point noise, which the readers round away (`to_milliseconds`): rounding in
        # SQL would cost as much as the whole query.
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s) - 2440587.5) * 86400.0"
        )


def _epoch(moment: dt.datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _active_bookings(resource: Resource, start: dt.datetime, end: dt.datetime, exclude_id=None):
    qs = Booking.objects.filter(
        resource_id=resource.pk,
        status__in=ACTIVE_STATUSES,
        blocked_start__lt=end,
        blocked_end__gt=start,
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.annotate(bs=Epoch("blocked_start"), be=Epoch("blocked_end")).order_by("blocked_start")


def _fetch(query) -> list[tuple]:
    """The rows of a values_list query straight from the cursor, without the ORM's per-row
    converters (the fast path for thousands of rows)."""
    sql, params = query.query.sql_with_params()
    connection = connections[query.db]
    if connection.vendor == "postgresql":
        # Binary results: each number arrives as 8 bytes instead of text to parse, a third
        # faster for a year of bookings. (Django's own cursors are text-only client cursors.)
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def busy_rows(resource: Resource, start: dt.datetime, end: dt.datetime, exclude_id=None):
    """(blocked_start, blocked_end, places, status, company_id, id) of active bookings in range,
    the period to the millisecond."""
    query = _active_bookings(resource, start, end, exclude_id).values_list(
        "bs", "be", "places", "status", "company_id", "id"
    )
    return [
        (_moment(round(row[0], 3)), _moment(round(row[1], 3)), *row[2:]) for row in _fetch(query)
    ]


def busy_table(resource: Resource, start: dt.datetime, end: dt.datetime) -> np.ndarray:
    """Active bookings meeting [start, end) as a read-only (n, 4) float array: blocked start and
    end in epoch seconds, places, and 1.0 where the booking is only requested (tentative).

    Served from memory while the resource's availability stamp is unchanged: a year of a busy
    machine is 10,000 rows to read, and availability is asked far more often than booked.
    """
    connection = connections[Booking.objects.db]
    if settings.AVAILABILITY_CACHE_SIZE <= 0 or connection.in_atomic_block:
        # Inside a transaction the rows may be uncommitted, and their stamp with them.
        return _read_busy_table(resource, start, end)
    # The stamp is read before the rows: a change committed in between is then cached under
    # the older stamp, which no later request asks for (stamps only grow).
    stamp = (
        AvailabilityStamp.objects.filter(resource_id=resource.pk)
        .values_list("version", flat=True)
        .first()
    )
    key = (connection.alias, resource.pk, stamp or 0, _epoch(start), _epoch(end))
    table = _CACHE.get(key)
    if table is None:
        table = _read_busy_table(resource, start, end)
        table.flags.writeable = False
        _CACHE[key] = table
        while len(_CACHE) > settings.AVAILABILITY_CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return table


_CACHE: OrderedDict[tuple, np.ndarray] = OrderedDict()


def _read_busy_table(resource: Resource, start: dt.datetime, end: dt.datetime) -> np.ndarray:
    query = _active_bookings(resource, start, end).values_list(
        "bs",
        "be",
        "places",
        ExpressionWrapper(Q(status=BookingStatus.REQUESTED), output_field=BooleanField()),
    )
    rows = _fetch(query)
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64, count=4 * len(rows))
    table = flat.reshape(len(rows), 4)
    table[:, :2] = np.round(table[:, :2], 3)  # to the millisecond (see Epoch)
    return table


def occupancy(rows, start, end):
    """Step function of places taken in [start, end): (from, to, places, all tentative).

    Works on datetimes or on epoch seconds alike (whatever `rows` and the bounds hold).
    """
    events: dict = {}
    for b_start, b_end, places, status, *_ in rows:
        b_start, b_end = max(b_start, start), min(b_end, end)
        if b_start >= b_end:
            continue
        tentative = places if status == "requested" else 0
        first = events.setdefault(b_start, [0, 0])
        first[0] += places
        first[1] += tentative
        last = events.setdefault(b_end, [0, 0])
        last[0] -= places
        last[1] -= tentative
    steps = []
    taken = tentative_taken = 0
    moments = sorted(events)
    for index in range(len(moments) - 1):
        moment = moments[index]
        taken += events[moment][0]
        tentative_taken += events[moment][1]
        if taken > 0:
            following = moments[index + 1]
            step = (moment, following, taken, tentative_taken == taken)
            if steps and steps[-1][1] == moment and steps[-1][2:] == step[2:]:
                steps[-1] = (steps[-1][0], following, *step[2:])
            else:
                steps.append(step)
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


# Interval arithmetic on arrays: a set of periods is two float arrays (starts, ends) in epoch
# seconds, sorted by start. A year with 10,000 bookings is a few array operations, not 10,000
# Python iterations.


def as_datetimes(starts: np.ndarray, ends: np.ndarray) -> list[Interval]:
    return [(_moment(s), _moment(e)) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def clip(starts: np.ndarray, ends: np.ndarray, low: float, high: float):
    """The periods cut to [low, high); empty ones dropped."""
    starts, ends = np.maximum(starts, low), np.minimum(ends, high)
    keep = starts < ends
    return starts[keep], ends[keep]


def merge_arrays(starts: np.ndarray, ends: np.ndarray):
    """Join periods that overlap or touch."""
    if len(starts) == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    first = np.ones(len(starts), dtype=bool)
    first[1:] = starts[1:] > reach[:-1]
    at = np.flatnonzero(first)
    return starts[at], np.maximum.reduceat(ends, at)


def intersect(a_starts, a_ends, b_starts, b_ends):
    """The common part of two merged sets of periods."""
    low = np.searchsorted(b_ends, a_starts, side="right")
    high = np.searchsorted(b_starts, a_ends, side="left")
    counts = np.maximum(high - low, 0)
    a = np.repeat(np.arange(len(a_starts)), counts)
    b = np.arange(counts.sum()) + np.repeat(low - (np.cumsum(counts) - counts), counts)
    starts = np.maximum(a_starts[a], b_starts[b])
    ends = np.minimum(a_ends[a], b_ends[b])
    keep = starts < ends
    return starts[keep], ends[keep]


def gaps(starts, ends, low: float, high: float):
    """[low, high) minus the merged periods."""
    gap_starts = np.concatenate(([low], ends))
    gap_ends = np.concatenate((starts, [high]))
    keep = gap_starts < gap_ends
    return gap_starts[keep], gap_ends[keep]


def occupancy_steps(table: np.ndarray, low: float, high: float):
    """Step function of places taken, as arrays (starts, ends, taken, all tentative): the array
    form of `occupancy`, for resources with a capacity."""
    starts, ends = np.maximum(table[:, 0], low), np.minimum(table[:, 1], high)
    keep = starts < ends
    starts, ends, places = starts[keep], ends[keep], table[keep, 2]
    tentative = places * table[keep, 3]
    moments, where = np.unique(np.concatenate((starts, ends)), return_inverse=True)
    if len(moments) < 2:
        empty = np.empty(0)
        return empty, empty, empty.astype(np.int64), empty.astype(bool)
    change = np.bincount(where, weights=np.concatenate((places, -places)), minlength=len(moments))
    tentative_change = np.bincount(
        where, weights=np.concatenate((tentative, -tentative)), minlength=len(moments)
    )
    taken = np.rint(np.cumsum(change)[:-1]).astype(np.int64)
    all_tentative = np.rint(np.cumsum(tentative_change)[:-1]).astype(np.int64) == taken
    step_starts, step_ends = moments[:-1], moments[1:]
    held = taken > 0
    step_starts, step_ends = step_starts[held], step_ends[held]
    taken, all_tentative = taken[held], all_tentative[held]
    if len(taken) == 0:
        return step_starts, step_ends, taken, all_tentative
    # Neighbouring steps with the same places and state are one period.
    first = np.ones(len(taken), dtype=bool)
    first[1:] = (
        (step_starts[1:] != step_ends[:-1])
        | (taken[1:] != taken[:-1])
        | (all_tentative[1:] != all_tentative[:-1])
    )
    at = np.flatnonzero(first)
    last = np.append(at[1:] - 1, len(taken) - 1)
    return step_starts[at], step_ends[last], taken[at], all_tentative[at]


@dataclass
class Availability:
    """Open, busy and free periods of one resource over [start, end), in epoch seconds."""

    capacity: int
    open_starts: np.ndarray
    open_ends: np.ndarray
    busy_starts: np.ndarray
    busy_ends: np.ndarray
    busy_taken: np.ndarray
    busy_tentative: np.ndarray
    free_starts: np.ndarray
    free_ends: np.ndarray


def compute(resource: Resource, start: dt.datetime, end: dt.datetime) -> Availability:
    """The fast path behind the API, the calendar and the next free slot."""
    low, high = _epoch(start), _epoch(end)
    open_starts, open_ends = schedule_for(resource).open_epochs(low, high)
    table = busy_table(resource, start, end)
    if resource.capacity == 1:
        # Active bookings of an exclusive resource never overlap (the guarantee): each booking
        # is its own busy period.
        busy_starts, busy_ends = np.maximum(table[:, 0], low), np.minimum(table[:, 1], high)
        keep = busy_starts < busy_ends
        busy_starts, busy_ends = busy_starts[keep], busy_ends[keep]
        busy_taken = np.rint(table[keep, 2]).astype(np.int64)
        busy_tentative = table[keep, 3] > 0
        full_starts, full_ends = merge_arrays(busy_starts, busy_ends)
    else:
        busy_starts, busy_ends, busy_taken, busy_tentative = occupancy_steps(table, low, high)
        full = busy_taken >= resource.capacity
        full_starts, full_ends = merge_arrays(busy_starts[full], busy_ends[full])
    free_starts, free_ends = intersect(
        open_starts, open_ends, *gaps(full_starts, full_ends, low, high)
    )
    return Availability(
        resource.capacity,
        open_starts,
        open_ends,
        busy_starts,
        busy_ends,
        busy_taken,
        busy_tentative,
        free_starts,
        free_ends,
    )


def availability(resource: Resource, start: dt.datetime, end: dt.datetime) -> dict:
    """Open, busy (booked or tentative) and free periods of `resource` in [start, end), as
    aware datetimes (UTC); for pages and short ranges. The API formats `compute` directly."""
    found = compute(resource, start, end)
    return {
        "open": as_datetimes(found.open_starts, found.open_ends),
        "busy": [
            {
                "start": _moment(s),
                "end": _moment(e),
                "places_taken": taken,
                "state": "full" if taken >= resource.capacity else "partial",
                "tentative": tentative,
            }
            for s, e, taken, tentative in zip(
                found.busy_starts.tolist(),
                found.busy_ends.tolist(),
                found.busy_taken.tolist(),
                found.busy_tentative.tolist(),
                strict=True,
            )
        ],
        "free": as_datetimes(found.free_starts, found.free_ends),
    }


@lru_cache(maxsize=64)
def _offset_changes(zone_key: str, year: int) -> tuple[tuple[float, int], ...]:
    """(epoch, UTC offset in seconds from then on) at the start of `year` and at every change
    of offset during it; found by sampling each day, then the hour and minute of the change."""
    zone = ZoneInfo(zone_key)

    def offset_at(seconds: float) -> int:
        return int(dt.datetime.fromtimestamp(seconds, zone).utcoffset().total_seconds())

    first = dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()
    changes = [(first, offset_at(first))]
    day = 86400
    for moment in range(int(first), int(first) + 366 * day, day):
        if offset_at(moment + day) != changes[-1][1]:
            low, high = moment, moment + day  # offset changes in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                if offset_at(middle) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append((float(high), offset_at(high)))
    return tuple(changes)


def utc_offsets(seconds: np.ndarray) -> np.ndarray:
    """The local zone's UTC offset (in seconds) at each of the epoch seconds."""
    if len(seconds) == 0:
        return np.zeros(0, dtype=np.int64)
    zone_key = local_zone().key
    first_year = dt.datetime.fromtimestamp(int(seconds.min()), dt.UTC).year - 1
    last_year = dt.datetime.fromtimestamp(int(seconds.max()), dt.UTC).year
    changes = [
        change
        for year in range(first_year, last_year + 1)
        for change in _offset_changes(zone_key, year)
    ]
    moments = np.array([moment for moment, _offset in changes])
    offsets = np.array([offset for _moment, offset in changes], dtype=np.int64)
    return offsets[np.searchsorted(moments, seconds, side="right") - 1]


def next_free_slot(
    resource: Resource, now: dt.datetime, minutes: int | None = None, days: int = 60
):
    """The first free period of at least `minutes` (the shortest booking) in the coming days."""
    minutes = minutes or resource.min_booking_minutes
    need = 60 * (minutes + resource.setup_minutes + resource.cleanup_minutes)
    found = compute(resource, now, now + dt.timedelta(days=days))
    long_enough = np.flatnonzero(found.free_ends - found.free_starts >= need)
    if len(long_enough) == 0:
        return None
    first = long_enough[0]
    start = _moment(found.free_starts[first]) + dt.timedelta(minutes=resource.setup_minutes)
    return start, _moment(found.free_ends[first])
