"""Leases: no overlap, maximum stay, warnings ahead; the waiting list in order."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from schakel.facilities import services
from schakel.facilities.models import Facility, FacilityKind, Lease, Resource, WaitingStatus
from schakel.register.models import Activity, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(operator):
    return Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE,
        name="’t Werkpand Izegem",
        external_id="werkpand-izegem",
        operator=operator,
        starter_max_stay_months=36,
        lease_warning_days=90,
    )


def unit(centre, name, area, price, kind="workshop"):
    return Resource.objects.create(
        facility=centre,
        kind=kind,
        name=name,
        external_id=f"izegem-{name.lower()}",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal(area),
        monthly_price=Decimal(price),
    )


def lease(u, company, first, last, user):
    return services.create_lease(
        u, company, first, last, u.monthly_price, user, deposit=Decimal("1500")
    )


def test_a_unit_cannot_be_leased_twice_for_overlapping_periods(
    centre, company_a, company_b, staff_user
):
    atelier = unit(centre, "A1", "100", "750")
    lease(atelier, company_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31), staff_user)

    with pytest.raises(services.BookingConflict) as caught:
        lease(atelier, company_b, dt.date(2026, 12, 31), dt.date(2027, 6, 30), staff_user)

    assert caught.value.conflicts == [(dt.date(2026, 1, 1), dt.date(2026, 12, 31))]
    # the next day is fine
    assert lease(atelier, company_b, dt.date(2027, 1, 1), dt.date(2027, 6, 30), staff_user)
    assert Activity.objects.filter(organisation=company_b, kind="lease").count() == 1


def test_maximum_stay_is_enforced_over_all_units_of_the_centre(centre, company_a, staff_user):
    first, second = unit(centre, "A1", "100", "750"), unit(centre, "A2", "90", "700")
    lease(first, company_a, dt.date(2024, 1, 1), dt.date(2025, 12, 31), staff_user)  # 24 months

    with pytest.raises(ValidationError) as caught:
        lease(second, company_a, dt.date(2026, 1, 1), dt.date(2027, 1, 31), staff_user)  # 13 more

    assert caught.value.error_dict["ends_on"][0].code == "max_stay"
    assert "37" in caught.value.messages[0]
    assert lease(second, company_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31), staff_user)
    assert services.stay_months(company_a, centre) == 36


def test_warnings_ahead_of_the_end_and_of_the_maximum_stay(
    centre, company_a, company_b, staff_user
):
    a1, a2 = unit(centre, "A1", "100", "750"), unit(centre, "A2", "90", "700")
    ending = lease(a1, company_a, dt.date(2024, 3, 1), dt.date(2026, 5, 31), staff_user)
    lease(a2, company_b, dt.date(2023, 6, 1), dt.date(2026, 5, 31), staff_user)  # 36 months

    warnings = services.lease_warnings(dt.date(2026, 3, 15))

    assert [(w["lease"].company.name, w["kind"], w["date"]) for w in warnings] == [
        ("Alfa Metaal", "lease_ends", dt.date(2026, 5, 31)),
        ("Bèta Voeding", "lease_ends", dt.date(2026, 5, 31)),
        ("Bèta Voeding", "max_stay", dt.date(2026, 5, 31)),
    ]
    assert ending.months == 27


def test_waiting_list_proposes_candidates_in_order_matching_needs(centre, staff_user):
    companies = [Organisation.objects.create(name=f"Starter {n}", type="company") for n in range(4)]
    services.add_to_waiting_list(
        centre, companies[0], "workshop", staff_user, min_area_m2=Decimal("200")
    )
    services.add_to_waiting_list(centre, companies[1], "workshop", staff_user, needs="loading dock")
    services.add_to_waiting_list(centre, companies[2], "office", staff_user)
    services.add_to_waiting_list(
        centre, companies[3], "workshop", staff_user, max_monthly_rent=Decimal("800")
    )

    atelier = unit(centre, "A3", "120", "750")

    assert [e.company for e in services.candidates_for(atelier)] == [companies[1], companies[3]]
    # a company is on a list only once per unit type
    with pytest.raises(ValidationError):
        services.add_to_waiting_list(centre, companies[1], "workshop", staff_user)
    # leasing the unit to a candidate places them
    lease(atelier, companies[1], dt.date(2026, 4, 1), dt.date(2027, 3, 31), staff_user)
    assert [e.company for e in services.candidates_for(atelier)] == [companies[3]]
    assert centre.waiting_list.get(company=companies[1]).status == WaitingStatus.PLACED


def test_terminating_frees_the_unit(centre, company_a, staff_user):
    a1 = unit(centre, "A1", "100", "750")
    made = lease(a1, company_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31), staff_user)

    services.terminate_lease(made, dt.date(2026, 6, 30), staff_user)

    assert services.free_from(a1, dt.date(2026, 3, 1)) == dt.date(2026, 7, 1)
    assert Lease.objects.get().status == "terminated"
