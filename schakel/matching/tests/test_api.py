"""POST /api/v1/match/ and GET /api/v1/offerings/{id}/companies/."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/match/"


def test_answer_shape(client, staff_user, catalog):
    client.force_login(staff_user)
    response = client.post(
        URL,
        {"text": "cobot testen", "context": {"size": "small"}, "top": 3},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "lexical"
    first = body["results"][0]
    assert first["offering"] == "sirris-cobot-lab"
    assert first["kind"] == "test_facility"
    assert first["url"].endswith("/catalog/sirris-cobot-lab/")
    assert "matches your words: cobot, testen" in first["reasons"]
    assert {"code": "matched_terms", "terms": ["cobot", "testen"]} in first["reason_codes"]
    assert len(body["results"]) <= 3


def test_reasons_follow_the_request_language(client, staff_user, catalog):
    client.force_login(staff_user)
    response = client.post(
        URL,
        {"text": "subsidie om te groeien", "context": {"stage": "starter", "as_of": "2026-11-27"}},
        content_type="application/json",
        headers={"Accept-Language": "nl"},
    )
    reasons = response.json()["results"][0]["reasons"]
    assert "open tot 31 maart 2027" in reasons
    assert "enkel voor bedrijven in de fase groeier (lager gerangschikt)" in reasons


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"text": ""}, "empty_text", "text"),
        ({"text": "x" * 5001}, "text_too_long", "text"),
        ({"text": "a", "context": {"stage": "teen"}}, "invalid_stage", "context.stage"),
        (
            {"text": "a", "context": {"municipality_nis": "8500"}},
            "invalid_municipality_nis",
            "context.municipality_nis",
        ),
        ({"text": "a", "top": 0}, "invalid_top", "top"),
        ({"context": {}}, "invalid_text", "text"),
    ],
)
def test_bad_input_gives_400_naming_the_field(client, staff_user, catalog, payload, code, field):
    client.force_login(staff_user)
    response = client.post(
        URL, payload, content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    assert response.json()["detail"]


def test_anonymous_is_refused(client, catalog):
    response = client.post(URL, {"text": "cobot"}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_company_users_may_ask(client, company_user, catalog):
    client.force_login(company_user)
    response = client.post(URL, {"text": "cobot"}, content_type="application/json")
    assert response.status_code == 200


def test_companies_for_an_offering_is_staff_only(
    client, staff_user, company_user, catalog, food_company
):
    url = "/api/v1/offerings/flanders-food-houdbaarheid/companies/"
    client.force_login(company_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    body = client.get(url, headers={"Accept-Language": "en"}).json()
    assert body["count"] >= 1
    assert body["results"][0]["name"] == "Zeebries Voeding"
    assert any("works in the cluster Food" in r for r in body["results"][0]["reasons"])
    assert client.get("/api/v1/offerings/nope/companies/").status_code == 404
