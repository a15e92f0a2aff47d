"""/api/v1/contacts/ and the nested timeline and audit endpoints."""

# The shared fixtures are imported by name, which pyflakes reads as redefinitions.
# ruff: noqa: F811

import pytest

from schakel.core.models import AuditEvent
from schakel.register import services
from schakel.register.models import Activity, Contact
from schakel.register.tests.test_api_data import api  # noqa: F401

URL = "/api/v1/contacts/"


@pytest.fixture
def contacts(company_a, company_b):
    return {
        "an": Contact.objects.create(
            organisation=company_a,
            first_name="An",
            last_name="Declercq",
            email="an@alfa.be",
            job_title="Zaakvoerder",
        ),
        "bart": Contact.objects.create(
            organisation=company_a, first_name="Bart", last_name="Vandamme", job_title="Aankoop"
        ),
        "celine": Contact.objects.create(
            organisation=company_b, first_name="Céline", last_name="Maes", email="celine@beta.be"
        ),
    }


def full_names(response):
    return [f"{row['first_name']} {row['last_name']}" for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["An Declercq", "Céline Maes", "Bart Vandamme"]),
        ({"q": "aankoop"}, ["Bart Vandamme"]),
        ({"q": "beta.be"}, ["Céline Maes"]),
        ({"q": "an declercq"}, ["An Declercq"]),
    ],
)
def test_staff_lists_and_searches_contacts(api, contacts, params, expected):
    # when
    response = api("staff").get(URL, params)
    # then
    assert response.status_code == 200
    assert full_names(response) == expected


def test_organisation_filter(api, contacts, company_b):
    # when
    response = api("staff").get(URL, {"organisation": company_b.pk})
    # then
    assert full_names(response) == ["Céline Maes"]


def test_company_user_sees_only_contacts_of_own_companies(api, contacts, company_b):
    # when
    everything = api("company").get(URL)
    other = api("company").get(URL, {"organisation": company_b.pk})
    # then
    assert full_names(everything) == ["An Declercq", "Bart Vandamme"]
    assert other.json()["count"] == 0


def test_contact_list_query_count(api, contacts, company_a, django_assert_max_num_queries):
    # given
    for number in range(30):
        Contact.objects.create(organisation=company_a, first_name=f"P{number}", last_name="X")
    client = api("staff")
    # when / then: token, last-used, count, page (organisation joined)
    with django_assert_max_num_queries(4):
        response = client.get(URL)
    assert response.json()["count"] == 33


