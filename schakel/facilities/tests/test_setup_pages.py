"""Set-up screens: who may edit which facility, resource, opening hours and closures (a matrix
of role x object x action), what is saved, audited and synced to the catalogue, and how bad
input is refused (a translated error on the field, nothing half-written)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from schakel.catalog.models import Offering
from schakel.core.models import AuditEvent
from schakel.facilities import services
from schakel.facilities.models import (
    Closure,
    Facility,
    FacilityKind,
    FacilityManager,
    OpeningHours,
    Resource,
)
from schakel.register.models import Organisation

from .conftest import local

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def partner_manager(make_user, partner_org, facility):
    """A partner's employee who runs the facility (not agency staff)."""
    user = make_user("partnermanager", "partner", partner_organisation=partner_org)
    FacilityManager.objects.create(user=user, facility=facility)
    return user


@pytest.fixture
def other_partner_manager(make_user, partner_org, other_facility):
    user = make_user("otherpartnermanager", "partner", partner_organisation=partner_org)
    FacilityManager.objects.create(user=user, facility=other_facility)
    return user


@pytest.fixture
def closure(facility):
    return Closure.objects.create(
        facility=facility,
        starts_on=dt.date(2026, 8, 1),
        ends_on=dt.date(2026, 8, 15),
        reason="Bouwverlof",
    )


def audit_events(instance, action=None):
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    )
    return events.filter(action=action) if action else events


def facility_data(facility, **changes):
    data = {
        "name": facility.name,
        "kind": facility.kind,
        "operator": facility.operator_id,
        "description": facility.description,
        "address": facility.address,
        "municipality": "",
        "contact_email": facility.contact_email,
        "closed_on_public_holidays": "on",
        "starter_max_stay_months": "",
        "lease_warning_days": facility.lease_warning_days,
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def resource_data(**changes):
    data = {
        "kind": "equipment",
        "name": "Laser cutter",
        "external_id": "",
        "description": "CO2 laser, 1.3 x 0.9 m bed",
        "specifications": "power: 150 W\nbed: 1300 x 900 mm",
        "photo_url": "",
        "is_active": "on",
        "is_bookable": "on",
        "capacity": 1,
        "required_certificate": "",
        "sme_hour": "35.00",
        "standard_hour": "55.00",
        "sme_half_day": "",
        "standard_half_day": "",
        "sme_day": "",
        "standard_day": "",
        "floor_area_m2": "",
        "monthly_price": "",
        "setup_minutes": 10,
        "cleanup_minutes": 15,
        "min_booking_minutes": 60,
        "max_booking_hours": 8,
        "booking_horizon_days": 180,
        "free_cancellation_hours": 48,
        "late_cancellation_percent": 50,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def hours_data(rows, initial=0, resource=None):
    """POST data of the opening-hours formset: `rows` are (weekday, opens, closes, delete);
    `resource`, when given, is the resource of every row."""
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(initial),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, opens, closes, delete) in enumerate(rows):
        data[f"hours-{index}-weekday"] = weekday
        data[f"hours-{index}-opens"] = opens
        data[f"hours-{index}-closes"] = closes
        data[f"hours-{index}-resource"] = resource.pk if resource else ""
        if delete:
            data[f"hours-{index}-DELETE"] = "on"
    return data


def week(facility):
    return [
        (row.weekday, row.opens.strftime("%H:%M"), row.closes.strftime("%H:%M"))
        for row in OpeningHours.objects.filter(facility=facility).order_by("weekday", "opens")
    ]


# --- the matrix: role x object x action ------------------------------------------------

ROLES = {
    "admin": "admin_user",
    "staff": "staff_user",
    "manager": "partner_manager",
    "other_manager": "other_partner_manager",
    "partner": "partner_user",
    "company": "company_user",
}
# Who may set up the facility the `manager` runs (and its resources, hours, closures).
ALLOWED = {"admin", "staff", "manager"}


def _pages(facility, machine, closure):
    base = f"/facilities/manage/facilities/{facility.pk}/"
    return {
        "facility": base,
        "resources": base + "resources/",
        "new resource": base + "resources/new/",
        "resource": base + f"resources/{machine.pk}/",
        "hours": base + "hours/",
        "closures": base + "closures/",
    }


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    "page", ["facility", "resources", "new resource", "resource", "hours", "closures"]
)
def test_who_may_open_the_set_up_pages(request, client, facility, machine, closure, role, page):
    # given
    user = request.getfixturevalue(ROLES[role])
    client.force_login(user)

    # when
    response = client.get(_pages(facility, machine, closure)[page])

    # then
    assert response.status_code == (200 if role in ALLOWED else 404)


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_edit_the_facility(request, client, facility, role):
    # given
    client.force_login(request.getfixturevalue(ROLES[role]))

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/",
        facility_data(facility, name="CMC Oostende", address="Kaai 1"),
    )

    # then
    facility.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert (facility.name, facility.address) == ("CMC Oostende", "Kaai 1")
        event = audit_events(facility, AuditEvent.Action.UPDATE).get()
        assert event.changes["name"] == ["Circular Materials Center", "CMC Oostende"]
    else:
        assert response.status_code == 404
        assert facility.name == "Circular Materials Center"
        assert not audit_events(facility).exists()


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_edit_a_resource(request, client, facility, machine, role):
    # given
    client.force_login(request.getfixturevalue(ROLES[role]))

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/{machine.pk}/",
        resource_data(name="Extruder XL", external_id="cmc-extruder"),
    )

    # then
    machine.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert machine.name == "Extruder XL"
    else:
        assert response.status_code == 404
        assert machine.name == "Extruder"
        assert not audit_events(machine).exists()


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_add_and_remove_closures(request, client, facility, closure, role):
    # given
    client.force_login(request.getfixturevalue(ROLES[role]))
    base = f"/facilities/manage/facilities/{facility.pk}/closures/"

    # when
    added = client.post(base, {"starts_on": "2026-12-24", "ends_on": "2026-12-31", "reason": "X"})
    removed = client.post(base + f"{closure.pk}/delete/")

    # then
    if role in ALLOWED:
        assert (added.status_code, removed.status_code) == (302, 302)
        closure_dates = Closure.objects.values_list("starts_on", "ends_on")
        assert list(closure_dates) == [(dt.date(2026, 12, 24), dt.date(2026, 12, 31))]
    else:
        assert (added.status_code, removed.status_code) == (404, 404)
        assert list(Closure.objects.all()) == [closure]


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_change_opening_hours(request, client, facility, role):
    # given
    client.force_login(request.getfixturevalue(ROLES[role]))
    before = week(facility)

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/hours/",
        hours_data([(0, "07:00", "12:00", False), (0, "13:00", "00:00", False)]),
    )

    # then
    if role in ALLOWED:
        assert response.status_code == 302
        assert week(facility) == [(0, "07:00", "12:00"), (0, "13:00", "00:00")]
    else:
        assert response.status_code == 404
        assert week(facility) == before


