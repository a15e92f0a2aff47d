"""/api/v1/organisations/: filters, shapes, validation, services and audit."""

# The shared fixtures are imported by name, which pyflakes reads as redefinitions.
# ruff: noqa: F811

from decimal import Decimal

import pytest

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.register.models import Organisation, OrganisationType, Relation
from schakel.register.tests.test_api_data import api, client_for, places  # noqa: F401

URL = "/api/v1/organisations/"


def detail(org):
    return f"{URL}{org.pk}/"


@pytest.fixture
def catalogue(places, company_a, company_b, partner_org):
    """company_a: metal in Kortrijk (small, food cluster); company_b: bakery in Brugge."""
    company_a.municipality = places["kortrijk"]
    company_a.main_nace = places["nace_2562"]
    company_a.size_class = "small"
    company_a.stage = "grower"
    company_a.save()
    company_a.clusters.set([places["food"]])
    company_a.themes.set([places["robotics"]])
    company_a.domains.set([places["domain"]])
    company_b.municipality = places["brugge"]
    company_b.main_nace = places["nace_1071"]
    company_b.secondary_naces.set([places["nace_2562"]])
    company_b.size_class = "medium"
    company_b.save()
    company_b.clusters.set([places["blue"]])
    return places


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_list_has_the_project_pagination_shape(api, catalogue):
    # when
    response = api("staff").get(URL, {"page_size": 2})
    # then
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert body["previous"] is None
    assert body["next"].endswith("page=2&page_size=2")
    assert names(response) == ["Alfa Metaal", "Bèta Voeding"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "company"}, ["Alfa Metaal", "Bèta Voeding"]),
        ({"type": "knowledge_centre"}, ["Sirris"]),
        ({"cluster": "food"}, ["Alfa Metaal"]),
        ({"cluster": ["food", "blue_energy"]}, ["Alfa Metaal", "Bèta Voeding"]),
        ({"region": "noord-west-vlaanderen"}, ["Bèta Voeding"]),
        ({"municipality": "34022"}, ["Alfa Metaal"]),
        ({"size": "small"}, ["Alfa Metaal"]),
        ({"stage": "grower"}, ["Alfa Metaal"]),
        ({"theme": "robotics"}, ["Alfa Metaal"]),
        ({"domain": "factories_of_the_future"}, ["Alfa Metaal"]),
        # A division matches main and secondary activities below it.
        ({"nace": "25"}, ["Alfa Metaal", "Bèta Voeding"]),
        ({"nace": "10.71"}, ["Bèta Voeding"]),
        ({"q": "beta"}, ["Bèta Voeding"]),
        ({"q": "courtrai"}, ["Alfa Metaal"]),
        ({"sort": "-name"}, ["Sirris", "Bèta Voeding", "Alfa Metaal"]),
        ({"type": "company", "cluster": "food", "region": "zuid-west-vlaanderen"}, ["Alfa Metaal"]),
    ],
)
def test_list_takes_the_register_page_filters(api, catalogue, params, expected):
    # when
    response = api("staff").get(URL, params)
    # then
    assert response.status_code == 200
    assert names(response) == expected


def test_list_rejects_an_unknown_filter_value(api, catalogue):
    # when
    response = api("staff").get(URL, {"cluster": "no-such-cluster"})
    # then
    assert response.status_code == 400
    assert response.json()["cluster"][0]["code"] == "invalid_choice"


def test_list_query_count_does_not_grow_with_rows(
    api, catalogue, django_assert_max_num_queries, staff_user
):
    # given: forty organisations with every relation filled
    for number in range(40):
        org = Organisation.objects.create(
            name=f"Bedrijf {number:02d}",
            municipality=catalogue["menen"],
            main_nace=catalogue["nace_2562"],
        )
        org.secondary_naces.set([catalogue["nace_1071"]])
        org.clusters.set([catalogue["food"]])
        org.themes.set([catalogue["robotics"]])
        org.domains.set([catalogue["domain"]])
    client = api("staff")
    # when / then: token lookup + last-used, count, the page's ids, its rows, one per
    # prefetched relation
    with django_assert_max_num_queries(9):
        response = client.get(URL, {"page_size": 50})
    assert response.json()["count"] == 43
    assert len(response.json()["results"]) == 43


