"""Leases, continued: units that come free soon propose candidates, the managers are told when a
unit comes free (on an early end and from the daily run, once), company users find their leases
and their real place on the waiting lists, and who may do what (a matrix)."""

import datetime as dt
from decimal import Decimal

import pytest

from schakel.core.models import OutgoingEmail
from schakel.facilities import jobs, services
from schakel.facilities.models import (
    Facility,
    FacilityKind,
    FacilityManager,
    Lease,
    Resource,
    WaitingListEntry,
    WaitingStatus,
)
from schakel.register.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)  # the `now` fixture: Monday 2 March 2026


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture
def centre(operator):
    return Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE,
        name="Ondernemerscentrum Brugge",
        external_id="ocb",
        operator=operator,
        contact_email="ocb@example.be",
        lease_warning_days=180,
    )


@pytest.fixture
def other_centre(operator):
    return Facility.objects.create(
        kind=FacilityKind.BUSINESS_CENTRE,
        name="Werkpand Izegem",
        external_id="izegem",
        operator=operator,
    )


def unit(centre, name, area="30", price="600", kind="office"):
    return Resource.objects.create(
        facility=centre,
        kind=kind,
        name=name,
        external_id=f"{centre.external_id}-{name.lower().replace(' ', '-')}",
        is_bookable=False,
        is_leasable=True,
        floor_area_m2=Decimal(area),
        monthly_price=Decimal(price),
    )


def lease(u, company, first, last, actor=None):
    return services.create_lease(u, company, first, last, u.monthly_price, actor)


def company(name, number=""):
    return Organisation.objects.create(
        name=name, type=OrganisationType.COMPANY, enterprise_number=number or None
    )


@pytest.fixture
def centre_manager(make_user, partner_org, centre):
    user = make_user("centremanager", "partner", partner_organisation=partner_org, language="fr")
    FacilityManager.objects.create(user=user, facility=centre)
    return user


@pytest.fixture
def other_manager(make_user, partner_org, other_centre):
    user = make_user("izegemmanager", "partner", partner_organisation=partner_org)
    FacilityManager.objects.create(user=user, facility=other_centre)
    return user


@pytest.fixture
def company_b_user(make_user, company_b):
    user = make_user("companyb", "company")
    user.mandates.create(organisation=company_b)
    return user


def emails_to(address):
    return list(OutgoingEmail.objects.filter(to=address).order_by("id"))


# --- units free soon --------------------------------------------------------------------


def test_units_free_now_or_within_the_horizon_propose_candidates_with_their_free_day(
    now, centre, company_a, company_b
):
    # given four offices: one free, one whose lease ends in 30 days, one whose lease ends in
    # 30 days but is followed directly by another lease, one leased for a year
    free = unit(centre, "1.01")
    ending = unit(centre, "1.02")
    followed = unit(centre, "1.03")
    taken = unit(centre, "1.04")
    starter = company("Zeebries Voeding")
    lease(ending, company_a, day(-200), day(30))
    lease(followed, company_b, day(-200), day(30))
    lease(followed, company("Vlasbloem"), day(31), day(400))
    lease(taken, company("Polderhout"), day(-10), day(365))
    services.add_to_waiting_list(centre, starter, "office", None, min_area_m2=Decimal("20"))
    services.add_to_waiting_list(centre, company("Te groot"), "office", None, min_area_m2=50)

    # when the units free soon are listed
    listed = services.units_free_soon([centre], TODAY)

    # then the free office comes first (now), the ending one from the day after its lease
    assert [(i["unit"], i["free_from"], i["free_now"]) for i in listed] == [
        (free, TODAY, True),
        (ending, day(31), False),
    ]
    assert [[e.company for e in i["candidates"]] for i in listed] == [[starter], [starter]]
    # and the horizon is a parameter: 20 days leave the ending office out
    assert [i["unit"] for i in services.units_free_soon([centre], TODAY, within_days=20)] == [free]


