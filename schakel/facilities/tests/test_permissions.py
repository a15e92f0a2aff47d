"""Authorization matrix: companies see and cancel only their own bookings; facility managers
manage only their facilities; staff see all; out of sight is 404."""

import pytest
from rest_framework.test import APIClient

from schakel.facilities import services

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def bookings(now, machine, other_facility, sme, company_b, staff_user):
    from schakel.facilities.models import Resource

    drone = Resource.objects.create(
        facility=other_facility, kind="test_space", name="Cage", external_id="cage"
    )
    mine = services.create_booking(
        machine, sme, local(2026, 3, 10, 9), local(2026, 3, 10, 10), staff_user
    )
    theirs = services.create_booking(
        drone, company_b, local(2026, 3, 10, 9), local(2026, 3, 10, 10), staff_user
    )
    return {"mine": mine, "theirs": theirs}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("company", {"mine"}),
        ("manager", {"mine"}),
        ("other_manager", {"theirs"}),
        ("staff", {"mine", "theirs"}),
        ("admin", {"mine", "theirs"}),
        ("partner", set()),
    ],
)
def test_who_sees_which_bookings(request, bookings, who, visible):
    names = {
        "company": "company_user",
        "manager": "manager",
        "other_manager": "other_manager",
        "staff": "staff_user",
        "admin": "admin_user",
        "partner": "partner_user",
    }
    user = request.getfixturevalue(names[who])
    # Facility managers in this matrix are staff, but their desk is their facilities only:
    # staff see everything read-only; managers act on their own facility.
    listing = api(user).get("/api/v1/bookings/").json()["results"]
    seen = {name for name, b in bookings.items() if b.pk in {row["id"] for row in listing}}

    if who in ("manager", "other_manager"):
        # staff users: they see all bookings, but manage only their own facility's
        assert seen == {"mine", "theirs"}
        from schakel.facilities.models import Booking

        manageable = set(Booking.objects.visible_to(user, "manage").values_list("pk", flat=True))
        assert {n for n, b in bookings.items() if b.pk in manageable} == visible
    else:
        assert seen == visible


def test_company_user_gets_404_for_other_companies_bookings(bookings, company_user):
    client = api(company_user)

    assert client.get(f"/api/v1/bookings/{bookings['theirs'].pk}/").status_code == 404
    assert client.delete(f"/api/v1/bookings/{bookings['theirs'].pk}/").status_code == 404
    assert client.get(f"/api/v1/bookings/{bookings['mine'].pk}/").status_code == 200
    bookings["theirs"].refresh_from_db()
    assert bookings["theirs"].status == "confirmed"


def test_partner_manager_sees_only_their_facility(bookings, partner_user, facility):
    from schakel.facilities.models import FacilityManager

    FacilityManager.objects.create(user=partner_user, facility=facility)
    client = api(partner_user)

    ids = {row["id"] for row in client.get("/api/v1/bookings/").json()["results"]}

    assert ids == {bookings["mine"].pk}
    assert client.get(f"/api/v1/bookings/{bookings['theirs'].pk}/").status_code == 404


def test_manager_cancels_for_the_facility_without_fee(bookings, manager, now):
    # a booking tomorrow would carry a late fee if the company cancelled it
    booking = bookings["mine"]

    response = api(manager).delete(f"/api/v1/bookings/{booking.pk}/")

    assert response.json()["cancelled_by_party"] == "facility"
    assert response.json()["cancellation_fee"] == "0.00"


def test_pages_follow_the_same_gate(bookings, client, company_user, other_manager):
    client.force_login(company_user)
    assert client.get(f"/facilities/bookings/{bookings['theirs'].pk}/").status_code == 404
    assert client.get(f"/facilities/bookings/{bookings['mine'].pk}/").status_code == 200
    assert client.post(f"/facilities/bookings/{bookings['theirs'].pk}/cancel/").status_code == 404
    assert client.get("/facilities/manage/").status_code == 404

    client.force_login(other_manager)
    response = client.post(f"/facilities/manage/bookings/{bookings['mine'].pk}/approve/")
    assert response.status_code == 403
    assert client.get("/facilities/manage/").status_code == 200


def test_state_changes_are_post_only(bookings, client, manager):
    client.force_login(manager)

    assert (
        client.get(f"/facilities/manage/bookings/{bookings['mine'].pk}/approve/").status_code == 405
    )
    assert client.get(f"/facilities/bookings/{bookings['mine'].pk}/cancel/").status_code == 405
