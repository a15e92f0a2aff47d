"""Facilities fixtures: a test facility with a machine, a flex-desk room, a business centre."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from schakel.facilities.models import (
    Booking,
    Facility,
    FacilityKind,
    FacilityManager,
    OpeningHours,
    Resource,
)
from schakel.register.models import Organisation, OrganisationType

BXL = ZoneInfo("Europe/Brussels")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BXL)


# Every test runs on Monday 2 March 2026 at 08:00 in Brussels (see the `now` fixture).
NOW = local(2026, 3, 2, 8, 0)


def unpriced_booking(resource, company, start, end, status="confirmed", places=1) -> Booking:
    """A booking as a bulk load writes it (not saved; no services, no price): for tests about
    what is stored rather than how it got there."""
    return Booking(
        resource=resource,
        company=company,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        places=places,
        exclusive=resource.capacity == 1,
        status=status,
        amount_excl_vat=Decimal("0"),
        amount_incl_vat=Decimal("0"),
        vat_amount=Decimal("0"),
    )


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def operator(db):
    return Organisation.objects.create(name="Centexbel", type=OrganisationType.FACILITY_OPERATOR)


def _weekdays(facility, opens=dt.time(8, 0), closes=dt.time(18, 0), days=range(5)):
    for day in days:
        OpeningHours.objects.create(facility=facility, weekday=day, opens=opens, closes=closes)


@pytest.fixture
def facility(operator):
    facility = Facility.objects.create(
        kind=FacilityKind.TEST_FACILITY,
        name="Circular Materials Center",
        external_id="cmc",
        operator=operator,
        contact_email="cmc@example.be",
    )
    _weekdays(facility)
    return facility


@pytest.fixture
def machine(facility):
    return Resource.objects.create(
        facility=facility,
        kind="equipment",
        name="Extruder",
        external_id="cmc-extruder",
        sme_hour=Decimal("40"),
        standard_hour=Decimal("60"),
        sme_half_day=Decimal("140"),
        standard_half_day=Decimal("200"),
        sme_day=Decimal("250"),
        standard_day=Decimal("380"),
        setup_minutes=15,
        cleanup_minutes=30,
        max_booking_hours=10,
    )


@pytest.fixture
def desks(facility):
    return Resource.objects.create(
        facility=facility,
        kind="flex_desk",
        name="Flex desks",
        external_id="cmc-flex",
        capacity=3,
        sme_hour=Decimal("5"),
        standard_hour=Decimal("5"),
    )


@pytest.fixture
def approval_machine(facility):
    return Resource.objects.create(
        facility=facility,
        kind="equipment",
        name="Injection moulder",
        external_id="cmc-moulder",
        requires_approval=True,
        standard_hour=Decimal("100"),
    )


@pytest.fixture
def manager(make_user, facility):
    user = make_user("manager", "staff", is_staff=True)
    FacilityManager.objects.create(user=user, facility=facility)
    return user


@pytest.fixture
def other_facility(operator):
    other = Facility.objects.create(
        kind=FacilityKind.TEST_FACILITY, name="Drone Dock", external_id="drone", operator=operator
    )
    _weekdays(other)
    return other


@pytest.fixture
def other_manager(make_user, other_facility):
    user = make_user("othermanager", "staff", is_staff=True)
    FacilityManager.objects.create(user=user, facility=other_facility)
    return user


@pytest.fixture
def sme(company_a):
    company_a.size_class = "small"
    company_a.save()
    return company_a