def test_retrieve_shows_references_nested_and_numbers_both_ways(api, catalogue, company_a):
    # when
    body = api("staff").get(detail(company_a), HTTP_ACCEPT_LANGUAGE="en").json()
    # then
    assert body["enterprise_number"] == "0417497106"
    assert body["enterprise_number_display"] == "0417.497.106"
    assert body["municipality"] == {
        "nis_code": "34022",
        "name": "Kortrijk",
        "region": "zuid-west-vlaanderen",
    }
    assert body["main_nace"] == {"code": "2562", "dotted": "25.62", "label": "Machining"}
    assert body["secondary_naces"] == []
    assert body["clusters"] == ["food"]
    assert body["themes"] == ["robotics"]
    assert body["domains"] == ["factories_of_the_future"]


@pytest.mark.parametrize(
    "written", ["0202.239.951", "BE0202239951", "BE 0202.239.951", "202239951"]
)
def test_create_accepts_enterprise_number_spellings(api, places, staff_user, written):
    # when
    response = api("staff").post(
        URL,
        {
            "name": "Gamma Robotics",
            "type": "company",
            "enterprise_number": written,
            "municipality": "34027",
            "main_nace": "25.62",
            "secondary_naces": ["10.71"],
            "clusters": ["food", "blue_energy"],
            "themes": ["robotics"],
            "turnover_eur": "1250000.50",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    org = Organisation.objects.get(name="Gamma Robotics")
    assert org.enterprise_number == "0202239951"
    assert response.json()["enterprise_number_display"] == "0202.239.951"
    assert org.municipality == places["menen"]
    assert org.main_nace == places["nace_2562"]
    assert list(org.secondary_naces.values_list("code", flat=True)) == ["1071"]
    assert sorted(org.clusters.values_list("code", flat=True)) == ["blue_energy", "food"]
    assert org.turnover_eur == Decimal("1250000.50")
    event = AuditEvent.objects.get(object_id=str(org.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == staff_user
    assert event.changes["clusters"] == [
        None,
        sorted([str(places["blue"]), str(places["food"])]),
    ]


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"enterprise_number": "0417.497.107"}, "enterprise_number", "invalid_enterprise_number"),
        ({"enterprise_number": "12345"}, "enterprise_number", "enterprise_number_format"),
        ({"enterprise_number": "BE0417497106"}, "enterprise_number", "unique"),
        ({"municipality": "99999"}, "municipality", "does_not_exist"),
        ({"main_nace": "99.99"}, "main_nace", "does_not_exist"),
        ({"clusters": ["food", "space"]}, "clusters", "does_not_exist"),
        ({"type": "spaceship"}, "type", "invalid_choice"),
        ({"website": "not a url"}, "website", "invalid"),
        ({"name": ""}, "name", "blank"),
    ],
)
def test_create_rejects_bad_input_with_field_and_code(api, places, company_a, payload, field, code):
    # given
    before = Organisation.objects.count()
    events = AuditEvent.objects.count()
    # when
    response = api("staff").post(URL, {"name": "Delta", **payload}, format="json")
    # then
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert errors[field][0]["code"] == code
    assert Organisation.objects.count() == before
    assert AuditEvent.objects.count() == events


def test_unknown_code_is_named_in_the_message(api, places):
    # when
    response = api("staff").post(URL, {"name": "Delta", "clusters": ["space"]}, format="json")
    # then
    assert "space" in response.json()["clusters"][0]["message"]


