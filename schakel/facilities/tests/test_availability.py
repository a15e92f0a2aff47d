"""Availability: the array engine agrees with plain, obviously right definitions, and the API
answer over a long range is the same as the one the pages use, period for period."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from schakel.facilities import availability
from schakel.facilities.api import rendering
from schakel.facilities.models import Booking, BookingStatus, Closure, OpeningHours
from schakel.facilities.tests.conftest import local, unpriced_booking

BXL = ZoneInfo("Europe/Brussels")


def merge(intervals):
    """The plain definition: sort, and join intervals that overlap or touch."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


# Small integer periods: the brute force below walks every unit of time.
period = st.tuples(st.integers(0, 200), st.integers(1, 40)).map(lambda p: (p[0], p[0] + p[1]))
periods = st.lists(period, max_size=25)


def arrays(items):
    starts = np.array([float(s) for s, _ in items])
    ends = np.array([float(e) for _, e in items])
    return starts, ends


def covered(starts, ends) -> set[int]:
    return {t for s, e in zip(starts, ends, strict=True) for t in range(int(s), int(e))}


@given(periods)
def test_merge_arrays_agrees_with_merge(items):
    merged = availability.merge_arrays(*arrays(items))

    assert list(zip(*(m.tolist() for m in merged), strict=True)) == [
        (float(s), float(e)) for s, e in merge(items)
    ]


@given(periods, periods)
def test_free_time_is_open_time_minus_busy_time(open_items, busy_items):
    open_starts, open_ends = availability.merge_arrays(*arrays(open_items))
    busy_starts, busy_ends = availability.merge_arrays(*arrays(busy_items))

    free = availability.intersect(
        open_starts, open_ends, *availability.gaps(busy_starts, busy_ends, 0.0, 300.0)
    )

    expected = covered(open_starts, open_ends) - covered(busy_starts, busy_ends)
    assert covered(*free) == expected
    # merged: sorted, and no two free periods touch
    assert all(e < s for e, s in zip(free[1].tolist(), free[0][1:].tolist(), strict=False))


bookings = st.lists(
    st.tuples(period, st.integers(1, 3), st.booleans()).map(
        lambda b: (b[0][0], b[0][1], b[1], "requested" if b[2] else "confirmed")
    ),
    max_size=20,
)


@given(bookings, st.integers(0, 60), st.integers(150, 260))
def test_occupancy_steps_agree_with_the_step_function(rows, low, high):
    table = np.array(
        [[s, e, places, status == "requested"] for s, e, places, status in rows], dtype=float
    ).reshape(len(rows), 4)

    starts, ends, taken, tentative = availability.occupancy_steps(table, float(low), float(high))

    expected = availability.occupancy(rows, low, high)
    assert list(
        zip(starts.tolist(), ends.tolist(), taken.tolist(), tentative.tolist(), strict=True)
    ) == [(float(s), float(e), t, a) for s, e, t, a in expected]


def instant_texts(seconds) -> list[str]:
    return [text.decode() for text in rendering._instants(np.array(seconds, dtype=float))]


instants = st.integers(
    int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()),
    int(dt.datetime(2032, 12, 31, tzinfo=dt.UTC).timestamp()),
)


@settings(max_examples=300)
@given(st.lists(instants, min_size=1, max_size=30))
def test_instants_are_local_time_with_the_offset_of_that_moment(seconds):
    texts = instant_texts(seconds)

    assert texts == [dt.datetime.fromtimestamp(s, BXL).isoformat() for s in seconds]


def test_instants_on_both_sides_of_each_change_of_offset():
    # 29 March 2026 01:00 UTC: 02:00 winter time becomes 03:00 summer time.
    spring = dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC).timestamp()
    autumn = dt.datetime(2026, 10, 25, 1, tzinfo=dt.UTC).timestamp()

    texts = instant_texts([spring - 1, spring, autumn - 1, autumn])

    assert texts == [
        "2026-03-29T01:59:59+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-10-25T02:59:59+02:00",
        "2026-10-25T02:00:00+01:00",
    ]


def test_opening_hours_on_the_days_the_clocks_change_are_wall_clock_hours(facility, machine):
    OpeningHours.objects.create(facility=facility, weekday=6, opens=dt.time(1), closes=dt.time(5))
    schedule = availability.schedule_for(machine)

    spring = schedule.open_intervals(local(2026, 3, 29), local(2026, 3, 30))
    autumn = schedule.open_intervals(local(2026, 10, 25), local(2026, 10, 26))

    assert [(s.astimezone(BXL).hour, e.astimezone(BXL).hour) for s, e in spring] == [(1, 5)]
    assert spring[0][1] - spring[0][0] == dt.timedelta(hours=3)  # an hour is skipped
    assert autumn[0][1] - autumn[0][0] == dt.timedelta(hours=5)  # an hour is lived twice


def test_closures_and_public_holidays_are_not_open(facility, machine):
    Closure.objects.create(
        facility=facility, starts_on=dt.date(2026, 4, 7), ends_on=dt.date(2026, 4, 8)
    )

    days = {
        s.astimezone(BXL).date()
        for s, _e in availability.schedule_for(machine).open_intervals(
            local(2026, 4, 6), local(2026, 4, 11)
        )
    }

    # Easter Monday 6 April 2026 is a public holiday; the 7th and 8th are closed.
    assert days == {dt.date(2026, 4, 9), dt.date(2026, 4, 10)}


