"""The availability cache: database triggers stamp every change to a resource's bookings,
whatever makes it, and a cached year of bookings is used only under an unchanged stamp."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schakel.facilities import availability
from schakel.facilities.models import AvailabilityStamp, Booking, BookingStatus
from schakel.facilities.tests.conftest import local, unpriced_booking


def stamp(resource) -> int:
    found = AvailabilityStamp.objects.filter(resource_id=resource.pk).first()
    return found.version if found else 0


def booking(resource, company, day, hours=(9, 11), status=BookingStatus.CONFIRMED):
    start, end = local(2026, 3, day, hours[0]), local(2026, 3, day, hours[1])
    return unpriced_booking(resource, company, start, end, status)


@pytest.mark.django_db
def test_every_kind_of_write_stamps_the_resource(machine, desks, company_a):
    before = stamp(machine)

    Booking.objects.bulk_create([booking(machine, company_a, day) for day in (3, 4, 5)])
    after_insert = stamp(machine)
    Booking.objects.filter(resource=machine).update(status=BookingStatus.CANCELLED)
    after_update = stamp(machine)
    Booking.objects.filter(resource=machine).delete()
    after_delete = stamp(machine)

    assert before < after_insert < after_update < after_delete
    assert stamp(desks) == 0  # another resource's stamp is left alone


@pytest.mark.django_db
def test_moving_a_booking_stamps_both_resources(machine, approval_machine, company_a):
    moved = booking(machine, company_a, 3)
    moved.save()
    before = (stamp(machine), stamp(approval_machine))

    Booking.objects.filter(pk=moved.pk).update(resource=approval_machine, exclusive=True)

    assert stamp(machine) > before[0]
    assert stamp(approval_machine) > before[1]


def busy_periods(resource):
    found = availability.availability(resource, local(2026, 3, 1), local(2026, 4, 1))
    return [(b["start"], b["tentative"]) for b in found["busy"]]


@pytest.mark.django_db(transaction=True)
def test_a_cached_availability_follows_every_change(settings, machine, company_a):
    settings.AVAILABILITY_CACHE_SIZE = 8
    availability._CACHE.clear()
    Booking.objects.bulk_create([booking(machine, company_a, 3)])

    first = busy_periods(machine)
    with CaptureQueriesContext(connection) as again:
        repeated = busy_periods(machine)
    # a booking added behind the services' back, then one approved by a plain update
    Booking.objects.bulk_create([booking(machine, company_a, 4, status=BookingStatus.REQUESTED)])
    added = busy_periods(machine)
    Booking.objects.filter(resource=machine).update(status=BookingStatus.CONFIRMED)
    approved = busy_periods(machine)

    assert first == repeated == [(local(2026, 3, 3, 9), False)]
    assert not any("facilities_booking" in q["sql"] for q in again.captured_queries)
    assert added == [(local(2026, 3, 3, 9), False), (local(2026, 3, 4, 9), True)]
    assert approved == [(local(2026, 3, 3, 9), False), (local(2026, 3, 4, 9), False)]


@pytest.mark.django_db(transaction=True)
def test_the_cache_keeps_only_the_most_recent_ranges(settings, machine, company_a):
    settings.AVAILABILITY_CACHE_SIZE = 2
    availability._CACHE.clear()
    for day in (2, 3, 4):
        availability.busy_table(machine, local(2026, 3, day), local(2026, 3, day + 1))

    assert len(availability._CACHE) == 2
    assert [key[3] for key in availability._CACHE] == [
        local(2026, 3, 3).timestamp(),
        local(2026, 3, 4).timestamp(),
    ]
