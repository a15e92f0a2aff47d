"""The facilities demo: real facilities linked to their offerings, managers, bookings, leases."""

from io import StringIO

import pytest

from schakel.facilities import demo
from schakel.facilities.models import Booking, Facility, Lease, Resource, WaitingListEntry
from schakel.register.demo import load_companies

pytestmark = pytest.mark.django_db


def test_demo_loads_once(django_db_blocker):
    from schakel.accounts.demo import load as load_accounts
    from schakel.catalog.demo import load as load_catalog
    from schakel.register.demo import load_reference_organisations

    load_reference_organisations()
    load_companies(60)
    load_accounts({}, StringIO())
    load_catalog({}, StringIO())

    demo.load({"seed": 1}, StringIO())
    counts = (
        Facility.objects.count(),
        Resource.objects.count(),
        Booking.objects.count(),
        Lease.objects.count(),
    )
    demo.load({"seed": 1}, StringIO())

    cmc = Facility.objects.get(external_id="test-circular-materials-center-cmc")
    assert cmc.offering.external_id == cmc.external_id
    assert cmc.operator.name == "Circular Materials Center (CMC)"
    assert sorted(cmc.managers.values_list("username", flat=True)) == ["facility"]
    assert cmc.resources.filter(kind="equipment", offering__kind="equipment").count() == 4
    assert Resource.objects.filter(kind="flex_desk", capacity=12).exists()
    assert counts[2] > 100
    assert counts[3] > 10
    assert WaitingListEntry.objects.exists()
    assert (
        Facility.objects.count(),
        Resource.objects.count(),
        Booking.objects.count(),
        Lease.objects.count(),
    ) == counts