def test_partial_update_goes_through_the_service(api, catalogue, company_a, staff_user):
    # when
    response = api("staff").patch(
        detail(company_a),
        {"name": "Alfa Metaalbewerking", "main_nace": "1071", "clusters": []},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    company_a.refresh_from_db()
    assert company_a.name == "Alfa Metaalbewerking"
    assert company_a.main_nace.code == "1071"
    assert not company_a.clusters.exists()
    # Hand edits to KBO fields are remembered so the KBO import leaves them alone.
    assert company_a.manual_fields == ["main_nace", "name"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(company_a.pk))
    assert event.actor == staff_user
    assert event.changes["name"] == ["Alfa Metaal", "Alfa Metaalbewerking"]
    assert event.changes["clusters"] == [[str(catalogue["food"])], []]
    assert response.json()["clusters"] == []


def test_put_accepts_what_get_returned(api, catalogue, company_a):
    # given
    client = api("staff")
    body = client.get(detail(company_a)).json()
    body["description"] = "Plaatbewerking en lassen."
    # when
    response = client.put(detail(company_a), body, format="json")
    # then
    assert response.status_code == 200, response.json()
    company_a.refresh_from_db()
    assert company_a.description == "Plaatbewerking en lassen."
    assert company_a.municipality.nis_code == "34022"
    assert company_a.manual_fields == []


def test_company_user_changes_own_company_but_not_agency_fields(api, catalogue, company_a):
    # when
    allowed = api("company").patch(detail(company_a), {"phone": "056 12 34 56"}, format="json")
    refused = api("company").patch(
        detail(company_a), {"type": "federation", "status": "ceased"}, format="json"
    )
    # then
    assert allowed.status_code == 200
    assert refused.status_code == 400
    assert {field: errors[0]["code"] for field, errors in refused.json().items()} == {
        "type": "read_only_for_role",
        "status": "read_only_for_role",
    }
    company_a.refresh_from_db()
    assert company_a.phone == "056 12 34 56"
    assert company_a.type == OrganisationType.COMPANY
    assert company_a.status == Organisation.Status.ACTIVE


def test_company_user_put_may_repeat_agency_fields_unchanged(api, catalogue, company_a):
    # given
    client = api("company")
    body = client.get(detail(company_a)).json()
    body["email"] = "info@alfa.be"
    # when
    response = client.put(detail(company_a), body, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert Organisation.objects.get(pk=company_a.pk).email == "info@alfa.be"


def test_admin_delete_is_audited(api, catalogue, company_b, admin_user):
    # when
    response = api("admin").delete(detail(company_b))
    # then
    assert response.status_code == 204
    assert not Organisation.objects.filter(pk=company_b.pk).exists()
    event = AuditEvent.objects.get(object_id=str(company_b.pk), action=AuditEvent.Action.DELETE)
    assert event.actor == admin_user
    assert event.changes["name"] == ["Bèta Voeding", None]


def test_delete_of_a_referenced_organisation_is_a_conflict(api, partner_user, partner_org):
    # when: a partner user still points at the organisation (PROTECT)
    response = api("admin").delete(detail(partner_org))
    # then
    assert response.status_code == 409
    assert Organisation.objects.filter(pk=partner_org.pk).exists()
    assert not audit.events_for(partner_org).exists()


def test_session_authentication_works_too(client, staff_user, company_a):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_relations_show_both_directions(api, company_a, company_b, partner_org):
    # given
    Relation.objects.create(source=company_a, target=partner_org, kind=Relation.Kind.MEMBER_OF)
    Relation.objects.create(source=company_b, target=company_a, kind=Relation.Kind.SUBSIDIARY_OF)
    # when
    response = api("company").get(f"{detail(company_a)}relations/")
    # then
    assert response.status_code == 200
    rows = [(r["kind"], r["direction"], r["other"]["name"]) for r in response.json()["results"]]
    assert rows == [("member_of", "out", "Sirris"), ("subsidiary_of", "in", "Bèta Voeding")]


def test_anonymous_gets_401_with_bearer_challenge(db):
    # when
    response = client_for(None).get(URL)
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
