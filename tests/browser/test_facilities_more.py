"""The facility pages beyond booking, in a real browser: a manager leases a free unit to a
candidate from the waiting list, works the week on the desk and exports usage, renews the secret
calendar addresses; agency staff read the figures dashboard and export it."""

import csv
import datetime as dt
import io
import re
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
    Lease,
    OpeningHours,
    Resource,
    WaitingListEntry,
)
from schakel.register.models import Organisation, OrganisationType

from .conftest import login, use_english

PASSWORD = "Correct-Horse-42"
BXL = ZoneInfo("Europe/Brussels")
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BXL)


def last_weeks_tuesday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 6)


def first_of_next_month() -> dt.date:
    today = timezone.localdate()
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@pytest.fixture
def world(django_user_model):
    today = timezone.localdate()
    operator = Organisation.objects.create(
        name="POM West-Vlaanderen", type=OrganisationType.FACILITY_OPERATOR
    )
    vlasbloem = Organisation.objects.create(
        name="Vlasbloem Kunststoffen",
        type=OrganisationType.COMPANY,
        enterprise_number="0417497106",
        size_class="small",
    )
    zeebries = Organisation.objects.create(
        name="Zeebries Voeding", type=OrganisationType.COMPANY, enterprise_number="0403170701"
    )
    polderhout = Organisation.objects.create(
        name="Polderhout Ontwerp", type=OrganisationType.COMPANY, enterprise_number="0412345614"
    )
    lab = Facility.objects.create(
        kind="test_facility",
        name="Circular Materials Center",
        external_id="test-cmc",
        operator=operator,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            facility=lab, weekday=weekday, opens=dt.time(8), closes=dt.time(18)
        )
    extruder = Resource.objects.create(
        facility=lab,
        kind="equipment",
        name="Dubbelschroefextruder",
        external_id="cmc-extruder",
        sme_hour=Decimal("40"),
        standard_hour=Decimal("60"),
    )
    centre = Facility.objects.create(
        kind="business_centre",
        name="Ondernemerscentrum Brugge",
        external_id="oc-brugge",
        operator=operator,
        starter_max_stay_months=36,
    )
    units = {
        name: Resource.objects.create(
            facility=centre,
            kind=kind,
            name=name,
            external_id=slug,
            is_bookable=False,
            is_leasable=True,
            floor_area_m2=Decimal(area),
            monthly_price=Decimal(price),
        )
        for name, slug, kind, area, price in (
            ("Kantoor 1.01", "ocb-101", "office", "24", "480"),
            ("Kantoor 1.02", "ocb-102", "office", "30", "600"),
            ("Atelier A", "ocb-a", "workshop", "120", "1100"),
        )
    }
    # Vlasbloem rents office 1.01; its lease ends within the centre's warning window.
    current = services.create_lease(
        units["Kantoor 1.01"],
        vlasbloem,
        today - dt.timedelta(days=180),
        today + dt.timedelta(days=60),
        Decimal("480"),
        None,
    )
    waiting = services.add_to_waiting_list(
        centre, zeebries, "office", None, needs="Kantoor voor drie mensen", min_area_m2=20
    )
    manager = django_user_model.objects.create_user(
        username="sofie", password=PASSWORD, role="staff", first_name="Sofie", is_staff=True
    )
    FacilityManager.objects.create(user=manager, facility=lab)
    FacilityManager.objects.create(user=manager, facility=centre)
    founder = django_user_model.objects.create_user(
        username="jonas", password=PASSWORD, role="company", first_name="Jonas"
    )
    founder.mandates.create(organisation=polderhout)
    django_user_model.objects.create_user(
        username="lotte", password=PASSWORD, role="staff", first_name="Lotte", is_staff=True
    )
    # Last week's Tuesday, 09:00-11:00, SME tariff: € 80.00 excl. VAT; booked the day before.
    used_day = last_weeks_tuesday()
    used = services.create_booking(
        extruder,
        vlasbloem,
        at(used_day, 9),
        at(used_day, 11),
        manager,
        now=at(used_day - dt.timedelta(days=1), 12),
    )
    return {
        "extruder": extruder,
        "units": units,
        "current": current,
        "waiting": waiting,
        "used": used,
        "zeebries": zeebries,
    }