def test_lease_list_shows_the_unit_free_soon_with_its_day_and_a_lease_link(
    now, client, centre, centre_manager, company_a
):
    # given an office whose lease ends in 30 days and a company waiting for an office
    office = unit(centre, "1.02")
    lease(office, company_a, day(-200), day(30))
    starter = company("Zeebries Voeding", "0403170701")
    services.add_to_waiting_list(centre, starter, "office", None)
    client.force_login(centre_manager)

    # when the manager opens the lease list
    page = client.get("/facilities/leases/")

    # then the office is proposed with its free day, the candidate and a prefilled lease link
    assert page.status_code == 200
    free = page.context["free_units"]
    assert [(i["unit"], i["free_from"]) for i in free] == [(office, day(31))]
    html = page.content.decode()
    assert "02/04/2026" in html
    assert (
        f"/facilities/leases/new/?unit={office.pk}&amp;company_number=0403170701"
        "&amp;starts_on=2026-04-02"
    ) in html
    # and the link prefills the lease form
    form = client.get(
        f"/facilities/leases/new/?unit={office.pk}&company_number=0403170701&starts_on=2026-04-02"
    )
    assert form.context["form"]["starts_on"].value() == "2026-04-02"
    assert str(form.context["form"]["unit"].value()) == str(office.pk)


def test_waiting_list_page_proposes_the_centres_units_to_its_manager_only(
    now, client, centre, centre_manager, company_user, company_a
):
    office = unit(centre, "1.02")
    lease(office, company("Vlasbloem"), day(-200), day(30))
    services.add_to_waiting_list(centre, company_a, "office", None)

    client.force_login(centre_manager)
    managed = client.get(f"/facilities/centres/{centre.pk}/waiting-list/")
    client.force_login(company_user)
    own = client.get(f"/facilities/centres/{centre.pk}/waiting-list/")

    assert [i["unit"] for i in managed.context["free_units"]] == [office]
    assert own.context["free_units"] == []
    assert "Vlasbloem" not in own.content.decode()


# --- the managers are told --------------------------------------------------------------


def test_ending_a_lease_early_tells_the_managers_with_the_first_candidates_in_order(
    now, centre, centre_manager, admin_user, company_a
):
    # given a leased workshop and four companies waiting, one of which it does not suit
    workshop = unit(centre, "Atelier A", area="120", price="1100", kind="workshop")
    made = lease(workshop, company_a, day(-300), day(400))
    names = ["Eerste", "Tweede", "Te klein", "Derde", "Vierde"]
    for name in names:
        services.add_to_waiting_list(
            centre,
            company(name),
            "workshop",
            None,
            min_area_m2=Decimal("200") if name == "Te klein" else None,
            needs=f"needs of {name}",
        )

    # when the lease is ended early
    services.terminate_lease(made, day(27), admin_user)

    # then the centre address (Dutch) and its manager (French) each get one e-mail
    (to_centre,) = emails_to("ocb@example.be")
    (to_manager,) = emails_to("centremanager@example.be")
    assert to_centre.subject == "Atelier A in Ondernemerscentrum Brugge is vrij vanaf 30/03/2026"
    assert to_manager.language == "fr"
    assert "30/03/2026" in to_manager.subject
    # with the first three candidates that fit, in the order of the list
    body = to_centre.body
    assert body.index("1. Eerste") < body.index("2. Tweede") < body.index("3. Derde")
    assert "Te klein" not in body
    assert "Vierde" not in body
    assert "Alfa Metaal" in body
    assert f"/facilities/centres/{centre.pk}/waiting-list/" in body
    assert OutgoingEmail.objects.count() == 2


def test_a_unit_nobody_waits_for_is_announced_without_candidates(
    now, centre, centre_manager, admin_user, company_a
):
    office = unit(centre, "1.02")
    made = lease(office, company_a, day(-30), day(300))

    services.terminate_lease(made, day(10), admin_user)

    (to_centre,) = emails_to("ocb@example.be")
    assert "Niemand op de wachtlijst vraagt een ruimte zoals deze." in to_centre.body


