"""The reference data API: filters, languages, authentication and who may write themes."""

import pytest
from rest_framework.test import APIClient

from schakel.places.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(response, key="nis_code"):
    return [row[key] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/municipalities/",
        "/api/v1/municipalities/34022/",
        "/api/v1/regions/",
        "/api/v1/nace/",
        "/api/v1/taxonomy/domains/",
        "/api/v1/taxonomy/clusters/",
        "/api/v1/taxonomy/themes/",
    ],
)
def test_anonymous_users_get_no_reference_data(url):
    response = APIClient().get(url)

    assert response.status_code in (401, 403)


def test_municipality_list_is_paginated_with_the_default_envelope(api):
    response = api.get("/api/v1/municipalities/")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 594
    assert len(body["results"]) == 50


def test_municipalities_filter_by_province_and_current(api):
    response = api.get("/api/v1/municipalities/", {"province": "30000", "current": "true"})

    assert response.json()["count"] == 62


def test_municipalities_filter_merged_only(api):
    response = api.get(
        "/api/v1/municipalities/", {"province": "30000", "current": "false", "page_size": 10}
    )

    assert sorted(codes(response)) == ["37007", "37012", "37015", "37018"]


def test_municipalities_filter_by_region(api):
    response = api.get("/api/v1/municipalities/", {"region": "kust"})

    assert sorted(codes(response)) == ["31004", "31043", "35002", "35011", "35013", "35029"]


def test_municipalities_filter_by_name(api):
    response = api.get("/api/v1/municipalities/", {"q": "ortrij"})

    assert codes(response) == ["34022"]


def test_municipalities_filter_by_french_name(api):
    response = api.get("/api/v1/municipalities/", {"q": "Courtrai"})

    assert codes(response) == ["34022"]


def test_municipalities_filter_by_postal_code(api):
    response = api.get("/api/v1/municipalities/", {"postal_code": "1040"})

    assert codes(response) == ["21004", "21005"]


def test_municipality_detail_by_nis_code(api):
    response = api.get("/api/v1/municipalities/37007/", HTTP_ACCEPT_LANGUAGE="nl")

    body = response.json()
    assert response.status_code == 200
    assert body["label"] == "Meulebeke"
    assert body["merged_into"] == "37022"
    assert body["current"] == "37022"
    assert body["region"] is None


def test_municipality_detail_shows_region_and_postal_codes(api):
    body = api.get("/api/v1/municipalities/31005/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["label"] == "Bruges"
    assert (body["name_nl"], body["name_fr"], body["name_en"]) == ("Brugge", "Bruges", "Bruges")
    assert body["region"] == {"code": "noord-west-vlaanderen", "label": "North-West Flanders"}
    assert body["postal_codes"] == ["8000", "8200", "8310", "8380"]


def test_unknown_municipality_is_404(api):
    assert api.get("/api/v1/municipalities/99999/").status_code == 404


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("nl", "Zuid-West-Vlaanderen"),
        ("en", "South-West Flanders"),
        ("fr", "Flandre-Occidentale du Sud"),
    ],
)
def test_region_label_follows_the_request_language(api, language, label):
    body = api.get("/api/v1/regions/zuid-west-vlaanderen/", HTTP_ACCEPT_LANGUAGE=language).json()

    assert body["label"] == label
    assert body["municipality_count"] == 13


def test_regions_list(api):
    body = api.get("/api/v1/regions/").json()

    assert body["count"] == 5
    assert sum(row["municipality_count"] for row in body["results"]) == 62


def test_nace_filter_by_level(api):
    assert api.get("/api/v1/nace/", {"level": 1}).json()["count"] == 21
    assert api.get("/api/v1/nace/", {"level": 2}).json()["count"] == 88


def test_nace_filter_by_parent(api):
    response = api.get("/api/v1/nace/", {"parent": "25.6"})

    assert codes(response, "code") == ["2561", "2562"]


def test_nace_search_by_code_prefix_and_label(api):
    by_code = api.get("/api/v1/nace/", {"q": "25.62", "page_size": 100})
    by_label = api.get("/api/v1/nace/", {"q": "usinage", "level": 4})

    assert codes(by_code, "code") == ["2562", "25620"]
    assert "2562" in codes(by_label, "code")


def test_nace_detail_in_french(api):
    body = api.get("/api/v1/nace/2562/", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert body == {
        "code": "2562",
        "dotted": "25.62",
        "level": 4,
        "parent": "256",
        "label": "Usinage",
        "name_nl": "Verspanend bewerken van metalen",
        "name_en": "Machining",
        "name_fr": "Usinage",
    }


def test_taxonomy_lists(api):
    domains = api.get("/api/v1/taxonomy/domains/", HTTP_ACCEPT_LANGUAGE="en").json()
    clusters = api.get("/api/v1/taxonomy/clusters/").json()

    assert domains["count"] == 4
    assert {row["label"] for row in domains["results"]} >= {"Entrepreneurship", "Labour market"}
    assert clusters["count"] == 5


def test_partner_reads_themes(partner_user):
    response = client_for(partner_user).get("/api/v1/taxonomy/themes/", {"q": "robot"})

    assert response.status_code == 200
    assert codes(response, "code") == ["cobots", "robotics"]  # "Collaborative robots"


NEW_THEME = {"code": "photonics", "name_nl": "Fotonica", "name_en": "Photonics"}


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("staff", 201), ("partner", 403), ("company", 403), ("anonymous", 403)],
)
def test_theme_create_permission_matrix(users, role, status):
    response = client_for(users[role]).post("/api/v1/taxonomy/themes/", NEW_THEME, format="json")

    assert response.status_code in ((401, 403) if role == "anonymous" else (status,))
    assert Theme.objects.filter(code="photonics").exists() is (status == 201)


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("staff", 200), ("partner", 403), ("company", 403)],
)
def test_theme_update_permission_matrix(users, role, status):
    response = client_for(users[role]).patch(
        "/api/v1/taxonomy/themes/robotics/", {"name_en": "Robots"}, format="json"
    )

    assert response.status_code == status
    expected = "Robots" if status == 200 else "Robotics"
    assert Theme.objects.get(code="robotics").name_en == expected


def test_themes_cannot_be_deleted(users):
    response = client_for(users["admin"]).delete("/api/v1/taxonomy/themes/robotics/")

    assert response.status_code == 405
    assert Theme.objects.filter(code="robotics").exists()


def test_theme_create_rejects_a_duplicate_code_with_a_coded_error(api):
    response = api.post(
        "/api/v1/taxonomy/themes/", {"code": "robotics", "name_nl": "Robots"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"][0]["code"] == "unique"
    assert Theme.objects.filter(code="robotics").count() == 1


def test_theme_create_rejects_a_bad_slug(api):
    response = api.post(
        "/api/v1/taxonomy/themes/", {"code": "no spaces", "name_nl": "X"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"][0]["code"] == "invalid"


def test_municipality_list_query_count_is_fixed(api, django_assert_num_queries):
    # count + page + postal codes prefetch (+ session-less auth: no query)
    with django_assert_num_queries(3):
        api.get("/api/v1/municipalities/", {"page_size": 200})