def test_company_user_adds_a_contact_to_own_company(api, company_a, company_user):
    # when
    response = api("company").post(
        URL,
        {"organisation": company_a.pk, "first_name": "Dirk", "last_name": "Peeters"},
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    contact = Contact.objects.get(first_name="Dirk")
    assert contact.organisation == company_a
    event = AuditEvent.objects.get(object_id=str(contact.pk))
    assert (event.action, event.actor) == (AuditEvent.Action.CREATE, company_user)


def test_company_user_cannot_add_a_contact_elsewhere(api, company_b):
    # when
    response = api("company").post(
        URL,
        {"organisation": company_b.pk, "first_name": "Eva", "last_name": "Claeys"},
        format="json",
    )
    # then: the organisation reads as unknown, as one that does not exist would
    assert response.status_code == 400
    assert response.json()["organisation"][0]["code"] == "does_not_exist"
    assert not Contact.objects.filter(first_name="Eva").exists()
    assert not AuditEvent.objects.exists()


def test_company_user_cannot_move_a_contact_out_of_reach(api, contacts, company_b):
    # when
    response = api("company").patch(
        f"{URL}{contacts['an'].pk}/", {"organisation": company_b.pk}, format="json"
    )
    # then
    assert response.status_code == 400
    contacts["an"].refresh_from_db()
    assert contacts["an"].organisation_id != company_b.pk


def test_update_is_audited_and_consent_dated(api, contacts, staff_user):
    # when
    response = api("staff").patch(
        f"{URL}{contacts['bart'].pk}/",
        {"email": "bart@alfa.be", "newsletter_consent": True},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["newsletter_consent_at"] is not None
    event = AuditEvent.objects.get(object_id=str(contacts["bart"].pk))
    assert event.changes["email"] == ["", "bart@alfa.be"]
    assert event.actor == staff_user


def test_invalid_email_is_a_coded_error(api, contacts):
    # when
    response = api("staff").patch(
        f"{URL}{contacts['bart'].pk}/", {"email": "not-an-address"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["email"]
    assert response.json()["email"][0]["code"] == "invalid"
    assert Contact.objects.get(pk=contacts["bart"].pk).email == ""


def test_export_returns_the_gdpr_record(api, contacts, company_a):
    # given
    services.add_timeline_entry(company_a, "call", "Called about robots", contact=contacts["an"])
    # when
    response = api("staff").get(f"{URL}{contacts['an'].pk}/export/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "an@alfa.be"
    assert body["organisation"] == {"id": company_a.pk, "name": "Alfa Metaal"}
    assert [a["title"] for a in body["activities"]] == ["Called about robots"]


def test_erase_removes_personal_data_and_blocks_later_edits(api, contacts, staff_user):
    # when
    response = api("staff").post(f"{URL}{contacts['an'].pk}/erase/")
    again = api("staff").patch(f"{URL}{contacts['an'].pk}/", {"first_name": "An"}, format="json")
    # then
    assert response.status_code == 200
    contact = Contact.objects.get(pk=contacts["an"].pk)
    assert (contact.first_name, contact.email, contact.job_title) == ("—", "", "")
    assert contact.erased_at is not None
    event = AuditEvent.objects.get(object_id=str(contact.pk))
    assert (event.action, event.actor) == (AuditEvent.Action.ERASE, staff_user)
    assert again.status_code == 400
    assert again.json()["non_field_errors"][0]["code"] == "erased"
    assert Contact.objects.get(pk=contact.pk).first_name == "—"


def test_erase_requires_post(api, contacts):
    # when
    response = api("staff").get(f"{URL}{contacts['an'].pk}/erase/")
    # then
    assert response.status_code == 405
    assert Contact.objects.get(pk=contacts["an"].pk).erased_at is None


# --- Timeline -----------------------------------------------------------------------------


@pytest.fixture
def timeline(company_a, staff_user):
    services.add_timeline_entry(company_a, "note", "Internal: credit risk", actor=staff_user)
    services.add_timeline_entry(
        company_a, "booking", "Booked the welding lab", actor=staff_user, is_internal=False
    )


def titles(response):
    return [row["title"] for row in response.json()["results"]]


def test_staff_see_internal_entries_others_do_not(api, timeline, company_a):
    # when
    staff = api("staff").get(f"/api/v1/organisations/{company_a.pk}/activities/")
    company = api("company").get(f"/api/v1/organisations/{company_a.pk}/activities/")
    # then
    assert sorted(titles(staff)) == ["Booked the welding lab", "Internal: credit risk"]
    assert titles(company) == ["Booked the welding lab"]
    assert set(company.json()) == {"count", "next", "previous", "results"}


def test_staff_add_a_timeline_entry(api, company_a, contacts, staff_user):
    # when
    response = api("staff").post(
        f"/api/v1/organisations/{company_a.pk}/activities/",
        {"kind": "meeting", "title": "Visit", "contact": contacts["an"].pk, "is_internal": False},
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get(title="Visit")
    assert (activity.organisation, activity.actor, activity.contact) == (
        company_a,
        staff_user,
        contacts["an"],
    )
    assert response.json()["actor"] == "staff"


def test_timeline_entry_needs_a_contact_of_that_organisation(api, company_a, contacts):
    # when
    response = api("staff").post(
        f"/api/v1/organisations/{company_a.pk}/activities/",
        {"kind": "call", "title": "Call", "contact": contacts["celine"].pk},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["contact"][0]["code"] == "wrong_organisation"
    assert not Activity.objects.exists()


def test_timeline_entry_rejects_an_unknown_kind(api, company_a):
    # when
    response = api("staff").post(
        f"/api/v1/organisations/{company_a.pk}/activities/",
        {"kind": "gossip", "title": "Rumour"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["kind"][0]["code"] == "invalid_choice"


# --- Audit trail --------------------------------------------------------------------------


def test_audit_lists_the_events_of_that_record_only(api, company_a, company_b):
    # given
    api("staff").patch(f"/api/v1/organisations/{company_a.pk}/", {"phone": "1"}, format="json")
    api("staff").patch(f"/api/v1/organisations/{company_b.pk}/", {"phone": "2"}, format="json")
    api("staff").patch(f"/api/v1/organisations/{company_a.pk}/", {"phone": "3"}, format="json")
    # when
    response = api("staff").get(f"/api/v1/organisations/{company_a.pk}/audit/")
    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["changes"]["phone"] for row in rows] == [["1", "3"], ["", "1"]]
    assert {row["actor"] for row in rows} == {"staff"}
    assert {row["action"] for row in rows} == {"update"}