@pytest.fixture
def followed_lease(centre, company_a, company_b):
    office = unit(centre, "1.02")
    first = lease(office, company_a, day(-30), day(40))
    lease(office, company_b, day(41), day(500))
    return first


def test_a_unit_another_lease_follows_directly_is_not_announced(
    now, centre, centre_manager, followed_lease
):
    assert services.tell_managers_unit_free(followed_lease) is False
    assert not OutgoingEmail.objects.exists()


def test_the_daily_run_tells_about_units_coming_free_once(
    now, centre, centre_manager, company_a, company_b, followed_lease
):
    # given a lease ending in 60 days, one ending in 120 days, and one followed by another lease
    soon = lease(unit(centre, "2.01"), company_a, day(-100), day(60))
    lease(unit(centre, "2.02"), company_b, day(-100), day(120))

    # when the daily run goes twice
    first = services.tell_managers_units_free_soon(TODAY)
    second = services.tell_managers_units_free_soon(TODAY)

    # then only the lease ending within 90 days was told, once, to both addresses
    assert (first, second) == (1, 0)
    assert [e.subject for e in emails_to("ocb@example.be")] == [
        "2.01 in Ondernemerscentrum Brugge is vrij vanaf 02/05/2026"
    ]
    assert OutgoingEmail.objects.count() == 2
    # and an early end afterwards is news (the unit is free sooner), told once more
    services.terminate_lease(soon, day(20), centre_manager)
    assert services.tell_managers_units_free_soon(TODAY) == 0
    assert [e.subject for e in emails_to("ocb@example.be")][-1].endswith("vrij vanaf 23/03/2026")
    assert OutgoingEmail.objects.count() == 4


def test_an_early_end_is_not_told_again_by_the_daily_run(now, centre, centre_manager, company_a):
    made = lease(unit(centre, "2.01"), company_a, day(-100), day(300))
    services.terminate_lease(made, day(14), centre_manager)

    assert services.tell_managers_units_free_soon(TODAY) == 0
    assert services.tell_managers_units_free_soon(day(14)) == 0
    assert OutgoingEmail.objects.filter(to="ocb@example.be").count() == 1


def test_the_daily_job_includes_the_units_coming_free(now, centre, centre_manager, company_a):
    lease(unit(centre, "2.01"), company_a, day(-100), day(60))

    first = jobs.daily(None)
    second = jobs.daily(None)

    assert (first["units_free"], second["units_free"]) == (1, 0)
    # (the manager gets the lease warning and one unit-free notice, in French)
    assert [e.subject for e in emails_to("centremanager@example.be")][-1] == (
        "2.01 à Ondernemerscentrum Brugge est libre à partir du 02/05/2026"
    )
    assert OutgoingEmail.objects.filter(subject__contains="02/05/2026").count() == 2


def test_the_daily_command_tells_about_units_coming_free(now, centre, centre_manager, company_a):
    from io import StringIO

    from django.core.management import call_command

    lease(unit(centre, "2.01"), company_a, day(-100), day(60))
    out = StringIO()

    call_command("facilities", "daily", stdout=out)

    assert "1 units coming free told to their managers" in out.getvalue()
    assert OutgoingEmail.objects.filter(subject__contains="02/05/2026").count() == 2


# --- company users ----------------------------------------------------------------------


