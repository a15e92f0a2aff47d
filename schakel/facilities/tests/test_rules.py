"""Booking rules: overlap with buffers, capacity, opening hours, holidays, past, length, DST."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from schakel.facilities import availability, services
from schakel.facilities.models import Booking, BookingStatus, Closure, OpeningHours
from schakel.register.models import Activity

from .conftest import local

pytestmark = pytest.mark.django_db


def book(resource, company, start, end, user, **kwargs):
    return services.create_booking(resource, company, start, end, user, **kwargs)


def test_a_free_slot_is_booked_and_confirmed_with_price_and_timeline(
    now, machine, sme, company_user
):
    # when
    booking = book(machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), company_user)

    # then
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.blocked_start == local(2026, 3, 3, 8, 45)
    assert booking.blocked_end == local(2026, 3, 3, 11, 30)
    assert booking.tariff == "sme"
    assert booking.amount_excl_vat == Decimal("80.00")
    assert booking.vat_amount == Decimal("16.80")
    assert booking.amount_incl_vat == Decimal("96.80")
    entry = Activity.objects.get(organisation=sme, kind="booking")
    assert "Extruder" in entry.title
    assert not entry.is_internal


def test_overlap_including_buffers_is_a_conflict(
    now, machine, sme, company_b, company_user, staff_user
):
    # given 9:00-11:00 (blocked 8:45-11:30)
    book(machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), company_user)

    # when another company asks 11:00-12:00 (blocked from 10:45): the cleaning is in the way
    with pytest.raises(services.BookingConflict) as caught:
        book(machine, company_b, local(2026, 3, 3, 11), local(2026, 3, 3, 12), staff_user)

    # then the conflict names the blocked period, and nothing was written
    assert caught.value.conflicts == [(local(2026, 3, 3, 8, 45), local(2026, 3, 3, 11, 30))]
    assert Booking.objects.count() == 1
    # but 11:45 (blocked from 11:30) fits exactly
    later = book(
        machine, company_b, local(2026, 3, 3, 11, 45), local(2026, 3, 3, 12, 45), staff_user
    )
    assert later.status == BookingStatus.CONFIRMED


def test_a_cancelled_booking_frees_its_slot(now, machine, sme, company_user):
    first = book(machine, sme, local(2026, 3, 10, 9), local(2026, 3, 10, 11), company_user)
    services.cancel(first, company_user)

    again = book(machine, sme, local(2026, 3, 10, 9), local(2026, 3, 10, 11), company_user)

    assert again.pk != first.pk


def test_capacity_accepts_bookings_up_to_the_number_of_places(
    now, desks, sme, company_b, staff_user
):
    # given 3 desks: 2 places and then 1 place taken
    book(desks, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 12), staff_user, places=2)
    book(desks, company_b, local(2026, 3, 3, 10), local(2026, 3, 3, 11), staff_user)

    # when a fourth place is asked at 10:30
    with pytest.raises(services.BookingConflict):
        book(desks, company_b, local(2026, 3, 3, 10, 30), local(2026, 3, 3, 11, 30), staff_user)

    # then 11:00-12:00 still has one place
    booking = book(desks, company_b, local(2026, 3, 3, 11), local(2026, 3, 3, 12), staff_user)
    assert booking.places == 1
    assert booking.exclusive is False
    assert Booking.objects.filter(resource=desks).count() == 3


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (local(2026, 3, 3, 11), local(2026, 3, 3, 10), "end_before_start"),
        (local(2026, 3, 2, 7), local(2026, 3, 2, 9), "in_the_past"),
        (local(2026, 3, 3, 7), local(2026, 3, 3, 9), "outside_opening_hours"),
        (local(2026, 3, 3, 17), local(2026, 3, 3, 19), "outside_opening_hours"),
        (local(2026, 3, 7, 9), local(2026, 3, 7, 11), "outside_opening_hours"),  # Saturday
        (local(2026, 4, 6, 9), local(2026, 4, 6, 11), "outside_opening_hours"),  # Easter Monday
        (local(2026, 3, 3, 8), local(2026, 3, 4, 8), "too_long"),
        (local(2026, 3, 3, 9), local(2026, 3, 3, 9, 10), "too_short"),
        (local(2027, 6, 1, 9), local(2027, 6, 1, 11), "too_far_ahead"),
    ],
)
def test_bad_periods_are_refused_with_a_code(now, machine, sme, company_user, start, end, code):
    with pytest.raises(ValidationError) as caught:
        book(machine, sme, start, end, company_user)

    assert code in [e.code for errors in caught.value.error_dict.values() for e in errors]
    assert not Booking.objects.exists()


def test_closures_close_the_facility(now, machine, sme, company_user, facility):
    Closure.objects.create(
        facility=facility, starts_on=dt.date(2026, 3, 9), ends_on=dt.date(2026, 3, 10)
    )

    with pytest.raises(ValidationError):
        book(machine, sme, local(2026, 3, 10, 9), local(2026, 3, 10, 10), company_user)

    assert book(machine, sme, local(2026, 3, 11, 9), local(2026, 3, 11, 10), company_user)


def test_belgian_public_holidays_2026():
    holidays = availability.belgian_public_holidays(2026)

    assert sorted(holidays) == [
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 6),
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 14),
        dt.date(2026, 5, 25),
        dt.date(2026, 7, 21),
        dt.date(2026, 8, 15),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 11),
        dt.date(2026, 12, 25),
    ]


def test_a_booking_across_the_change_to_summer_time_keeps_its_real_duration(
    now, machine, facility, sme, company_user
):
    # given the facility is open day and night on Sundays
    OpeningHours.objects.create(facility=facility, weekday=6, opens=dt.time(0), closes=dt.time(0))

    # when booking 01:00-04:00 local on 29 March 2026 (clocks jump from 02:00 to 03:00)
    booking = book(machine, sme, local(2026, 3, 29, 1), local(2026, 3, 29, 4), company_user)

    # then it lasts two real hours and costs two hours
    assert booking.duration == dt.timedelta(hours=2)
    assert booking.hours == Decimal("2.00")
    assert booking.amount_excl_vat == Decimal("80.00")


def test_back_to_winter_time_lasts_an_hour_longer(now, machine, facility, sme, company_user):
    OpeningHours.objects.create(facility=facility, weekday=6, opens=dt.time(0), closes=dt.time(0))

    booking = book(machine, sme, local(2026, 10, 25, 1), local(2026, 10, 25, 4), company_user)

    assert booking.duration == dt.timedelta(hours=4)
    assert booking.price_detail == "1 × half day"


def test_weekly_occurrences_keep_the_wall_clock_time_across_summer_time():
    occurrences = services.weekly_occurrences(local(2026, 3, 23, 9), local(2026, 3, 23, 11), 2)

    assert [o[0].astimezone(local(2026, 1, 1).tzinfo).hour for o in occurrences] == [9, 9]
    assert occurrences[1][0] - occurrences[0][0] == dt.timedelta(days=7, hours=-1)
    assert all(end - start == dt.timedelta(hours=2) for start, end in occurrences)


def test_recurring_booking_is_all_or_nothing_and_lists_the_conflicts(
    now, machine, sme, company_b, company_user, staff_user
):
    # given week 3 is taken
    taken = book(machine, company_b, local(2026, 3, 17, 10), local(2026, 3, 17, 11), staff_user)

    # when four Tuesdays 9:00-11:00 are asked
    with pytest.raises(services.RecurringConflict) as caught:
        services.create_recurring(
            machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), 4, company_user
        )

    # then nothing is booked and the conflicting week is named
    assert [p.start for p in caught.value.problems] == [local(2026, 3, 17, 9)]
    assert caught.value.problems[0].conflicts == [(taken.blocked_start, taken.blocked_end)]
    assert Booking.objects.count() == 1

    # and without the conflict all four are booked in one series
    services.cancel(taken, staff_user)
    made = services.create_recurring(
        machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), 4, company_user
    )
    assert len(made) == 4
    assert len({b.series for b in made}) == 1


def test_recurring_with_a_holiday_fails_whole(now, machine, sme, company_user):
    # Easter Monday 6 April 2026 is the fifth Monday
    with pytest.raises(services.RecurringConflict) as caught:
        services.create_recurring(
            machine, sme, local(2026, 3, 9, 9), local(2026, 3, 9, 11), 5, company_user
        )

    assert [p.start for p in caught.value.problems] == [local(2026, 4, 6, 9)]
    assert caught.value.problems[0].errors
    assert not Booking.objects.exists()


def test_approval_flow_and_emails(now, approval_machine, sme, company_user, manager, mailoutbox):
    from schakel.core.jobs import run_pending
    from schakel.core.models import OutgoingEmail

    # when the company asks
    booking = book(approval_machine, sme, local(2026, 3, 4, 9), local(2026, 3, 4, 10), company_user)

    # then it waits, and the company and the manager are told
    assert booking.status == BookingStatus.REQUESTED
    assert set(OutgoingEmail.objects.about(booking).values_list("to", flat=True)) == {
        "company@example.be",
        "cmc@example.be",
        "manager@example.be",
    }

    # when the manager approves
    booking = services.approve(booking, manager)

    # then it is confirmed and the company is told; approving twice is refused
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.decided_by == manager
    with pytest.raises(services.StaleState):
        services.approve(booking, manager)
    run_pending()
    subjects = [m.subject for m in mailoutbox if m.to == ["company@example.be"]]
    assert len(subjects) == 2
    assert all(subject.endswith(": Injection moulder") for subject in subjects)
    assert len([m for m in mailoutbox if m.to == ["manager@example.be"]]) == 1


def test_operator_is_present_without_certificate(now, machine, sme, company_user, manager):
    machine.required_certificate = "VKC extrusion training"
    machine.save()

    first = book(machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 10), company_user)
    services.grant_certificate(sme, machine, manager)
    second = book(machine, sme, local(2026, 3, 4, 9), local(2026, 3, 4, 10), company_user)

    assert first.with_operator is True
    assert second.with_operator is False


def test_daily_command_completes_ended_bookings(now, machine, sme, staff_user, time_machine):
    from io import StringIO

    from django.core.management import call_command

    booking = book(machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 10), staff_user)
    time_machine.move_to(local(2026, 3, 5, 9), tick=False)
    out = StringIO()

    call_command("facilities", "daily", stdout=out)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert out.getvalue().startswith("1 ")