def test_a_manager_cannot_reach_another_facility_through_their_own(
    client, facility, other_facility, partner_manager
):
    # given: a resource and a closure of the facility the manager does not run
    cage = Resource.objects.create(
        facility=other_facility, kind="test_space", name="Cage", external_id="cage"
    )
    theirs = Closure.objects.create(
        facility=other_facility, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 1)
    )
    client.force_login(partner_manager)
    own = f"/facilities/manage/facilities/{facility.pk}/"

    # when: the manager's own facility id in the address, the other facility's objects after it
    edit = client.post(own + f"resources/{cage.pk}/", resource_data(name="Mine now"))
    delete = client.post(own + f"closures/{theirs.pk}/delete/")

    # then
    assert (edit.status_code, delete.status_code) == (404, 404)
    cage.refresh_from_db()
    assert cage.name == "Cage"
    assert Closure.objects.filter(pk=theirs.pk).exists()


def test_only_agency_staff_create_facilities(client, operator, partner_manager, staff_user):
    # given
    data = facility_data(
        Facility(name="Haven Zeebrugge", lease_warning_days=180),
        kind=FacilityKind.TERMINAL,
        external_id="zeebrugge-terminal",
        operator=operator.pk,
    )

    # when a facility manager tries
    client.force_login(partner_manager)
    refused = client.post("/facilities/manage/facilities/new/", data)

    # then
    assert refused.status_code == 404
    assert not Facility.objects.filter(external_id="zeebrugge-terminal").exists()

    # when staff try
    client.force_login(staff_user)
    created = client.post("/facilities/manage/facilities/new/", data)

    # then the facility exists, is audited and is in the catalogue
    facility = Facility.objects.get(external_id="zeebrugge-terminal")
    assert created.status_code == 302
    assert created.url == f"/facilities/manage/facilities/{facility.pk}/"
    assert audit_events(facility, AuditEvent.Action.CREATE).count() == 1
    assert facility.offering.kind == "terminal"
    assert facility.offering.provider == operator
    assert facility.offering.title_nl == "Haven Zeebrugge"


