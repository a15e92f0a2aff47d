"""Booking infrastructure in a real browser: a company user finds a machine through the
catalogue, books a free slot, runs into a conflict, cancels; a facility manager approves."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schakel.facilities import services
from schakel.facilities.models import (
    Booking,
    Facility,
    FacilityManager,
    OpeningHours,
    Resource,
)
from schakel.register.models import Organisation, OrganisationType

from .conftest import login, use_english

PASSWORD = "Correct-Horse-42"
BXL = ZoneInfo("Europe/Brussels")
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def next_weekday(days_ahead: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def world(django_user_model):
    operator = Organisation.objects.create(
        name="Centexbel", type=OrganisationType.FACILITY_OPERATOR
    )
    company = Organisation.objects.create(
        name="Vlasbloem Kunststoffen",
        type=OrganisationType.COMPANY,
        enterprise_number="0417497106",
        size_class="small",
    )
    other = Organisation.objects.create(
        name="Zeebries Voeding", type=OrganisationType.COMPANY, enterprise_number="0403170701"
    )
    facility = Facility.objects.create(
        kind="test_facility",
        name="Circular Materials Center",
        external_id="test-cmc",
        operator=operator,
    )
    for day in range(5):
        OpeningHours.objects.create(
            facility=facility, weekday=day, opens=dt.time(8), closes=dt.time(18)
        )
    extruder = Resource.objects.create(
        facility=facility,
        kind="equipment",
        name="Dubbelschroefextruder",
        external_id="cmc-extruder",
        description="Compounding van gerecycleerde kunststoffen.",
        sme_hour=Decimal("40"),
        standard_hour=Decimal("60"),
        cleanup_minutes=30,
    )
    moulder = Resource.objects.create(
        facility=facility,
        kind="equipment",
        name="Spuitgietmachine",
        external_id="cmc-moulder",
        requires_approval=True,
        standard_hour=Decimal("80"),
    )
    services.sync_offering(extruder)
    company_user = django_user_model.objects.create_user(
        username="wout", password=PASSWORD, role="company", first_name="Wout"
    )
    company_user.mandates.create(organisation=company)
    manager = django_user_model.objects.create_user(
        username="sofie", password=PASSWORD, role="staff", first_name="Sofie", is_staff=True
    )
    FacilityManager.objects.create(user=manager, facility=facility)
    day = next_weekday(10)
    pending = services.create_booking(
        moulder,
        other,
        dt.datetime.combine(day, dt.time(13), tzinfo=BXL),
        dt.datetime.combine(day, dt.time(15), tzinfo=BXL),
        manager,
    )
    return {"extruder": extruder, "company": company, "pending": pending}


def test_company_books_a_machine_found_in_the_catalogue(checked_page, world):
    day = next_weekday(7)
    # given a company user, logged in, on the catalogue's equipment (in English)
    use_english(checked_page)
    login(checked_page, "wout", PASSWORD)
    page = checked_page.goto("/catalog/?kind=equipment")

    # when she opens the machine and follows the booking link
    page.get_by_role("link", name="Dubbelschroefextruder (Circular Materials Center)").click()
    expect(page.get_by_role("heading", name="Book it")).to_be_visible()
    page.get_by_role("link", name="See the calendar and book").click()
    page.wait_for_url(f"**/facilities/resources/{world['extruder'].pk}/")
    expect(page.locator("#facility-calendar .fc-toolbar-title")).to_be_visible()

    # and asks the price of a free slot, then books it
    page.fill("#id_start", f"{day.isoformat()}T09:00")
    page.fill("#id_end", f"{day.isoformat()}T11:00")
    page.get_by_role("button", name="Show the price").click()
    expect(page.locator("#quote-result")).to_contain_text("96,80")
    page.get_by_role("button", name="Book", exact=True).click()

    # then the booking is confirmed
    page.wait_for_url("**/facilities/bookings/*/")
    expect(page.locator("#booking-status")).to_have_attribute("data-status", "confirmed")
    booking = Booking.objects.get(resource=world["extruder"])
    assert booking.company == world["company"]

    # when she tries an overlapping slot (the cleaning after 11:00 is in the way)
    checked_page.goto(f"/facilities/resources/{world['extruder'].pk}/")
    page.fill("#id_start", f"{day.isoformat()}T11:00")
    page.fill("#id_end", f"{day.isoformat()}T12:00")
    page.get_by_role("button", name="Book", exact=True).click()

    # then she sees the conflict and the taken period, and nothing was booked
    expect(page.locator("#form-errors")).to_contain_text("no longer free")
    expect(page.locator(".conflict-list li")).to_contain_text("09:00")
    expect(page.locator(".conflict-list li")).to_contain_text("11:30")
    assert Booking.objects.filter(resource=world["extruder"]).count() == 1

    # when she cancels her booking (a week ahead: free of charge)
    checked_page.goto(f"/facilities/bookings/{booking.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel booking").click()

    # then it is cancelled without a fee
    expect(page.locator("#booking-status")).to_have_attribute("data-status", "cancelled")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert booking.cancellation_fee == Decimal("0.00")


def test_facility_manager_approves_a_pending_request(checked_page, world):
    # given the facility manager on her desk (in English)
    use_english(checked_page)
    login(checked_page, "sofie", PASSWORD)
    page = checked_page.goto("/facilities/manage/")
    rows = page.locator("#pending-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zeebries Voeding")

    # when she approves it
    rows.first.get_by_role("button", name="Approve").click()

    # then it leaves the list and is confirmed
    expect(page.locator("#pending-table tbody tr")).to_contain_text("No requests waiting.")
    world["pending"].refresh_from_db()
    assert world["pending"].status == "confirmed"
