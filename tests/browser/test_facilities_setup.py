"""The set-up screens in a real browser: a facility manager adds a machine with its tariffs,
opens the facility on Saturday mornings and closes it for a day, and the machine's availability
(what companies book against) follows at once. Axe checks every page it loads, error states
included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schakel.facilities.models import Facility, FacilityManager, OpeningHours, Resource
from schakel.register.models import Organisation, OrganisationType

from .conftest import login, use_english

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def next_weekday(weekday: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


@pytest.fixture
def facility(django_user_model):
    operator = Organisation.objects.create(
        name="Centexbel", type=OrganisationType.FACILITY_OPERATOR
    )
    facility = Facility.objects.create(
        kind="test_facility",
        name="Circular Materials Center",
        external_id="t-cmc",
        operator=operator,
        closed_on_public_holidays=False,
    )
    for day in range(5):
        OpeningHours.objects.create(
            facility=facility, weekday=day, opens=dt.time(8), closes=dt.time(18)
        )
    manager = django_user_model.objects.create_user(
        username="mgr", password=PASSWORD, role="staff", is_staff=True
    )
    FacilityManager.objects.create(user=manager, facility=facility)
    return facility


def open_periods(checked, resource: Resource, day: dt.date) -> list[dict]:
    """The machine's open time that day, as the booking API tells companies."""
    answer = checked.page.request.get(
        f"{checked.base_url}/api/v1/resources/{resource.pk}/availability/"
        f"?from={day.isoformat()}&to={(day + dt.timedelta(days=1)).isoformat()}"
    )
    assert answer.status == 200
    return answer.json()["open"]


def test_a_manager_sets_up_a_machine_its_hours_and_a_closure(checked_page, facility):
    use_english(checked_page)
    page = login(checked_page, "mgr", PASSWORD)
    base = f"/facilities/manage/facilities/{facility.pk}/"

    # a new machine with its tariffs; a bad specification line is refused first
    page = checked_page.goto(base + "resources/new/")
    page.select_option("#id_kind", "equipment")
    page.fill("#id_name", "Twin-screw extruder")
    page.fill("#id_specifications", "no colon here")
    page.fill("#id_sme_hour", "40")
    page.fill("#id_standard_hour", "60")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#id_specifications_error")).to_be_visible()
    assert not Resource.objects.filter(name="Twin-screw extruder").exists()
    page.fill("#id_specifications", "screw diameter: 27 mm\nthroughput: 20 kg/h")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    machine = Resource.objects.get(name="Twin-screw extruder")
    assert (machine.sme_hour, machine.standard_hour) == (Decimal("40"), Decimal("60"))
    assert machine.offering is not None  # it is in the catalogue

    # open on Saturday morning too: a closing time before the opening time is refused first
    saturday = next_weekday(5)
    assert open_periods(checked_page, machine, saturday) == []
    page = checked_page.goto(base + "hours/")
    rows = page.locator("#opening-hours tbody tr")
    blank = rows.count() - 3  # the three blank lines at the end
    page.select_option(f"#id_hours-{blank}-weekday", "5")
    page.fill(f"#id_hours-{blank}-opens", "09:00")
    page.fill(f"#id_hours-{blank}-closes", "08:00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert not OpeningHours.objects.filter(facility=facility, weekday=5).exists()
    page.fill(f"#id_hours-{blank}-closes", "12:00")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    [saturday_hours] = open_periods(checked_page, machine, saturday)
    assert saturday_hours["start"].startswith(f"{saturday.isoformat()}T09:00:00")
    assert saturday_hours["end"].startswith(f"{saturday.isoformat()}T12:00:00")

    # closed next Tuesday for maintenance: the day has no open time left
    tuesday = next_weekday(1)
    assert open_periods(checked_page, machine, tuesday) != []
    page = checked_page.goto(base + "closures/")
    page.fill("#id_starts_on", tuesday.isoformat())
    page.fill("#id_ends_on", tuesday.isoformat())
    page.fill("#id_reason", "Maintenance")
    page.get_by_role("button", name="Add the closure").click()
    expect(page.locator("#closures")).to_contain_text("Maintenance")
    assert open_periods(checked_page, machine, tuesday) == []

    # the machine's page shows what companies see, with the manager's set-up links
    page = checked_page.goto(f"/facilities/resources/{machine.pk}/")
    expect(page.locator("main")).to_contain_text("Twin-screw extruder")
    expect(page.locator("main")).to_contain_text("27 mm")
