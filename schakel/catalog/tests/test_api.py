"""The catalogue API: offerings, import, export, and who may do what."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from schakel.catalog import services
from schakel.catalog.format import import_catalog
from schakel.catalog.models import Offering
from schakel.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OFFERINGS = "/api/v1/offerings/"
IMPORT = "/api/v1/catalog/import/"
EXPORT = "/api/v1/catalog/export/"


@pytest.fixture
def catalogue(municipalities, small_catalog, partner_org):
    """The partner user's organisation is Sirris, provider of the cobot lab."""
    partner_org.external_id = "sirris"
    partner_org.save()
    import_catalog(small_catalog)
    return small_catalog


def api(user):
    # English, so the assertions can quote the source strings.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


NEW = {
    "id": "vlaio-kmo-portefeuille",
    "kind": "funding",
    "title": {"nl": "KMO-portefeuille", "en": "SME wallet"},
    "description": "Steun voor opleiding en advies.",
    "provider": "vlaio",
    "audience": {"sizes": ["micro", "small", "medium"]},
    "budget_eur": 7500.5,
}

ALLOWED = {
    # role: (list, retrieve, create, update own, update other, archive own, import)
    "anonymous": (False, False, False, False, False, False, False),
    "company": (True, True, False, False, False, False, False),
    "partner": (True, True, False, True, False, True, False),
    "staff": (True, True, True, True, True, True, True),
    "admin": (True, True, True, True, True, True, True),
}


def assert_outcome(response, allowed: bool, user, ok=200):
    """Allowed: the success code. Denied: 403 for a known user, 401/403 for anonymous."""
    if allowed:
        assert response.status_code == ok, response.content
    elif user is None:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 403, response.content


@pytest.mark.parametrize("role", list(ALLOWED))
def test_permission_matrix(catalogue, users, role):
    # given
    user = users[role]
    client = api(user)
    can_list, can_get, can_create, can_update_own, can_update_other, can_archive, can_import = (
        ALLOWED[role]
    )
    # when / then: list and retrieve
    assert_outcome(client.get(OFFERINGS), can_list, user)
    assert_outcome(client.get(f"{OFFERINGS}sirris-cobot-lab/"), can_get, user)
    # create
    assert_outcome(client.post(OFFERINGS, NEW, format="json"), can_create, user, ok=201)
    assert Offering.objects.filter(external_id=NEW["id"]).exists() is can_create
    # update: the partner's own offering (Sirris) and another one (VLAIO)
    own = copy.deepcopy(catalogue["offerings"][0])
    own["title"] = {"nl": "Cobotlab vernieuwd"}
    response = client.put(f"{OFFERINGS}sirris-cobot-lab/", own, format="json")
    assert_outcome(response, can_update_own, user)
    lab = Offering.objects.get(external_id="sirris-cobot-lab")
    assert (lab.title_nl == "Cobotlab vernieuwd") is can_update_own
    response = client.patch(
        f"{OFFERINGS}vlaio-ecologiepremie-2027/", {"budget_eur": 1}, format="json"
    )
    assert_outcome(response, can_update_other, user)
    premium = Offering.objects.get(external_id="vlaio-ecologiepremie-2027")
    assert (premium.budget_eur == 1) is can_update_other
    # archive
    assert_outcome(client.post(f"{OFFERINGS}sirris-cobot-lab/archive/"), can_archive, user)
    assert Offering.objects.get(external_id="sirris-cobot-lab").is_archived is can_archive
    # import
    assert_outcome(client.post(IMPORT, catalogue, format="json"), can_import, user)


def test_list_filters_and_shape(catalogue, staff_user):
    # when
    response = api(staff_user).get(OFFERINGS, {"kind": "funding", "open_on": "2027-02-01"})
    closed = api(staff_user).get(OFFERINGS, {"open_on": "2027-06-01", "provider": "vlaio"})
    # then
    assert response.status_code == 200
    assert [o["id"] for o in response.json()["results"]] == ["vlaio-ecologiepremie-2027"]
    record = response.json()["results"][0]
    assert record["title"] == {"nl": "Ecologiepremie+ 2027"}
    assert record["open"] == {"from": "2027-01-15", "until": "2027-04-30"}
    assert record["budget_eur"] == 25000000
    assert record["provider_name"] == "VLAIO"
    assert closed.json()["count"] == 0


