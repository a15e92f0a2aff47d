"""Facility resources are offerings like any other: matching recommends a unit of a business
centre, and the results list shows the next free slot of a machine."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schakel.facilities import services as facility_services
from schakel.facilities.models import Facility, FacilityKind, OpeningHours, Resource
from schakel.places.models import Municipality
from schakel.register.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db
URL = "/match/"
# Monday 2 March 2026, 08:00 in Brussels.
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def municipality(nis, name):
    return Municipality.objects.get_or_create(
        nis_code=nis, defaults={"name_nl": name, "province_nis": "30000"}
    )[0]


def business_centre(name, external_id, nis, town):
    operator = Organisation.objects.create(name=f"Beheer {name}", type=OrganisationType.OTHER)
    centre = Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE,
        name=name,
        external_id=external_id,
        operator=operator,
        municipality=municipality(nis, town),
        starter_max_stay_months=36,
    )
    for kind, unit, area, price in (
        ("office", "Kantoor 1.02", "24", "264.00"),
        ("workshop", "Atelier 1", "120", "780.00"),
    ):
        Resource.objects.create(
            facility=centre,
            kind=kind,
            name=unit,
            external_id=f"{external_id}-{unit.lower().replace(' ', '-').replace('.', '-')}",
            is_bookable=False,
            is_leasable=True,
            floor_area_m2=Decimal(area),
            monthly_price=Decimal(price),
        )
    return centre


@pytest.fixture
def centres(catalog):
    """Two business centres whose units are not in the catalogue yet, beside the catalogue."""
    business_centre("Ondernemerscentrum Kortrijk", "oc-kortrijk", "34022", "Kortrijk")
    business_centre("Ondernemerscentrum Roeselare", "oc-roeselare", "36015", "Roeselare")
    call_command("facilities", "sync-catalogue", "--no-progress", stdout=StringIO())


def test_schakel_match_recommends_an_office_unit_in_kortrijk(centres, english):
    # when
    out = StringIO()
    call_command("match", "kantoorruimte voor starter in Kortrijk", "--json", stdout=out)

    # then: the office in Kortrijk comes first, before the one in Roeselare
    ids = [r["offering"] for r in json.loads(out.getvalue())["results"]]
    assert ids[0] == "oc-kortrijk-kantoor-1-02"
    assert ids.index("oc-kortrijk-kantoor-1-02") < ids.index("oc-roeselare-kantoor-1-02")


def test_the_match_page_lists_the_unit_as_workspace(client, staff_user, centres):
    client.force_login(staff_user)

    response = client.post(
        URL,
        {"text": "kantoorruimte voor starter in Kortrijk"},
        headers={"Accept-Language": "nl", "HX-Request": "true"},
    )

    assert response.status_code == 200
    workspace = next(g for g in response.context["groups"] if g["kind"] == "workspace")
    assert workspace["items"][0].external_id == "oc-kortrijk-kantoor-1-02"
    assert "Kantoor 1.02 (Ondernemerscentrum Kortrijk)" in response.content.decode()


def machine_park(count):
    """A test facility open on weekdays 08:00-18:00 with `count` extruders, each an offering."""
    operator = Organisation.objects.create(name="Centexbel", type=OrganisationType.OTHER)
    facility = Facility.objects.create(
        kind=FacilityKind.TEST_FACILITY,
        name="Circular Materials Center",
        external_id="cmc",
        operator=operator,
    )
    for day in range(5):
        OpeningHours.objects.create(
            facility=facility, weekday=day, opens=dt.time(8), closes=dt.time(18)
        )
    machines = []
    for n in range(1, count + 1):
        machine = Resource.objects.create(
            facility=facility,
            kind="equipment",
            name=f"Extruder {n}",
            external_id=f"cmc-extruder-{n}",
            description="Extruder voor gerecycleerde kunststof.",
            setup_minutes=15,
            standard_hour=Decimal("60"),
        )
        facility_services.sync_offering(machine)
        machines.append(machine)
    return facility, machines


def test_the_results_show_the_next_free_slot_of_a_machine(client, staff_user, time_machine):
    # given
    time_machine.move_to(NOW, tick=False)
    _facility, machines = machine_park(1)
    client.force_login(staff_user)

    # when
    response = client.post(
        URL,
        {"text": "extruder gerecycleerde kunststof"},
        headers={"Accept-Language": "nl", "HX-Request": "true"},
    )

    # then: open at 08:00, and the machine needs 15 minutes of set-up
    html = response.content.decode()
    result = html[html.index('data-offering="cmc-extruder-1"') :]
    result = result[: result.index("</form>")]
    assert "Eerstvolgende vrije tijdslot: <strong>maandag 02/03/2026 08:15</strong>" in result
    assert f'href="/facilities/resources/{machines[0].pk}/"' in result
    assert "Agenda bekijken en reserveren" in result


def test_results_without_a_resource_show_no_slot(client, staff_user, catalog):
    client.force_login(staff_user)

    response = client.post(
        URL, {"text": "cobot"}, headers={"Accept-Language": "nl", "HX-Request": "true"}
    )

    assert response.context["answer"].results
    assert "Eerstvolgende vrije tijdslot" not in response.content.decode()


def queries_for_results(client, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            URL,
            {"text": "extruder gerecycleerde kunststof"},
            headers={"Accept-Language": "nl", "HX-Request": "true"},
        )
    assert len(response.context["answer"].results) == count
    assert response.content.decode().count("Eerstvolgende vrije tijdslot") == count
    return len(queries)


def test_the_slots_of_ten_results_take_a_few_queries_each(client, staff_user, time_machine):
    # given: ten machines, and the page warmed up (session, index) with one of them
    time_machine.move_to(NOW, tick=False)
    facility, machines = machine_park(10)
    client.force_login(staff_user)
    Resource.objects.exclude(pk=machines[0].pk).update(is_active=False)
    for machine in machines[1:]:
        machine.refresh_from_db()
        facility_services.sync_offering(machine)
    one = queries_for_results(client, 1)

    # when: all ten are active
    Resource.objects.update(is_active=True)
    for machine in machines[1:]:
        machine.refresh_from_db()
        facility_services.sync_offering(machine)
    ten = queries_for_results(client, 10)

    # then: the resources are prefetched; each result only costs its own calendar
    # (the facility's opening hours, closures and bookings: 3 queries)
    assert ten - one <= 9 * 3
