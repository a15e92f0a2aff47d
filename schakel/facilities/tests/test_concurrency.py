"""No double booking under concurrency: threads race for one slot on a real database.

On PostgreSQL each thread has its own connection, so the row lock and the exclusion
constraint are exercised for real; SQLite's in-memory test database is shared by one
connection only, so these tests run on PostgreSQL (CI) and are skipped on SQLite.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from schakel.facilities import services
from schakel.facilities.models import Booking, Lease, Resource

from .conftest import local

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (one connection per thread)"
    ),
]


def race(count, target):
    results = []
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait()
            results.append(("ok", target(index)))
        except services.BookingConflict as exc:
            results.append(("conflict", exc))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            results.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_threads_one_slot_exactly_one_wins(now, machine, sme, staff_user):
    def book(index):
        return services.create_booking(
            machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 10), staff_user
        ).pk

    results = race(20, book)

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["conflict"] * 19 + ["ok"], [r for r in results if r[0] == "error"]
    assert Booking.objects.count() == 1


def test_capacity_three_places_twelve_threads(now, desks, sme, staff_user):
    def book(index):
        return services.create_booking(
            desks, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 10), staff_user
        ).pk

    results = race(12, book)

    assert sorted(kind for kind, _ in results) == ["conflict"] * 9 + ["ok"] * 3
    assert Booking.objects.filter(resource=desks).count() == 3


def test_exclusion_constraint_refuses_an_overlap_written_past_the_services(now, machine, sme):
    start = local(2026, 3, 3, 9)
    Booking.objects.create(
        resource=machine,
        company=sme,
        start=start,
        end=start + dt.timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + dt.timedelta(hours=1),
        status="confirmed",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=machine,
            company=sme,
            start=start,
            end=start + dt.timedelta(hours=2),
            blocked_start=start,
            blocked_end=start + dt.timedelta(hours=2),
            status="requested",
        )


def test_leases_race_for_one_unit(now, facility, sme, company_b, staff_user):
    unit = Resource.objects.create(
        facility=facility,
        kind="office",
        name="Office 1",
        external_id="office-1",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal("25"),
    )
    companies = [sme, company_b] * 5

    def lease(index):
        return services.create_lease(
            unit,
            companies[index],
            dt.date(2026, 4, 1),
            dt.date(2027, 3, 31),
            Decimal("500"),
            staff_user,
        ).pk

    results = race(10, lease)

    assert sorted(kind for kind, _ in results) == ["conflict"] * 9 + ["ok"]
    assert Lease.objects.count() == 1