def test_manager_leases_a_free_unit_to_the_first_candidate_of_the_waiting_list(checked_page, world):
    # given the manager of the business centre on the lease list (in English)
    use_english(checked_page)
    login(checked_page, "sofie", PASSWORD)
    page = checked_page.goto("/facilities/leases/")

    # then the lease that ends soon is announced
    expect(page.locator("#warnings-heading + ul")).to_contain_text(
        "The lease of Vlasbloem Kunststoffen for Kantoor 1.01 ends on"
    )
    # and the free office proposes the company waiting for an office; the workshop has nobody;
    # the office whose lease ends within 90 days is proposed too, from the day after the lease
    free = page.locator("section[aria-labelledby=free-heading] tbody tr")
    expect(free).to_have_count(3)
    soon = free.filter(has_text="Kantoor 1.01")
    expect(soon.locator("td").nth(2)).to_have_text(
        f"{world['current'].ends_on + dt.timedelta(days=1):%d/%m/%Y}"
    )
    expect(soon.locator("td").nth(3)).to_contain_text("Zeebries Voeding")
    office = free.filter(has_text="Kantoor 1.02")
    candidates = office.locator("td").nth(3).get_by_role("listitem")
    expect(candidates).to_have_count(1)
    expect(candidates.first).to_contain_text("Zeebries Voeding")
    expect(free.filter(has_text="Atelier A").locator("td").nth(3)).to_have_text("—")

    # when she offers the office to that candidate
    office.get_by_role("button", name="Offer Kantoor 1.02 to Zeebries Voeding").click()

    # then the centre's waiting list shows the offer
    centre_id = world["units"]["Kantoor 1.02"].facility_id
    page.wait_for_url(f"**/facilities/centres/{centre_id}/waiting-list/")
    expect(page.get_by_role("alert").or_(page.locator(".alert"))).to_contain_text("Unit offered.")
    row = page.locator("#waiting-entries tbody tr").filter(has_text="Zeebries Voeding")
    expect(row).to_contain_text("unit offered: Kantoor 1.02")
    world["waiting"].refresh_from_db()
    assert world["waiting"].status == "offered"

    # when she puts another company on the list for a workshop
    page.select_option("#id_unit_kind", "workshop")
    page.fill("#id_needs", "Werkplaats met poort voor meubelmakerij")
    page.fill("#id_min_area_m2", "80")
    page.fill("#id_company_number", "0412.345.614")
    page.get_by_role("button", name="Add", exact=True).click()

    # then it is listed second, after the earlier request
    expect(page.locator(".alert")).to_contain_text("Added to the waiting list.")
    rows = page.locator("#waiting-entries tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Polderhout Ontwerp")
    expect(rows.nth(1)).to_contain_text("workshop")
    added = WaitingListEntry.objects.get(company__name="Polderhout Ontwerp")
    assert (added.unit_kind, added.min_area_m2, added.status) == ("workshop", 80, "waiting")

    # when she draws up the lease for the office through the form
    checked_page.goto("/facilities/leases/")
    page.get_by_role("link", name="New lease").click()
    page.wait_for_url("**/facilities/leases/new/")
    starts_on = first_of_next_month()
    ends_on = starts_on.replace(year=starts_on.year + 2) - dt.timedelta(days=1)
    page.select_option("#id_unit", label="Kantoor 1.02 (Ondernemerscentrum Brugge)")
    page.fill("#id_company_number", "BE 0403.170.701")
    page.fill("#id_starts_on", starts_on.isoformat())
    page.fill("#id_ends_on", ends_on.isoformat())
    page.fill("#id_monthly_rent", "600")
    page.fill("#id_deposit", "1800")
    page.get_by_role("button", name="Save").click()

    # then it is saved and listed, and the company has left the waiting list
    page.wait_for_url("**/facilities/leases/")
    expect(page.locator(".alert")).to_contain_text("Lease saved.")
    listed = page.locator("section[aria-labelledby=leases-heading] tbody tr").filter(
        has_text="Zeebries Voeding"
    )
    expect(listed).to_contain_text("Kantoor 1.02")
    expect(listed).to_contain_text(f"{starts_on:%d/%m/%Y} – {ends_on:%d/%m/%Y}")
    expect(listed).to_contain_text("€ 600,00")
    expect(listed).to_contain_text("€ 1800,00")
    lease = Lease.objects.get(company=world["zeebries"])
    assert (lease.unit, lease.starts_on, lease.ends_on, lease.monthly_rent) == (
        world["units"]["Kantoor 1.02"],
        starts_on,
        ends_on,
        Decimal("600.00"),
    )
    world["waiting"].refresh_from_db()
    assert world["waiting"].status == "placed"

    # when she tries to lease office 1.01 while Vlasbloem still rents it
    page.get_by_role("link", name="New lease").click()
    page.select_option("#id_unit", label="Kantoor 1.01 (Ondernemerscentrum Brugge)")
    page.fill("#id_company_number", "0412345614")
    page.fill("#id_starts_on", timezone.localdate().isoformat())
    page.fill("#id_ends_on", starts_on.isoformat())
    page.fill("#id_monthly_rent", "480")
    page.get_by_role("button", name="Save").click()

    # then the form refuses it and nothing was saved
    expect(page.locator("#form-errors")).to_contain_text(
        "The unit is already leased for (part of) this period."
    )
    assert Lease.objects.filter(unit=world["units"]["Kantoor 1.01"]).count() == 1

    # when she ends Vlasbloem's lease early, at the end of this month
    last_day = first_of_next_month() - dt.timedelta(days=1)
    checked_page.goto("/facilities/leases/")
    current = page.locator("section[aria-labelledby=leases-heading] tbody tr").filter(
        has_text="Vlasbloem Kunststoffen"
    )
    current.get_by_label("Last day of the lease of Vlasbloem Kunststoffen").fill(
        last_day.isoformat()
    )
    page.once("dialog", lambda dialog: dialog.accept())
    current.get_by_role("button", name="End early").click()

    # then the lease is terminated on that day
    expect(page.locator(".alert")).to_contain_text("Lease ended")
    expect(current).to_contain_text("terminated early")
    world["current"].refresh_from_db()
    assert (world["current"].status, world["current"].ends_on) == ("terminated", last_day)

    # when the founder of Polderhout Ontwerp looks at the centre's waiting list
    page.context.clear_cookies()
    use_english(checked_page)
    login(checked_page, "jonas", PASSWORD)
    checked_page.goto(f"/facilities/centres/{centre_id}/waiting-list/")

    # then she sees only her own company's entry, and can take it off the list
    rows = page.locator("#waiting-entries tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Polderhout Ontwerp")
    rows.first.get_by_role("button", name="Remove").click()
    expect(page.locator(".alert")).to_contain_text("Removed from the waiting list.")
    expect(page.locator("#waiting-entries tbody tr")).to_have_text(["Nobody is waiting."])
    assert WaitingListEntry.objects.get(company__name="Polderhout Ontwerp").status == "withdrawn"


