"""The pages: render for each role, book through the form, see a conflict, events JSON."""

from decimal import Decimal

import pytest

from schakel.facilities import services
from schakel.facilities.models import Booking, Facility, FacilityKind, FacilityManager, Resource

from .conftest import local

pytestmark = pytest.mark.django_db


def test_company_books_through_the_form_and_sees_a_conflict(
    now, client, machine, sme, company_user
):
    client.force_login(company_user)
    url = f"/facilities/resources/{machine.pk}/"
    assert client.get(url).status_code == 200

    quote = client.post(
        url + "quote/",
        {"start": "2026-03-03T09:00", "end": "2026-03-03T13:00", "places": 1, "weeks": 1},
    )
    assert "140,00" in quote.content.decode()
    assert "169,40" in quote.content.decode()

    booked = client.post(
        url + "book/",
        {"start": "2026-03-03T09:00", "end": "2026-03-03T13:00", "places": 1, "weeks": 1},
    )
    booking = Booking.objects.get()
    assert booked.status_code == 302
    assert booked.url == f"/facilities/bookings/{booking.pk}/"

    again = client.post(
        url + "book/",
        {"start": "2026-03-03T12:00", "end": "2026-03-03T14:00", "places": 1, "weeks": 1},
    )
    assert again.status_code == 409
    assert "conflict-list" in again.content.decode()
    assert Booking.objects.count() == 1

    cancelled = client.post(f"/facilities/bookings/{booking.pk}/cancel/", {"reason": ""})
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.cancellation_fee == Decimal("70.00")


def test_staff_books_for_a_company_by_enterprise_number(now, client, machine, sme, staff_user):
    client.force_login(staff_user)

    response = client.post(
        f"/facilities/resources/{machine.pk}/book/",
        {
            "start": "2026-03-03T09:00",
            "end": "2026-03-03T10:00",
            "places": 1,
            "weeks": 1,
            "company_number": "BE 0417.497.106",
        },
    )

    assert response.status_code == 302
    assert Booking.objects.get().company == sme


def test_events_feed_for_the_calendar(
    now, client, machine, sme, company_b, company_user, staff_user
):
    services.create_booking(machine, sme, local(2026, 3, 3, 9), local(2026, 3, 3, 10), company_user)
    services.create_booking(
        machine, company_b, local(2026, 3, 3, 14), local(2026, 3, 3, 15), staff_user
    )
    client.force_login(company_user)

    events = client.get(
        f"/facilities/resources/{machine.pk}/events/?start=2026-03-02T00:00:00%2B01:00&end=2026-03-09T00:00:00%2B01:00",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()

    titles = sorted(e["title"] for e in events if e.get("display") != "background")
    assert titles == ["booked", "booked", "your booking (confirmed)"]
    assert not any("Bèta" in str(e) for e in events)
    assert client.get(f"/facilities/resources/{machine.pk}/events/").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/facilities/",
        "/facilities/?q=extr",
        "/facilities/bookings/",
        "/facilities/calendar/",
        "/facilities/manage/",
        "/facilities/manage/?view=week",
        "/facilities/leases/",
        "/facilities/leases/new/",
        "/facilities/figures/",
        "/facilities/figures/data.json",
        "/facilities/figures/export.csv",
        "/facilities/figures/export.xlsx",
    ],
)
def test_manager_pages_render(now, client, machine, manager, sme, path, facility, operator):
    centre = Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE, name="OC", external_id="oc", operator=operator
    )
    FacilityManager.objects.create(user=manager, facility=centre)
    Resource.objects.create(
        facility=centre,
        kind="office",
        name="O1",
        external_id="o1",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal("20"),
    )
    services.create_booking(machine, sme, local(2026, 3, 2, 9), local(2026, 3, 2, 10), manager)
    client.force_login(manager)

    response = client.get(path)

    assert response.status_code == 200


def test_company_pages_render_and_waiting_list_signup(now, client, company_user, sme, operator):
    centre = Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE, name="OC", external_id="oc", operator=operator
    )
    client.force_login(company_user)

    assert client.get("/facilities/bookings/").status_code == 200
    assert client.get("/facilities/leases/").status_code == 200
    assert client.get("/facilities/figures/").status_code == 404
    response = client.post(
        f"/facilities/centres/{centre.pk}/waiting-list/",
        {"unit_kind": "office", "needs": "2 desks"},
    )
    assert response.status_code == 302
    assert centre.waiting_list.get().company == sme


def test_catalogue_offering_shows_the_next_free_slot(now, client, machine):
    offering = services.sync_offering(machine)

    response = client.get(f"/catalog/{offering.external_id}/")

    assert offering.kind == "equipment"
    assert offering.provider == machine.facility.operator
    assert response.status_code == 200
    # open at 08:00, and the machine needs 15 minutes of set-up
    assert "maandag 02/03/2026 08:15" in response.content.decode()
    assert f"/facilities/resources/{machine.pk}/" in response.content.decode()