def _api_answer(user, resource, start, end):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(
        f"/api/v1/resources/{resource.pk}/availability/",
        {"from": start.isoformat(), "to": end.isoformat()},
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _as_pages_show_it(resource, start, end):
    """The answer built from the datetime presenter the calendar uses."""
    found = availability.availability(resource, start, end)

    def text(moment):
        return moment.astimezone(BXL).isoformat()

    return {
        "open": [{"start": text(s), "end": text(e)} for s, e in found["open"]],
        "busy": [
            {
                "start": text(b["start"]),
                "end": text(b["end"]),
                "state": b["state"],
                "tentative": b["tentative"],
                "places_taken": b["places_taken"],
            }
            for b in found["busy"]
        ],
        "free": [{"start": text(s), "end": text(e)} for s, e in found["free"]],
    }


@pytest.mark.parametrize("resource_name", ["machine", "desks"])
def test_a_year_of_bookings_through_the_api(request, staff_user, company_a, resource_name):
    resource = request.getfixturevalue(resource_name)
    start, end = local(2026, 1, 1), local(2027, 1, 1)
    rows, moment, n = [], local(2026, 1, 5, 8), 0
    while moment < end:  # two bookings a working day, some requested, some back to back
        if moment.weekday() < 5 and not availability.is_public_holiday(moment.date()):
            for hours in ((8, 10), (10, 13)) if n % 3 else ((9, 12),):
                status = BookingStatus.REQUESTED if n % 4 == 0 else BookingStatus.CONFIRMED
                rows.append(
                    unpriced_booking(
                        resource,
                        company_a,
                        moment.replace(hour=hours[0]),
                        moment.replace(hour=hours[1]),
                        status,
                        places=1 + n % resource.capacity,
                    )
                )
        n += 1
        moment = (moment + dt.timedelta(days=1)).replace(tzinfo=BXL)
    Booking.objects.bulk_create(rows)

    body = _api_answer(staff_user, resource, start, end)

    assert body["resource"] == resource.pk
    assert body["capacity"] == resource.capacity
    assert body["from"] == "2026-01-01T00:00:00+01:00"
    assert body["timezone"] == "Europe/Brussels"
    expected = _as_pages_show_it(resource, start, end)
    assert body["open"] == expected["open"]
    assert body["busy"] == expected["busy"]
    assert body["free"] == expected["free"]
    # Summer time shows in the offsets; back-to-back bookings stay separate periods.
    assert body["busy"][0]["start"].endswith("+01:00")
    assert any(
        b["start"].startswith("2026-07-") and b["end"].endswith("+02:00") for b in body["busy"]
    )
    if resource.capacity == 1:
        assert len(body["busy"]) == len(rows)
        assert any(b["tentative"] for b in body["busy"])

        # free and busy periods together make up exactly the open time
        def parsed(items):
            return [
                (dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"]))
                for p in items
            ]

        assert merge(parsed(body["free"]) + parsed(body["busy"])) == parsed(body["open"])
    else:
        assert {b["state"] for b in body["busy"]} == {"full", "partial"}


def test_an_empty_range_answers_empty_lists(staff_user, machine):
    # Saturday and Sunday: closed, nothing booked.
    body = _api_answer(staff_user, machine, local(2026, 3, 7), local(2026, 3, 9))

    assert (body["open"], body["busy"], body["free"]) == ([], [], [])


def test_the_next_free_slot_skips_full_days(now, machine, company_a):
    # Monday 2 March 2026 08:00: the machine is booked all day; Tuesday is free.
    Booking.objects.bulk_create(
        [unpriced_booking(machine, company_a, local(2026, 3, 2, 8), local(2026, 3, 2, 18))]
    )

    start, end = availability.next_free_slot(machine, now)

    assert start == local(2026, 3, 3, 8, 15)  # after the set-up buffer
    assert end == local(2026, 3, 3, 18)


def test_places_of_different_widths_stay_valid_json(staff_user, desks, company_a):
    desks.capacity = 12
    desks.save()
    Booking.objects.bulk_create(
        [
            unpriced_booking(
                desks, company_a, local(2026, 3, 3, 9), local(2026, 3, 3, 12), places=10
            ),
            unpriced_booking(
                desks, company_a, local(2026, 3, 3, 11), local(2026, 3, 3, 14), places=2
            ),
        ]
    )

    body = _api_answer(staff_user, desks, local(2026, 3, 3), local(2026, 3, 4))

    assert [(b["places_taken"], b["state"]) for b in body["busy"]] == [
        (10, "partial"),
        (12, "full"),
        (2, "partial"),
    ]
    assert body["free"] == [
        {"start": "2026-03-03T08:00:00+01:00", "end": "2026-03-03T11:00:00+01:00"},
        {"start": "2026-03-03T12:00:00+01:00", "end": "2026-03-03T18:00:00+01:00"},
    ]


@pytest.mark.parametrize("pk", ["abc", "999999"])
def test_availability_of_an_unknown_resource_is_404(staff_user, machine, pk):
    client = APIClient()
    client.force_authenticate(staff_user)

    response = client.get(f"/api/v1/resources/{pk}/availability/")

    assert response.status_code == 404