def test_manager_works_the_week_exports_usage_and_renews_the_calendar_feeds(checked_page, world):
    used_day = last_weeks_tuesday()
    monday = used_day - dt.timedelta(days=1)
    # given the facility manager on her desk (in English)
    use_english(checked_page)
    login(checked_page, "sofie", PASSWORD)
    page = checked_page.goto("/facilities/manage/")

    # when she switches to the week view and goes back one week
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page.locator("#day-heading")).to_contain_text("Week of")
    page.get_by_role("link", name="Previous").click()

    # then last week's booking is listed under its day
    expect(page.locator("#day-heading")).to_have_text(f"Week of {monday:%d/%m/%Y}")
    row = page.locator("section[aria-labelledby=day-heading] tbody tr").filter(
        has_text="Dubbelschroefextruder"
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("09:00–11:00")
    expect(row).to_contain_text("Vlasbloem Kunststoffen")

    # when she records the minutes used
    row.get_by_label("Used (minutes)").fill("110")
    row.get_by_role("button", name="Record usage").click()

    # then the booking is completed with its usage, and she stays on that week
    expect(page.locator(".alert")).to_contain_text("Usage recorded.")
    expect(page.locator("#day-heading")).to_have_text(f"Week of {monday:%d/%m/%Y}")
    used = Booking.objects.get(pk=world["used"].pk)
    assert (used.status, used.used_minutes) == ("completed", 110)

    # when she exports the usage from that Monday until today as CSV
    page.fill("#id_start", monday.isoformat())
    page.fill("#id_end", timezone.localdate().isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV", exact=True).click()

    # then the invoicing line has the enterprise number, resource, period, tariff and amounts
    download = download_info.value
    assert download.suggested_filename == f"usage-{monday}-{timezone.localdate()}.csv"
    with open(download.path(), encoding="utf-8") as handle:
        lines = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    assert lines[0] == [
        "Booking",
        "Company",
        "Enterprise number",
        "Facility",
        "Resource",
        "Start",
        "End",
        "Hours",
        "Status",
        "Tariff",
        "Price detail",
        "Amount excl. VAT",
        "VAT",
        "Amount incl. VAT",
    ]
    assert len(lines) == 2
    line = lines[1]
    assert line[:8] == [
        str(used.pk),
        "Vlasbloem Kunststoffen",
        "0417.497.106",
        "Circular Materials Center",
        "Dubbelschroefextruder",
        f"{used_day} 09:00",
        f"{used_day} 11:00",
        "2.00",
    ]
    assert line[9] == "SME"
    assert line[11:] == ["80.00", "16.80", "96.80"]

    # when she opens her calendar feeds and reads her secret address
    checked_page.goto("/facilities/calendar/")
    old_url = page.locator("#my-feed").input_value()
    first = page.request.get(old_url)
    assert first.status == 200
    assert first.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in first.text()
    assert "Dubbelschroefextruder" in first.text()

    # and renews it
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Renew the address").click()

    # then the page shows a new address that works, and the old one no longer does
    expect(page.locator(".alert")).to_contain_text("the old one no longer works")
    expect(page.locator("#my-feed")).not_to_have_value(old_url)
    new_url = page.locator("#my-feed").input_value()
    assert new_url.startswith(checked_page.base_url + "/facilities/ics/user/")
    assert page.request.get(old_url).status == 404
    assert "Dubbelschroefextruder" in page.request.get(new_url).text()

    # when she renews the extruder's own feed
    resource_feed = page.locator(f"#feed-{world['extruder'].pk}")
    old_resource_url = resource_feed.input_value()
    assert page.request.get(old_resource_url).status == 200
    page.locator("tr").filter(has=resource_feed).get_by_role("button", name="Renew").click()

    # then that address changes too and the old one stops working
    expect(page.locator(".alert")).to_contain_text("the old one no longer works")
    expect(resource_feed).not_to_have_value(old_resource_url)
    assert page.request.get(old_resource_url).status == 404
    assert page.request.get(resource_feed.input_value()).status == 200


CHARTS = ("occupancy", "utilisation", "clusters", "regions", "revenue")


def test_staff_read_the_figures_with_charts_and_export_them(checked_page, world):
    this_month = timezone.localdate().strftime("%Y-%m")
    # given agency staff (not a facility manager), in English
    use_english(checked_page)
    login(checked_page, "lotte", PASSWORD)

    # when she opens the figures dashboard
    page = checked_page.goto("/facilities/figures/")

    # then each chart is drawn on its canvas from the figures
    for name in CHARTS:
        expect(page.locator(f"canvas[data-chart={name}]")).to_have_attribute(
            "style", re.compile("display: block")
        )
    drawn = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("canvas[data-chart]"))
            .map((canvas) => { const chart = window.Chart.getChart(canvas);
                return [canvas.dataset.chart, chart && canvas.width > 0 ?
                    {labels: chart.data.labels, data: chart.data.datasets.map((s) => s.data)}
                    : null]; }))"""
    )
    assert drawn["utilisation"]["labels"] == ["Dubbelschroefextruder"]
    assert drawn["revenue"] == {"labels": ["Circular Materials Center"], "data": [[80]]}
    assert drawn["clusters"] == {"labels": ["none"], "data": [[1]]}
    assert drawn["occupancy"]["labels"][-1] == this_month
    assert drawn["occupancy"]["data"][0][-1] == 13.8  # 24 of 174 m² rented

    # and the tables give the numbers (in the Belgian format)
    occupancy = page.locator("table").nth(0).locator("tbody tr").filter(has_text=this_month)
    expect(occupancy.locator("td")).to_have_text(
        ["Ondernemerscentrum Brugge", this_month, "24,0", "174,0", "13,8"]
    )
    revenue = page.locator("table").nth(4).locator("tbody tr")
    expect(revenue.locator("td")).to_have_text(["Circular Materials Center", "80,00"])

    # when she exports the figures as CSV
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()

    # then the file holds the same tables
    with open(download_info.value.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert ["Ondernemerscentrum Brugge", this_month, "24.0", "174.0", "13.8"] in rows
    revenue_title = rows.index(["Revenue per facility (excl. VAT)"])
    assert rows[revenue_title + 1 : revenue_title + 3] == [
        ["Facility", "Amount excl. VAT"],
        ["Circular Materials Center", "80.00"],
    ]
