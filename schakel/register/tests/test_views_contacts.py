"""Contacts on the organisation page: add, edit, GDPR access and erasure."""

# The shared fixtures are imported by name, which pyflakes reads as redefinitions.
# ruff: noqa: F811

import json

import pytest
from django.urls import reverse

from schakel.core.models import AuditEvent
from schakel.register.models import Activity, Contact
from schakel.register.tests.test_views_organisations import english  # noqa: F401


@pytest.fixture
def contact(company_a):
    return Contact.objects.create(
        organisation=company_a,
        first_name="An",
        last_name="Declercq",
        job_title="Zaakvoerder",
        email="an@alfa.be",
        phone="+32 56 00 00 00",
        newsletter_consent=True,
    )


def contact_data(**overrides):
    data = {
        "first_name": "Bart",
        "last_name": "Vandamme",
        "job_title": "Aankoop",
        "email": "bart@alfa.be",
        "phone": "056 11 22 33",
        "language": "nl",
        "newsletter_consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["staff", "company"])
def test_staff_and_own_company_add_a_contact(client, users, company_a, role):
    # given
    client.force_login(users[role])
    # when
    response = client.post(reverse("register:contact_create", args=[company_a.pk]), contact_data())
    # then
    assert response.status_code == 302
    contact = Contact.objects.get(organisation=company_a)
    assert (contact.first_name, contact.email) == ("Bart", "bart@alfa.be")
    assert contact.newsletter_consent_at is not None
    event = AuditEvent.objects.get(object_id=str(contact.pk), action="create")
    assert event.actor == users[role]


def test_company_user_cannot_add_a_contact_elsewhere(client, company_user, company_b):
    # given
    client.force_login(company_user)
    # when
    response = client.post(reverse("register:contact_create", args=[company_b.pk]), contact_data())
    # then
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_invalid_contact_re_renders_the_form_fragment(client, staff_user, company_a):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:contact_create", args=[company_a.pk]),
        contact_data(email="not-an-address"),
        headers={"HX-Request": "true"},
    )
    # then
    assert [t.name for t in response.templates][0] == "register/_contact_form.html"
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert not Contact.objects.exists()


def test_edit_records_old_and_new_values(client, staff_user, contact):
    # given
    client.force_login(staff_user)
    # when
    client.post(
        reverse("register:contact_edit", args=[contact.organisation_id, contact.pk]),
        contact_data(first_name="An", last_name="Declercq", job_title="CEO"),
    )
    # then
    event = AuditEvent.objects.get(object_id=str(contact.pk), action="update")
    assert event.changes["job_title"] == ["Zaakvoerder", "CEO"]


def test_contact_of_another_organisation_is_404(client, staff_user, contact, company_b):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(reverse("register:contact_edit", args=[company_b.pk, contact.pk]))
    # then
    assert response.status_code == 404


def test_organisation_page_shows_consent_date(client, staff_user, contact):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(reverse("register:organisation_detail", args=[contact.organisation_id]))
    # then
    html = response.content.decode()
    assert f"Yes, since {contact.newsletter_consent_at:%d/%m/%Y}" in html


def test_staff_downloads_everything_held_about_a_contact(client, staff_user, contact):
    # given
    Activity.objects.create(organisation=contact.organisation, contact=contact, title="Gesprek")
    client.force_login(staff_user)
    # when
    response = client.get(
        reverse("register:contact_export", args=[contact.organisation_id, contact.pk])
    )
    # then
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "an@alfa.be"
    assert [a["title"] for a in data["activities"]] == ["Gesprek"]
    assert AuditEvent.objects.get(object_id=str(contact.pk)).message == "GDPR export"


@pytest.mark.parametrize(("role", "expected"), [("company", 403), ("partner", 404)])
def test_only_staff_export_contacts(client, users, contact, role, expected):
    # given
    client.force_login(users[role])
    # when
    response = client.get(
        reverse("register:contact_export", args=[contact.organisation_id, contact.pk])
    )
    # then
    assert response.status_code == expected


def test_erase_needs_the_confirmation(client, staff_user, contact):
    # given
    client.force_login(staff_user)
    url = reverse("register:contact_erase", args=[contact.organisation_id, contact.pk])
    # when
    response = client.post(url, {})
    # then
    assert "Tick the box to confirm the erasure." in response.content.decode()
    contact.refresh_from_db()
    assert contact.email == "an@alfa.be"


def test_staff_erases_a_contact_and_keeps_the_row(client, staff_user, contact):
    # given
    client.force_login(staff_user)
    url = reverse("register:contact_erase", args=[contact.organisation_id, contact.pk])
    # when
    response = client.post(url, {"confirm": "yes"})
    # then
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.first_name, contact.email, contact.phone) == ("—", "", "")
    assert contact.newsletter_consent is False
    assert contact.erased_at is not None
    assert AuditEvent.objects.get(object_id=str(contact.pk), action="erase").actor == staff_user


def test_erase_by_get_changes_nothing(client, staff_user, contact):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(
        reverse("register:contact_erase", args=[contact.organisation_id, contact.pk])
    )
    # then
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.erased_at is None


def test_company_user_cannot_erase(client, company_user, contact):
    # given
    client.force_login(company_user)
    # when
    response = client.post(
        reverse("register:contact_erase", args=[contact.organisation_id, contact.pk]),
        {"confirm": "yes"},
    )
    # then
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.erased_at is None
