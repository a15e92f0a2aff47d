"""Who may do what through the register API: endpoint × role × own/other object × action.

"Own" is the record in the role's natural reach (the company user's company_a, the
partner's own partner_org; company_a for agency roles and anonymous); "other" is
company_b, which nobody but the agency can reach. Expected statuses follow the
house rule: anonymous 401, out of reach 404, in reach but not allowed 403, and a
method the endpoint does not offer 405. Denied writes change nothing and write no
audit event.
"""

# The shared fixtures are imported by name, which pyflakes reads as redefinitions.
# ruff: noqa: F811

import pytest

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.register.models import Activity, Contact, Organisation
from schakel.register.tests.test_api_data import api, client_for  # noqa: F401

ROLES = ("anonymous", "admin", "staff", "partner", "company")
OWN = {
    "anonymous": "company_a",
    "admin": "company_a",
    "staff": "company_a",
    "partner": "partner_org",
    "company": "company_a",
}
OTHER = "company_b"

# (endpoint, action) -> role -> (status on own object, status on other object)
MATRIX = {
    ("organisations", "list"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 200),
        "company": (200, 200),
    },
    ("organisations", "retrieve"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 404),
        "company": (200, 404),
    },
    ("organisations", "create"): {
        "anonymous": (401, 401),
        "admin": (201, 201),
        "staff": (201, 201),
        "partner": (403, 403),
        "company": (403, 403),
    },
    ("organisations", "update"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 404),
        "company": (200, 404),
    },
    ("organisations", "delete"): {
        "anonymous": (401, 401),
        "admin": (204, 204),
        "staff": (403, 403),
        "partner": (403, 404),
        "company": (403, 404),
    },
    ("contacts", "list"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 200),
        "company": (200, 200),
    },
    ("contacts", "retrieve"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 404),
        "company": (200, 404),
    },
    # The organisation is in the body: one out of reach reads as unknown (400), not 404.
    ("contacts", "create"): {
        "anonymous": (401, 401),
        "admin": (201, 201),
        "staff": (201, 201),
        "partner": (201, 400),
        "company": (201, 400),
    },
    ("contacts", "update"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 404),
        "company": (200, 404),
    },
    # Contacts are never deleted through the API: GDPR erasure keeps the record.
    ("contacts", "delete"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
    ("contacts", "export"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (403, 404),
        "company": (403, 404),
    },
    ("contacts", "erase"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (403, 404),
        "company": (403, 404),
    },
    ("activities", "list"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 404),
        "company": (200, 404),
    },
    ("activities", "create"): {
        "anonymous": (401, 401),
        "admin": (201, 201),
        "staff": (201, 201),
        "partner": (403, 404),
        "company": (403, 404),
    },
    ("activities", "update"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
    ("activities", "delete"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
    ("relations", "list"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (200, 404),
        "company": (200, 404),
    },
    ("relations", "create"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
    ("relations", "delete"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
    ("audit", "list"): {
        "anonymous": (401, 401),
        "admin": (200, 200),
        "staff": (200, 200),
        "partner": (403, 404),
        "company": (403, 404),
    },
    ("audit", "create"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
    ("audit", "delete"): {
        "anonymous": (401, 401),
        "admin": (405, 405),
        "staff": (405, 405),
        "partner": (405, 405),
        "company": (405, 405),
    },
}

WRITES = {"create", "update", "delete", "erase"}


def _cases():
    for (endpoint, action), by_role in MATRIX.items():
        assert set(by_role) == set(ROLES), (endpoint, action)
        for role in ROLES:
            for which, expected in zip(("own", "other"), by_role[role], strict=True):
                case_id = f"{endpoint}-{action}-{role}-{which}"
                yield pytest.param(endpoint, action, role, which, expected, id=case_id)


def _request(client, endpoint, action, organisation, contact):
    org_url = f"/api/v1/organisations/{organisation.pk}/"
    contact_url = f"/api/v1/contacts/{contact.pk}/"
    if endpoint == "organisations":
        return {
            "list": lambda: client.get("/api/v1/organisations/"),
            "retrieve": lambda: client.get(org_url),
            "create": lambda: client.post(
                "/api/v1/organisations/", {"name": "Nieuw Bedrijf"}, format="json"
            ),
            "update": lambda: client.patch(org_url, {"phone": "050 11 22 33"}, format="json"),
            "delete": lambda: client.delete(org_url),
        }[action]()
    if endpoint == "contacts":
        return {
            "list": lambda: client.get("/api/v1/contacts/"),
            "retrieve": lambda: client.get(contact_url),
            "create": lambda: client.post(
                "/api/v1/contacts/",
                {"organisation": organisation.pk, "first_name": "Nieuw", "last_name": "Contact"},
                format="json",
            ),
            "update": lambda: client.patch(contact_url, {"job_title": "Directeur"}, format="json"),
            "delete": lambda: client.delete(contact_url),
            "export": lambda: client.get(f"{contact_url}export/"),
            "erase": lambda: client.post(f"{contact_url}erase/"),
        }[action]()
    url = f"{org_url}{endpoint}/"
    return {
        "list": lambda: client.get(url),
        "create": lambda: client.post(url, {"kind": "note", "title": "Matrix"}, format="json"),
        "update": lambda: client.put(url, {"kind": "note", "title": "Matrix"}, format="json"),
        "delete": lambda: client.delete(url),
    }[action]()


def _state():
    """Everything a write could touch, to prove a denied write touched nothing."""
    return {
        "organisations": [audit.snapshot(o) for o in Organisation.objects.order_by("pk")],
        "contacts": [audit.snapshot(c) for c in Contact.objects.order_by("pk")],
        "activities": list(Activity.objects.values_list("pk", flat=True)),
        "audit_events": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize(("endpoint", "action", "role", "which", "expected"), list(_cases()))
def test_register_api_authorization_matrix(
    request, users, company_a, company_b, partner_org, endpoint, action, role, which, expected
):
    # given: one contact at every organisation
    organisation = request.getfixturevalue(OWN[role] if which == "own" else OTHER)
    for org in (company_a, company_b, partner_org):
        Contact.objects.create(organisation=org, first_name="Jan", last_name=org.name)
    contact = Contact.objects.get(organisation=organisation)
    client = client_for(users[role])
    before = _state()
    # when
    response = _request(client, endpoint, action, organisation, contact)
    # then
    assert response.status_code == expected, getattr(response, "data", response.content)
    if action in WRITES and response.status_code >= 400:
        assert _state() == before
    if (
        endpoint in ("organisations", "contacts")
        and action in WRITES
        and response.status_code < 300
    ):
        assert AuditEvent.objects.count() == before["audit_events"] + 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", ["Alfa Metaal", "Bèta Voeding", "Sirris"]),
        ("staff", ["Alfa Metaal", "Bèta Voeding", "Sirris"]),
        ("partner", ["Sirris"]),
        ("company", ["Alfa Metaal"]),
    ],
)
def test_organisation_list_holds_only_what_the_role_may_see(
    api, company_a, company_b, partner_org, role, expected
):
    # when
    response = api(role).get("/api/v1/organisations/")
    # then
    assert [row["name"] for row in response.json()["results"]] == expected
    assert response.json()["count"] == len(expected)


def test_company_user_with_two_mandates_lists_both_companies(
    api, company_user, company_b, partner_org
):
    # given
    company_user.mandates.create(organisation=company_b)
    # when
    response = api("company").get("/api/v1/organisations/")
    # then
    assert [row["name"] for row in response.json()["results"]] == ["Alfa Metaal", "Bèta Voeding"]


def test_expired_mandate_gives_no_access(api, company_user, company_a):
    # given
    company_user.mandates.update(valid_until="2000-01-01")
    # when
    listing = api("company").get("/api/v1/organisations/")
    detail = api("company").get(f"/api/v1/organisations/{company_a.pk}/")
    # then
    assert listing.json()["count"] == 0
    assert detail.status_code == 404


def test_inactive_user_token_is_refused(api, company_user):
    # given
    client = client_for(company_user)
    company_user.is_active = False
    company_user.save()
    # when
    response = client.get("/api/v1/organisations/")
    # then
    assert response.status_code == 401