def test_the_list_shows_each_user_only_what_they_set_up(
    client, facility, other_facility, partner_manager, staff_user, company_user
):
    client.force_login(partner_manager)
    mine = client.get("/facilities/manage/facilities/")
    assert mine.status_code == 200
    assert [f.pk for f in mine.context["facilities"]] == [facility.pk]
    assert mine.context["may_create"] is False

    client.force_login(staff_user)
    everything = client.get("/facilities/manage/facilities/")
    assert [f.pk for f in everything.context["facilities"]] == [facility.pk, other_facility.pk]
    assert everything.context["may_create"] is True

    client.force_login(company_user)
    assert client.get("/facilities/manage/facilities/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, facility):
    response = client.get(f"/facilities/manage/facilities/{facility.pk}/")

    assert response.status_code == 302
    assert "/login" in response.url


def test_closure_removal_is_post_only(client, facility, closure, partner_manager):
    client.force_login(partner_manager)

    response = client.get(
        f"/facilities/manage/facilities/{facility.pk}/closures/{closure.pk}/delete/"
    )

    assert response.status_code == 405
    assert Closure.objects.filter(pk=closure.pk).exists()


# --- what is saved ----------------------------------------------------------------------


def test_manager_creates_a_resource_that_reaches_the_catalogue(client, facility, partner_manager):
    # given
    client.force_login(partner_manager)

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/new/", resource_data()
    )

    # then
    resource = Resource.objects.get(name="Laser cutter")
    assert response.status_code == 302
    assert response.url == f"/facilities/manage/facilities/{facility.pk}/resources/"
    assert resource.facility == facility
    assert resource.external_id == "cmc-laser-cutter"
    assert resource.specifications == {"power": "150 W", "bed": "1300 x 900 mm"}
    assert (resource.sme_hour, resource.standard_hour) == (Decimal("35.00"), Decimal("55.00"))
    assert (resource.setup_minutes, resource.cleanup_minutes) == (10, 15)
    assert audit_events(resource, AuditEvent.Action.CREATE).get().actor == partner_manager
    offering = Offering.objects.get(external_id="cmc-laser-cutter")
    assert resource.offering == offering
    assert offering.title_nl == "Laser cutter (Circular Materials Center)"
    assert offering.kind == "equipment"
    assert offering.is_archived is False


def test_deactivating_a_resource_archives_its_offering(client, facility, machine, manager):
    # given
    services.sync_offering(machine)
    client.force_login(manager)

    # when
    client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/{machine.pk}/",
        resource_data(name="Extruder", is_active=None),
    )

    # then
    machine.refresh_from_db()
    assert machine.is_active is False
    assert machine.offering.is_archived is True
    assert audit_events(machine, AuditEvent.Action.UPDATE).get().changes["is_active"] == [
        True,
        False,
    ]


def test_manager_cannot_change_kind_operator_or_catalogue_id(client, facility, partner_manager):
    # given: a manager posts fields only staff may set
    client.force_login(partner_manager)
    operator_id = facility.operator_id
    other_operator = Organisation.objects.create(name="Andere", type="other")

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/",
        facility_data(
            facility,
            name="CMC",
            kind="terminal",
            external_id="stolen",
            operator=other_operator.pk,
        ),
    )

    # then: the name changes, the rest is ignored
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.name, facility.kind, facility.external_id, facility.operator_id) == (
        "CMC",
        "test_facility",
        "cmc",
        operator_id,
    )


def test_opening_hours_replace_the_week_and_keep_an_audit_entry(client, facility, manager):
    # given: Monday to Friday 08:00-18:00 (conftest); the manager reads the current table
    client.force_login(manager)
    page = client.get(f"/facilities/manage/facilities/{facility.pk}/hours/", **ENGLISH)
    initial = page.context["formset"].initial
    assert len(initial) == 5

    # when: Friday is removed, Saturday morning added, the others kept
    rows = [(row["weekday"], "08:00", "18:00", row["weekday"] == 4) for row in initial]
    rows.append((5, "09:00", "12:00", False))
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/hours/", hours_data(rows, initial=5)
    )

    # then
    assert response.status_code == 302
    assert week(facility) == [(day, "08:00", "18:00") for day in range(4)] + [(5, "09:00", "12:00")]
    event = audit_events(facility, AuditEvent.Action.UPDATE).get()
    before, after = event.changes["opening_hours"]
    assert "4 08:00-18:00" in before
    assert "4 08:00-18:00" not in after
    assert "5 09:00-12:00" in after