def test_company_user_finds_its_leases_and_its_real_place_on_the_waiting_lists(
    now, client, centre, other_centre, company_user, company_a, company_b
):
    # given a lease of each company and three companies waiting for an office before company A
    lease(unit(centre, "1.01"), company_a, day(-30), day(300))
    lease(unit(centre, "1.02"), company_b, day(-30), day(300))
    for name in ("Eerste", "Tweede"):
        services.add_to_waiting_list(centre, company(name), "office", None)
    services.add_to_waiting_list(centre, company_b, "office", None)
    services.add_to_waiting_list(centre, company("Werkplaats"), "workshop", None)
    mine = services.add_to_waiting_list(centre, company_a, "office", None, needs="2 bureaus")
    services.add_to_waiting_list(centre, company_a, "workshop", None)
    client.force_login(company_user)

    # when the company user goes from the infrastructure page to "my leases"
    start = client.get("/facilities/").content.decode()
    page = client.get("/facilities/leases/")

    # then the links are there, and only its own lease and entries are shown, with real places
    assert 'href="/facilities/leases/"' in start
    assert 'href="/facilities/leases/#waiting-lists"' in start
    assert [lease.company for lease in page.context["page"]] == [company_a]
    assert [(e.unit_kind, e.position) for e in page.context["my_entries"]] == [
        ("office", 4),
        ("workshop", 2),
    ]
    html = page.content.decode()
    for name in ("Bèta Voeding", "Eerste", "Tweede", "Werkplaats"):
        assert name not in html
    assert f"/facilities/centres/{other_centre.pk}/waiting-list/" in html
    assert page.context["free_units"] == []
    assert page.context["warnings"] == []

    # and the centre's waiting list shows its entries with their real place, nobody else's
    waiting = client.get(f"/facilities/centres/{centre.pk}/waiting-list/")
    assert [(e.pk, e.position) for e in waiting.context["entries"]][0] == (mine.pk, 4)
    assert [e.company for e in waiting.context["entries"]] == [company_a, company_a]
    assert "Eerste" not in waiting.content.decode()


def test_company_user_signs_up_its_own_company_with_its_needs(
    now, client, centre, company_user, company_a, company_b
):
    client.force_login(company_user)

    response = client.post(
        f"/facilities/centres/{centre.pk}/waiting-list/",
        {
            "unit_kind": "workshop",
            "needs": "Poort voor een bestelwagen",
            "min_area_m2": "80",
            "wanted_from": "2026-06-01",
            # a company user cannot put another company on the list
            "company_number": company_b.enterprise_number,
        },
    )

    assert response.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.company, entry.unit_kind, entry.min_area_m2, entry.wanted_from) == (
        company_a,
        "workshop",
        Decimal("80.0"),
        dt.date(2026, 6, 1),
    )
    assert entry.needs == "Poort voor een bestelwagen"
    # signing up twice for the same unit type is refused
    again = client.post(
        f"/facilities/centres/{centre.pk}/waiting-list/", {"unit_kind": "workshop"}, follow=True
    )
    assert WaitingListEntry.objects.count() == 1
    assert "already on the waiting list" in again.content.decode() or "al op de wachtlijst" in (
        again.content.decode()
    )


# --- who may do what ----------------------------------------------------------------------


@pytest.fixture
def world(centre, company_a, company_b):
    office_a, office_b = unit(centre, "1.01"), unit(centre, "1.02")
    spare = unit(centre, "1.03")
    return {
        "lease_a": lease(office_a, company_a, day(-30), day(300)),
        "lease_b": lease(office_b, company_b, day(-30), day(300)),
        "entry_a": services.add_to_waiting_list(centre, company_a, "workshop", None),
        "entry_b": services.add_to_waiting_list(centre, company_b, "workshop", None),
        "spare": spare,
    }


ROLES = ["admin", "staff", "centre_manager", "other_manager", "company_a", "company_b"]


@pytest.fixture
def role_user(
    request, admin_user, staff_user, centre_manager, other_manager, company_user, company_b_user
):
    return {
        "admin": admin_user,
        "staff": staff_user,
        "centre_manager": centre_manager,
        "other_manager": other_manager,
        "company_a": company_user,
        "company_b": company_b_user,
    }


