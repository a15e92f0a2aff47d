"""The API as outside clients use it: exact paths, status codes and shapes."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from schakel.facilities.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def post(client, resource, start, end, **extra):
    body = {"resource": resource.pk, "start": start, "end": end, **extra}
    return client.post("/api/v1/bookings/", body, format="json")


def test_resources_list_and_availability(now, client_for, company_user, machine, sme):
    client = client_for(company_user)
    Booking.objects.all().delete()
    post(client, machine, "2026-03-03T09:00:00+01:00", "2026-03-03T11:00:00+01:00")

    listing = client.get("/api/v1/resources/")
    found = client.get(
        f"/api/v1/resources/{machine.pk}/availability/?from=2026-03-03&to=2026-03-04"
    )

    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == [machine.pk]
    assert listing.json()["results"][0]["tariffs"]["sme_hour"] == "40.00"
    assert found.status_code == 200
    body = found.json()
    assert body["resource"] == machine.pk
    assert body["open"] == [
        {"start": "2026-03-03T08:00:00+01:00", "end": "2026-03-03T18:00:00+01:00"}
    ]
    assert body["busy"] == [
        {
            "start": "2026-03-03T08:45:00+01:00",
            "end": "2026-03-03T11:30:00+01:00",
            "state": "full",
            "tentative": False,
            "places_taken": 1,
        }
    ]
    assert body["free"] == [
        {"start": "2026-03-03T08:00:00+01:00", "end": "2026-03-03T08:45:00+01:00"},
        {"start": "2026-03-03T11:30:00+01:00", "end": "2026-03-03T18:00:00+01:00"},
    ]


def test_availability_bad_range_is_400(now, client_for, company_user, machine):
    response = client_for(company_user).get(
        f"/api/v1/resources/{machine.pk}/availability/?from=2026-03-05&to=2026-03-04"
    )

    assert response.status_code == 400
    assert response.json()["to"][0]["code"] == "invalid"


def test_post_booking_201_then_409_with_the_conflict(
    now, client_for, company_user, staff_user, machine, sme, company_b
):
    # when the company books
    first = post(
        client_for(company_user), machine, "2026-03-03T09:00:00+01:00", "2026-03-03T11:00:00+01:00"
    )

    # then 201 with the booking
    assert first.status_code == 201
    body = first.json()
    assert {k: body[k] for k in ("resource", "start", "end", "status")} == {
        "resource": machine.pk,
        "start": "2026-03-03T09:00:00+01:00",
        "end": "2026-03-03T11:00:00+01:00",
        "status": "confirmed",
    }
    assert body["company"] == sme.pk
    assert Decimal(body["amount_incl_vat"]) == Decimal("96.80")

    # when staff book an overlapping slot for another company
    second = post(
        client_for(staff_user),
        machine,
        "2026-03-03T10:00:00+01:00",
        "2026-03-03T12:00:00+01:00",
        company=company_b.pk,
    )

    # then 409 names the taken period
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert second.json()["conflicts"] == [
        {"start": "2026-03-03T08:45:00+01:00", "end": "2026-03-03T11:30:00+01:00"}
    ]
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "field", "code"),
    [
        ("2026-03-03T11:00:00+01:00", "2026-03-03T10:00:00+01:00", "end", "end_before_start"),
        (
            "2026-03-03T06:00:00+01:00",
            "2026-03-03T09:00:00+01:00",
            "start",
            "outside_opening_hours",
        ),
        ("2026-03-01T09:00:00+01:00", "2026-03-01T10:00:00+01:00", "start", "in_the_past"),
        ("2026-03-03T08:00:00+01:00", "2026-03-04T08:00:00+01:00", "end", "too_long"),
        ("not a date", "2026-03-03T10:00:00+01:00", "start", "invalid"),
    ],
)
def test_bad_requests_are_400_with_a_code(
    now, client_for, company_user, machine, sme, start, end, field, code
):
    response = post(client_for(company_user), machine, start, end)

    assert response.status_code == 400
    assert response.json()[field][0]["code"] == code
    assert not Booking.objects.exists()


def test_missing_fields_and_unknown_resource_are_400(now, client_for, company_user, machine, sme):
    client = client_for(company_user)

    missing = client.post("/api/v1/bookings/", {"resource": machine.pk}, format="json")
    unknown = client.post(
        "/api/v1/bookings/",
        {
            "resource": 999999,
            "start": "2026-03-03T09:00:00+01:00",
            "end": "2026-03-03T10:00:00+01:00",
        },
        format="json",
    )

    assert missing.status_code == 400
    assert set(missing.json()) == {"start", "end"}
    assert unknown.status_code == 400
    assert unknown.json()["resource"][0]["code"] == "does_not_exist"


def test_company_user_cannot_book_for_another_company(
    now, client_for, company_user, machine, sme, company_b
):
    response = post(
        client_for(company_user),
        machine,
        "2026-03-03T09:00:00+01:00",
        "2026-03-03T10:00:00+01:00",
        company=company_b.pk,
    )

    assert response.status_code == 400
    assert response.json()["company"][0]["code"] == "company_not_allowed"


def test_staff_must_name_the_company(now, client_for, staff_user, machine):
    response = post(
        client_for(staff_user), machine, "2026-03-03T09:00:00+01:00", "2026-03-03T10:00:00+01:00"
    )

    assert response.status_code == 400
    assert response.json()["company"][0]["code"] == "company_required"


def test_partner_and_anonymous_cannot_book(now, client_for, partner_user, machine):
    partner = post(
        client_for(partner_user), machine, "2026-03-03T09:00:00+01:00", "2026-03-03T10:00:00+01:00"
    )
    anonymous = post(
        client_for(None), machine, "2026-03-03T09:00:00+01:00", "2026-03-03T10:00:00+01:00"
    )

    assert partner.status_code == 403
    assert anonymous.status_code in (401, 403)


def test_delete_cancels_with_the_late_fee(now, client_for, company_user, machine, sme):
    # given a booking tomorrow (less than 48 h ahead): 50% late-cancellation fee
    client = client_for(company_user)
    booking_id = post(
        client, machine, "2026-03-03T09:00:00+01:00", "2026-03-03T11:00:00+01:00"
    ).json()["id"]

    response = client.delete(f"/api/v1/bookings/{booking_id}/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_fee"] == "40.00"
    assert response.json()["cancelled_by_party"] == "company"
    # a second cancel is a 409: the state forbids it
    assert client.delete(f"/api/v1/bookings/{booking_id}/").status_code == 409


def test_delete_early_enough_is_free(now, client_for, company_user, machine, sme):
    client = client_for(company_user)
    booking_id = post(
        client, machine, "2026-03-10T09:00:00+01:00", "2026-03-10T11:00:00+01:00"
    ).json()["id"]

    response = client.delete(f"/api/v1/bookings/{booking_id}/")

    assert response.json()["cancellation_fee"] == "0.00"


def test_recurring_endpoint_all_or_nothing(
    now, client_for, company_user, staff_user, machine, sme, company_b
):
    post(
        client_for(staff_user),
        machine,
        "2026-03-10T09:00:00+01:00",
        "2026-03-10T10:00:00+01:00",
        company=company_b.pk,
    )

    response = client_for(company_user).post(
        "/api/v1/bookings/recurring/",
        {
            "resource": machine.pk,
            "start": "2026-03-03T09:00:00+01:00",
            "end": "2026-03-03T10:00:00+01:00",
            "weeks": 3,
        },
        format="json",
    )

    assert response.status_code == 409
    assert [c["start"] for c in response.json()["conflicts"]] == ["2026-03-10T09:00:00+01:00"]
    assert Booking.objects.count() == 1


def test_manager_approves_through_the_api(
    now, client_for, company_user, manager, other_manager, approval_machine, sme
):
    booking_id = post(
        client_for(company_user),
        approval_machine,
        "2026-03-04T09:00:00+01:00",
        "2026-03-04T10:00:00+01:00",
    ).json()["id"]

    # other facility's manager (staff, sees all) may not approve: 403; the company neither
    assert (
        client_for(other_manager).post(f"/api/v1/bookings/{booking_id}/approve/").status_code == 403
    )
    assert (
        client_for(company_user).post(f"/api/v1/bookings/{booking_id}/approve/").status_code == 403
    )
    response = client_for(manager).post(f"/api/v1/bookings/{booking_id}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