def test_company_user_does_not_see_archived_offerings(catalogue, company_user):
    Offering.objects.filter(external_id="sirris-cobot-lab").update(is_archived=True)
    response = api(company_user).get(f"{OFFERINGS}sirris-cobot-lab/")
    assert response.status_code == 404


def test_create_validates_like_the_format(catalogue, staff_user):
    # given
    bad = dict(NEW, kind="lecture", themes=["Subsidie"], provider="nobody")
    # when
    response = api(staff_user).post(OFFERINGS, bad, format="json")
    # then
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "themes", "provider"}
    assert not Offering.objects.filter(external_id=NEW["id"]).exists()


def test_create_stores_record_and_fires_the_change_hook(
    catalogue, staff_user, django_capture_on_commit_callbacks
):
    # given
    seen = []
    services.on_offering_changed(seen.append)
    try:
        # when
        with django_capture_on_commit_callbacks(execute=True):
            response = api(staff_user).post(OFFERINGS, NEW, format="json")
    finally:
        services.remove_offering_callback(seen.append)
    # then
    assert response.status_code == 201
    offering = Offering.objects.get(external_id=NEW["id"])
    assert seen == [offering.pk]
    assert str(offering.budget_eur) == "7500.50"
    assert response.json()["budget_eur"] == 7500.5


def test_import_reports_every_error(catalogue, staff_user):
    # given
    bad = copy.deepcopy(catalogue)
    bad["offerings"][0]["open"] = {"from": "2027-13-01"}
    bad["offerings"][1]["provider"] = "nobody"
    # when
    response = api(staff_user).post(IMPORT, bad, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "id": "sirris-cobot-lab",
            "field": "open.from",
            "message": "2027-13-01 is not a calendar date.",
        },
        {
            "id": "vlaio-ecologiepremie-2027",
            "field": "provider",
            "message": "Unknown provider nobody: list it under organisations.",
        },
    ]


def test_import_of_a_multipart_file_reports_counts(catalogue, staff_user):
    # given
    upload = SimpleUploadedFile("catalog.json", json.dumps(catalogue).encode())
    # when
    response = api(staff_user).post(IMPORT, {"file": upload}, format="multipart")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "organisations": {"created": 0, "updated": 0, "unchanged": 2},
        "offerings": {"created": 0, "updated": 0, "unchanged": 2},
    }


def test_import_of_malformed_json_is_a_400_with_errors(catalogue, staff_user):
    upload = SimpleUploadedFile("catalog.json", b'{"format": ')
    response = api(staff_user).post(IMPORT, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "line 1, column 12" in response.json()["errors"][0]["message"]


def test_export_gives_the_format_document(catalogue, company_user):
    response = api(company_user).get(EXPORT)
    assert response.status_code == 200
    document = response.json()
    assert document["format"] == "schakel.catalog/v1"
    assert [o["id"] for o in document["offerings"]] == [
        "sirris-cobot-lab",
        "vlaio-ecologiepremie-2027",
    ]
    assert [o["id"] for o in document["organisations"]] == ["sirris", "vlaio"]


def test_partner_cannot_move_own_offering_to_another_provider(catalogue, partner_user):
    # given
    record = copy.deepcopy(catalogue["offerings"][0])
    record["provider"] = "vlaio"
    events = AuditEvent.objects.count()
    # when
    response = api(partner_user).put(f"{OFFERINGS}sirris-cobot-lab/", record, format="json")
    # then
    assert response.status_code == 403
    assert Offering.objects.get(external_id="sirris-cobot-lab").provider.external_id == "sirris"
    assert AuditEvent.objects.count() == events
