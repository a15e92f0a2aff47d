"""Every facility and every resource is a catalogue offering: `schakel facilities
sync-catalogue` creates the missing ones (units of a business centre too) and is safe to run
again; saving through the services keeps them in step."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from schakel.catalog.models import Offering
from schakel.facilities import services
from schakel.facilities.models import Facility, FacilityKind, Resource
from schakel.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def kortrijk(db):
    return Municipality.objects.get_or_create(
        nis_code="34022", defaults={"name_nl": "Kortrijk", "province_nis": "30000"}
    )[0]


@pytest.fixture
def centre(operator, kortrijk):
    return Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE,
        name="Ondernemerscentrum Kortrijk",
        external_id="oc-kortrijk",
        operator=operator,
        municipality=kortrijk,
        starter_max_stay_months=36,
    )


@pytest.fixture
def office(centre):
    return Resource.objects.create(
        facility=centre,
        kind="office",
        name="Kantoor 1.02",
        external_id="oc-kortrijk-kantoor-1-02",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal("24.0"),
        monthly_price=Decimal("264.00"),
    )


@pytest.fixture
def workshop(centre):
    return Resource.objects.create(
        facility=centre,
        kind="workshop",
        name="Atelier 1",
        external_id="oc-kortrijk-atelier-1",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal("1250.5"),
        monthly_price=Decimal("8128.25"),
    )


def sync_catalogue() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("facilities", "sync-catalogue", "--no-progress", stdout=out)
    return out.getvalue().strip()


def test_sync_catalogue_makes_every_unit_an_offering(centre, office, workshop, kortrijk):
    # when
    output = sync_catalogue()

    # then: the centre and both units are offerings, linked both ways
    assert output == (
        "Catalogue in step with the facilities: 3 offerings created, 0 updated, 0 unchanged."
    )
    office.refresh_from_db()
    offering = office.offering
    assert offering.external_id == "oc-kortrijk-kantoor-1-02"
    assert offering.kind == "workspace"
    assert offering.provider == centre.operator
    assert offering.municipality == kortrijk
    assert offering.is_archived is False
    assert offering.title_nl == "Kantoor 1.02 (Ondernemerscentrum Kortrijk)"
    assert offering.description_nl == (
        "Kantoorruimte van 24 m² te huur per maand in Ondernemerscentrum Kortrijk. "
        "Voor starters en jonge bedrijven (maximaal 36 maanden). "
        "Huurprijs € 264,00 per maand."
    )
    workshop.refresh_from_db()
    assert "Atelier (bedrijfsruimte) van 1.250,5 m²" in workshop.offering.description_nl
    assert "Huurprijs € 8.128,25 per maand." in workshop.offering.description_nl
    centre.refresh_from_db()
    assert centre.offering.kind == "workspace"
    assert centre.offering.title_nl == "Ondernemerscentrum Kortrijk"


def test_sync_catalogue_again_changes_nothing(centre, office, workshop):
    # given
    sync_catalogue()
    stamps = dict(Offering.objects.values_list("external_id", "updated_at"))

    # when
    output = sync_catalogue()

    # then
    assert output == (
        "Catalogue in step with the facilities: 0 offerings created, 0 updated, 3 unchanged."
    )
    assert dict(Offering.objects.values_list("external_id", "updated_at")) == stamps


def test_sync_catalogue_follows_a_changed_unit(centre, office, workshop):
    # given
    sync_catalogue()
    Resource.objects.filter(pk=office.pk).update(monthly_price=Decimal("300.00"))

    # when
    output = sync_catalogue()

    # then
    assert output == (
        "Catalogue in step with the facilities: 0 offerings created, 1 updated, 2 unchanged."
    )
    office.refresh_from_db()
    assert "Huurprijs € 300,00 per maand." in office.offering.description_nl


def test_a_reference_offering_keeps_its_own_texts(facility, machine):
    # given: the machine's offering came from the catalogue, with its own words
    offering = Offering.objects.create(
        external_id=machine.external_id,
        kind="expertise",
        title_nl="Extrusielijn voor gerecycleerde kunststof",
        description_nl="Verwerk uw gerecycleerd granulaat tot filament.",
        provider=facility.operator,
        source="Referentiedocument West-Vlaanderen",
    )

    # when
    sync_catalogue()

    # then: linked, kind and provider corrected, texts untouched
    machine.refresh_from_db()
    offering.refresh_from_db()
    assert machine.offering == offering
    assert offering.kind == "equipment"
    assert offering.title_nl == "Extrusielijn voor gerecycleerde kunststof"
    assert offering.description_nl == "Verwerk uw gerecycleerd granulaat tot filament."


def test_a_bookable_room_says_its_tariff(centre):
    # given
    room = Resource.objects.create(
        facility=centre,
        kind="meeting_room",
        name="Vergaderzaal",
        external_id="oc-kortrijk-vergaderzaal",
        sme_hour=Decimal("15.00"),
        standard_hour=Decimal("25.00"),
    )

    # when
    offering = services.sync_offering(room)

    # then
    assert offering.kind == "workspace"
    assert offering.description_nl == (
        "Vergaderzaal in Ondernemerscentrum Kortrijk, te boeken per uur of dagdeel. "
        "KMO-tarief € 15,00 per uur."
    )


def test_saving_a_unit_through_the_services_syncs_its_offering(centre, office, staff_user):
    # given
    services.sync_offering(office)
    before = services.audit.snapshot(office)

    # when
    office.floor_area_m2 = Decimal("30")
    office.monthly_price = Decimal("330.00")
    services.save_for_setup(office, staff_user, before)

    # then
    office.offering.refresh_from_db()
    assert "Kantoorruimte van 30 m²" in office.offering.description_nl
    assert "Huurprijs € 330,00 per maand." in office.offering.description_nl


def test_closing_a_centre_archives_the_offerings_of_its_units(centre, office, staff_user):
    # given
    sync_catalogue()
    centre.refresh_from_db()
    before = services.audit.snapshot(centre)

    # when
    centre.is_active = False
    services.save_for_setup(centre, staff_user, before)

    # then
    assert Offering.objects.get(external_id="oc-kortrijk").is_archived is True
    assert Offering.objects.get(external_id="oc-kortrijk-kantoor-1-02").is_archived is True
