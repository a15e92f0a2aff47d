"""iCalendar feeds parse back; figures give exact numbers; the usage export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from schakel.facilities import calendar_ics, figures, services
from schakel.facilities.models import Booking, Facility, FacilityKind, Resource

from .conftest import local

pytestmark = pytest.mark.django_db


def test_user_feed_lists_own_bookings_and_renewing_kills_the_old_url(
    now, client, machine, sme, company_b, company_user, staff_user
):
    services.create_booking(
        machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), company_user, note="x"
    )
    services.create_booking(
        machine, company_b, local(2026, 3, 4, 9), local(2026, 3, 4, 11), staff_user
    )
    token = services.feed_for(company_user).token

    response = client.get(f"/facilities/ics/user/{token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    events = calendar_ics.parse(text)
    assert [(e["DTSTART"], e["DTEND"], e["STATUS"]) for e in events] == [
        ("20260303T080000Z", "20260303T100000Z", "CONFIRMED")
    ]
    assert events[0]["SUMMARY"] == "Extruder"

    services.renew_user_feed(company_user)
    assert client.get(f"/facilities/ics/user/{token}.ics").status_code == 404


def test_resource_feed_escapes_and_folds(now, client, machine, sme, staff_user):
    sme.name = "Alfa; Metaal, en zonen " + "x" * 80
    sme.save()
    services.create_booking(machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), staff_user)

    text = client.get(f"/facilities/ics/resource/{machine.ics_token}.ics").content.decode()

    event = calendar_ics.parse(text)[0]
    assert event["SUMMARY"].startswith("Extruder: Alfa\\; Metaal\\, en zonen xxx")
    assert "\r\n " in text


def test_occupancy_is_time_weighted_by_month(operator, company_a, company_b, staff_user):
    centre = Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE, name="OC Kortrijk", external_id="ock", operator=operator
    )
    big = Resource.objects.create(
        facility=centre,
        kind="workshop",
        name="W1",
        external_id="w1",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal("300"),
    )
    Resource.objects.create(
        facility=centre,
        kind="office",
        name="O1",
        external_id="o1",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal("100"),
    )
    services.create_lease(
        big, company_a, dt.date(2026, 4, 16), dt.date(2026, 12, 31), Decimal("900"), staff_user
    )

    result = figures.occupancy(dt.date(2026, 3, 1), dt.date(2026, 5, 31))

    months = result[0]["months"]
    assert [(m["month"], m["rented_m2"], m["rentable_m2"], m["percent"]) for m in months] == [
        (dt.date(2026, 3, 1), Decimal("0.0"), Decimal("400.0"), Decimal("0.0")),
        (dt.date(2026, 4, 1), Decimal("150.0"), Decimal("400.0"), Decimal("37.5")),
        (dt.date(2026, 5, 1), Decimal("300.0"), Decimal("400.0"), Decimal("75.0")),
    ]


def test_utilisation_revenue_and_clusters(now, machine, sme, company_b, staff_user, time_machine):
    from schakel.places.models import Cluster

    food = Cluster.objects.get(code="food")
    sme.clusters.add(food)
    done = services.create_booking(
        machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 13), staff_user
    )
    cancelled = services.create_booking(
        machine, company_b, local(2026, 3, 4, 9), local(2026, 3, 4, 11), staff_user
    )
    services.cancel(cancelled, staff_user)  # by the agency: no fee
    late = services.create_booking(
        machine, sme, local(2026, 3, 5, 9), local(2026, 3, 5, 11), staff_user
    )
    time_machine.move_to(local(2026, 3, 4, 10), tick=False)
    Booking.objects.filter(pk=late.pk).update(status="confirmed")
    from schakel.facilities import pricing

    fee = pricing.cancellation_fee(late, local(2026, 3, 4, 10))
    Booking.objects.filter(pk=late.pk).update(status="cancelled", cancellation_fee=fee)

    week = figures.utilisation(dt.date(2026, 3, 2), dt.date(2026, 3, 6))
    money = figures.revenue(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    counts = figures.bookings_by(dt.date(2026, 3, 1), dt.date(2026, 3, 31))

    # 4 h booked of 5 days × 10 h open
    assert (week[0]["booked_hours"], week[0]["open_hours"], week[0]["percent"]) == (
        Decimal("4.00"),
        Decimal("50.00"),
        Decimal("8.0"),
    )
    # the half day (SME 140) plus half of the 2-hour booking (SME 80) as a late fee
    assert done.amount_excl_vat == Decimal("140.00")
    assert fee == Decimal("40.00")
    assert money == [
        {
            "facility_id": machine.facility_id,
            "facility": "Circular Materials Center",
            "amount_excl_vat": Decimal("180.00"),
        }
    ]
    assert counts["cluster"] == {"food": 1}


def test_usage_export_has_enterprise_numbers_and_vat(
    now, client, machine, sme, manager, staff_user, time_machine
):
    booking = services.create_booking(
        machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 11), staff_user
    )
    time_machine.move_to(local(2026, 3, 3, 12), tick=False)
    services.record_usage(booking, manager, 120)
    client.force_login(manager)

    response = client.get("/facilities/manage/export.csv?start=2026-03-01&end=2026-03-31")

    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[1][1:5] == ["Alfa Metaal", "0417.497.106", "Circular Materials Center", "Extruder"]
    assert rows[1][-3:] == ["80.00", "16.80", "96.80"]
    xlsx = client.get("/facilities/manage/export.xlsx?start=2026-03-01&end=2026-03-31")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