def test_closure_during_bookings_warns_the_manager(client, now, facility, machine, sme, manager):
    # given
    services.create_booking(machine, sme, local(2026, 3, 10, 9), local(2026, 3, 10, 11), manager)
    client.force_login(manager)

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/closures/",
        {"starts_on": "2026-03-09", "ends_on": "2026-03-13", "resource": machine.pk, "reason": ""},
        follow=True,
        **ENGLISH,
    )

    # then
    closure = Closure.objects.get()
    assert (closure.resource, closure.starts_on) == (machine, dt.date(2026, 3, 9))
    assert audit_events(closure, AuditEvent.Action.CREATE).count() == 1
    assert "1 active booking falls in this closure" in response.content.decode()


def test_removing_a_closure_is_audited(client, facility, closure, manager):
    client.force_login(manager)
    pk = closure.pk

    client.post(f"/facilities/manage/facilities/{facility.pk}/closures/{pk}/delete/")

    assert not Closure.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(object_id=str(pk), action=AuditEvent.Action.DELETE)
    assert event.changes["reason"] == ["Bouwverlof", None]


# --- validation: translated, on the field, nothing half-written ----------------------------


def test_closing_before_opening_is_refused_on_the_field_in_dutch(client, facility, manager):
    # given
    client.force_login(manager)
    before = week(facility)

    # when: the first line is fine, the second closes before it opens
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/hours/",
        hours_data([(0, "08:00", "12:00", False), (1, "14:00", "09:00", False)]),
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    # then
    assert response.status_code == 400
    formset = response.context["formset"]
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors["closes"] == [
        "Het sluitingsuur moet na het openingsuur liggen (00:00 betekent middernacht)."
    ]
    assert "Sluit: Het sluitingsuur moet na het openingsuur" in response.content.decode()
    assert week(facility) == before
    assert not audit_events(facility).exists()


def test_overlapping_intervals_are_refused_and_nothing_is_saved(client, facility, manager):
    client.force_login(manager)
    before = week(facility)

    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/hours/",
        hours_data([(2, "08:00", "12:00", False), (2, "11:00", "15:00", False)]),
        **ENGLISH,
    )

    assert response.status_code == 400
    formset = response.context["formset"]
    assert formset.forms[1].errors["opens"] == ["This overlaps another interval on the same day."]
    assert formset.non_form_errors() == ["Some intervals need correcting; nothing was saved."]
    assert week(facility) == before


def test_the_service_refuses_bad_hours_all_or_nothing(facility, manager):
    before = week(facility)
    rows = [
        {"weekday": 0, "opens": dt.time(8), "closes": dt.time(12), "resource": None},
        {"weekday": 0, "opens": dt.time(10), "closes": dt.time(0), "resource": None},
    ]

    with pytest.raises(services.ValidationError):
        services.set_opening_hours(facility, rows, manager)

    assert week(facility) == before


def test_midnight_closing_keeps_the_evening_bookable(now, facility, machine, manager, sme):
    # given: Tuesday open until midnight
    services.set_opening_hours(
        facility,
        [{"weekday": 1, "opens": dt.time(18), "closes": dt.time(0), "resource": None}],
        manager,
    )

    # when / then: a booking 22:00-24:00 on Tuesday 3 March fits the opening hours
    booking = services.create_booking(
        machine, sme, local(2026, 3, 3, 22), local(2026, 3, 4, 0), manager
    )
    assert booking.pk is not None


def test_closure_ending_before_it_starts_names_the_field_in_french(client, facility, manager):
    client.force_login(manager)

    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/closures/",
        {"starts_on": "2026-05-10", "ends_on": "2026-05-01", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == [
        "La date de fin ne peut pas être antérieure à la date de début."
    ]
    assert not Closure.objects.exists()


def test_a_closure_for_another_facilitys_resource_is_refused(
    client, facility, other_facility, manager
):
    cage = Resource.objects.create(
        facility=other_facility, kind="test_space", name="Cage", external_id="cage"
    )
    client.force_login(manager)

    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/closures/",
        {"starts_on": "2026-05-01", "ends_on": "2026-05-02", "resource": cage.pk},
        **ENGLISH,
    )

    assert response.status_code == 400
    assert "resource" in response.context["form"].errors
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"min_booking_minutes": 600, "max_booking_hours": 8},
            "min_booking_minutes",
            "The shortest booking cannot be longer than the longest booking.",
        ),
        (
            {"late_cancellation_percent": 150},
            "late_cancellation_percent",
            "Ensure this value is less than or equal to 100.",
        ),
        ({"capacity": 0}, "capacity", "Ensure this value is greater than or equal to 1."),
        (
            {"sme_hour": "-5"},
            "sme_hour",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"specifications": "power 400 V"},
            "specifications",
            "Line 1: write “name: value”, e.g. “power: 400 V”.",
        ),
        (
            {"external_id": "Laser Cutter!"},
            "external_id",
            "Use lowercase letters, digits, dashes and underscores, "
            "starting with a letter or digit.",
        ),
        (
            {"external_id": "cmc-extruder"},
            "external_id",
            "Resource with this Catalogue id already exists.",
        ),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_resource_input_is_refused_on_its_field(
    client, facility, machine, manager, changes, field, message
):
    # given
    client.force_login(manager)
    count = Resource.objects.count()

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/new/",
        resource_data(**changes),
        **ENGLISH,
    )

    # then
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Resource.objects.count() == count
    assert not Offering.objects.filter(external_id__startswith="cmc-laser").exists()