@pytest.mark.parametrize(
    ("role", "leases", "entries"),
    [
        ("admin", {"Alfa Metaal", "Bèta Voeding"}, {"Alfa Metaal", "Bèta Voeding"}),
        ("staff", {"Alfa Metaal", "Bèta Voeding"}, {"Alfa Metaal", "Bèta Voeding"}),
        ("centre_manager", {"Alfa Metaal", "Bèta Voeding"}, {"Alfa Metaal", "Bèta Voeding"}),
        ("other_manager", set(), set()),
        ("company_a", {"Alfa Metaal"}, {"Alfa Metaal"}),
        ("company_b", {"Bèta Voeding"}, {"Bèta Voeding"}),
    ],
)
def test_who_sees_which_leases_and_waiting_entries(
    now, client, world, centre, role_user, role, leases, entries
):
    client.force_login(role_user[role])

    lease_page = client.get("/facilities/leases/")
    waiting_page = client.get(f"/facilities/centres/{centre.pk}/waiting-list/")

    assert {lease.company.name for lease in lease_page.context["page"]} == leases
    assert {entry.company.name for entry in waiting_page.context["entries"]} == entries
    # candidates (other companies' names) only for those who see the whole list
    candidates = {
        entry.company.name
        for item in lease_page.context["free_units"]
        for entry in item["candidates"]
    }
    assert candidates <= entries
    if role.startswith("company"):
        other = ({"Alfa Metaal", "Bèta Voeding"} - leases).pop()
        assert other not in lease_page.content.decode()
        assert other not in waiting_page.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 302),
        ("staff", 403),
        ("centre_manager", 302),
        ("other_manager", 404),
        ("company_a", 403),
        ("company_b", 404),
    ],
)
def test_who_may_end_company_as_lease_early(now, client, world, role_user, role, status):
    client.force_login(role_user[role])

    response = client.post(
        f"/facilities/leases/{world['lease_a'].pk}/terminate/", {"ends_on": "2026-03-31"}
    )

    assert response.status_code == status
    lease_a = Lease.objects.get(pk=world["lease_a"].pk)
    if status == 302:
        assert (lease_a.status, lease_a.ends_on) == ("terminated", dt.date(2026, 3, 31))
        assert OutgoingEmail.objects.filter(to="centremanager@example.be").count() == 1
    else:
        assert (lease_a.status, lease_a.ends_on) == ("signed", day(300))
        assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("role", "action", "status", "after"),
    [
        ("admin", "withdraw", 302, WaitingStatus.WITHDRAWN),
        ("staff", "withdraw", 403, WaitingStatus.WAITING),
        ("centre_manager", "withdraw", 302, WaitingStatus.WITHDRAWN),
        ("other_manager", "withdraw", 404, WaitingStatus.WAITING),
        ("company_a", "withdraw", 302, WaitingStatus.WITHDRAWN),
        ("company_b", "withdraw", 404, WaitingStatus.WAITING),
        ("admin", "offer", 302, WaitingStatus.OFFERED),
        ("staff", "offer", 403, WaitingStatus.WAITING),
        ("centre_manager", "offer", 302, WaitingStatus.OFFERED),
        ("other_manager", "offer", 404, WaitingStatus.WAITING),
        ("company_a", "offer", 403, WaitingStatus.WAITING),
        ("company_b", "offer", 404, WaitingStatus.WAITING),
    ],
)
def test_who_may_withdraw_or_offer_company_as_entry(
    now, client, world, role_user, role, action, status, after
):
    client.force_login(role_user[role])

    response = client.post(
        f"/facilities/waiting-list/{world['entry_a'].pk}/{action}/",
        {"unit": world["spare"].pk},
    )

    assert response.status_code == status
    assert WaitingListEntry.objects.get(pk=world["entry_a"].pk).status == after
    assert WaitingListEntry.objects.get(pk=world["entry_b"].pk).status == WaitingStatus.WAITING


@pytest.mark.parametrize(
    ("role", "status", "added"),
    [
        ("admin", 302, True),
        ("staff", 302, True),
        ("centre_manager", 302, True),
        ("other_manager", 403, False),
        ("company_a", 302, True),
    ],
)
def test_who_may_put_a_company_on_the_waiting_list(
    now, client, centre, role_user, company_a, role, status, added
):
    client.force_login(role_user[role])

    response = client.post(
        f"/facilities/centres/{centre.pk}/waiting-list/",
        {"unit_kind": "lab", "company_number": company_a.enterprise_number},
    )

    assert response.status_code == status
    assert WaitingListEntry.objects.filter(company=company_a, unit_kind="lab").exists() == added