def test_a_resource_cannot_take_over_another_catalogue_offering(client, facility, manager):
    # given: a catalogue offering (a funding call, say) with the id the manager picks
    Offering.objects.create(
        external_id="vlaio-call",
        kind="funding_call",
        provider=Organisation.objects.create(name="VLAIO", type="funding_body"),
        title_nl="Oproep",
    )
    client.force_login(manager)

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/new/",
        resource_data(external_id="vlaio-call"),
        **ENGLISH,
    )

    # then
    assert response.status_code == 400
    assert response.context["form"].errors["external_id"] == [
        "The catalogue already has an offering with this id; choose another one."
    ]
    assert not Resource.objects.filter(external_id="vlaio-call").exists()
    assert Offering.objects.get(external_id="vlaio-call").title_nl == "Oproep"


def test_a_failing_catalogue_sync_leaves_nothing_half_written(
    client, facility, machine, manager, monkeypatch
):
    # given: the catalogue refuses the save
    def refuse(offering, actor, before=None, m2m=None):
        raise services.ValidationError({"title_nl": "catalogue down"})

    monkeypatch.setattr("schakel.catalog.services.save_offering", refuse)
    client.force_login(manager)

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/{machine.pk}/",
        resource_data(name="Extruder XL", external_id="cmc-extruder"),
        **ENGLISH,
    )

    # then
    assert response.status_code == 400
    assert "catalogue down" in response.content.decode()
    machine.refresh_from_db()
    assert machine.name == "Extruder"
    assert not audit_events(machine).exists()


def test_a_failed_create_shows_the_form_as_new_again(client, facility, manager, monkeypatch):
    # given: the catalogue refuses the save
    def refuse(offering, actor, before=None, m2m=None):
        raise services.ValidationError({"title_nl": "catalogue down"})

    monkeypatch.setattr("schakel.catalog.services.save_offering", refuse)
    client.force_login(manager)

    # when
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/resources/new/",
        resource_data(external_id="cmc-laser"),
        **ENGLISH,
    )

    # then: nothing kept; the id can still be typed
    assert response.status_code == 400
    assert not Resource.objects.filter(external_id="cmc-laser").exists()
    assert response.context["resource"] is None
    assert not response.context["form"].fields["external_id"].disabled
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_a_resource_gets_its_own_handling_window(client, facility, machine, desks, manager):
    # given
    client.force_login(manager)

    # when: the extruder only on Wednesday afternoon; the facility itself keeps no hours
    response = client.post(
        f"/facilities/manage/facilities/{facility.pk}/hours/",
        hours_data([(2, "13:00", "17:00", False)], resource=machine),
    )

    # then
    assert response.status_code == 302
    row = OpeningHours.objects.get()
    assert (row.resource, row.weekday, row.opens, row.closes) == (
        machine,
        2,
        dt.time(13),
        dt.time(17),
    )
    page = client.get(f"/facilities/manage/facilities/{facility.pk}/hours/", **ENGLISH)
    field = page.context["formset"].forms[0].fields["resource"]
    assert [label for _value, label in field.choices] == [
        "whole facility",
        "Extruder",
        "Flex desks",
    ]


# --- links from the desk and the resource page ---------------------------------------------


def test_desk_and_resource_page_link_to_the_set_up(client, facility, machine, manager, sme):
    client.force_login(manager)

    desk = client.get("/facilities/manage/").content.decode()
    detail = client.get(f"/facilities/resources/{machine.pk}/").content.decode()

    assert 'href="/facilities/manage/facilities/"' in desk
    assert f'href="/facilities/manage/facilities/{facility.pk}/"' in desk
    assert f'href="/facilities/manage/facilities/{facility.pk}/resources/{machine.pk}/"' in detail


def test_company_users_see_no_set_up_link(client, machine, company_user):
    client.force_login(company_user)

    detail = client.get(f"/facilities/resources/{machine.pk}/").content.decode()

    assert "/facilities/manage/facilities/" not in detail
