"""The register's web pages: list, filters, organisation page, create and edit."""

from decimal import Decimal

import pytest
from django.urls import reverse

from schakel.core.models import AuditEvent
from schakel.places.models import (
    Cluster,
    Domain,
    Municipality,
    NaceCode,
    PostalCode,
    Region,
    Theme,
)
from schakel.register.models import (
    Activity,
    Organisation,
    OrganisationType,
    Relation,
    SizeClass,
)

LIST_URL = "/register/"


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English source strings, whatever the Dutch catalogue says."""
    settings.LANGUAGE_CODE = "en"


def _municipality(nis_code, name, postal_code, region_code, region_name):
    region, _ = Region.objects.get_or_create(code=region_code, defaults={"name_nl": region_name})
    municipality, _ = Municipality.objects.get_or_create(
        nis_code=nis_code,
        defaults={"name_nl": name, "name_fr": name, "province_nis": "30000", "region": region},
    )
    if municipality.region_id is None:
        municipality.region = region
        municipality.save(update_fields=["region"])
    PostalCode.objects.get_or_create(code=postal_code, name=name, municipality=municipality)
    return municipality


def _nace(code, level, name, parent=None):
    nace, _ = NaceCode.objects.get_or_create(
        code=code, defaults={"level": level, "name_nl": name, "name_en": name, "parent": parent}
    )
    return nace


@pytest.fixture
def places(db):
    """The reference rows the tests need; get_or_create so they work with or without the data."""
    section = _nace("C", 1, "Manufacturing")
    division = _nace("25", 2, "Fabricated metal products", section)
    group = _nace("256", 3, "Treatment and coating of metals", division)
    klass = _nace("2562", 4, "Machining", group)
    machines = _nace("28", 2, "Machinery", section)
    return {
        "kortrijk": _municipality("34022", "Kortrijk", "8500", "zuid-west-vlaanderen", "Zuid"),
        "ieper": _municipality("33011", "Ieper", "8900", "westhoek", "Westhoek"),
        "roeselare": _municipality("36015", "Roeselare", "8800", "midden-west-vlaanderen", "Mid"),
        "nace_25620": _nace("25620", 5, "Machining", klass),
        "nace_28410": _nace("28410", 5, "Metal forming machinery", _nace("2841", 4, "", machines)),
        "domain": Domain.objects.get_or_create(
            code="factories_of_the_future", defaults={"name_nl": "Factories of the future"}
        )[0],
        "cluster": Cluster.objects.get_or_create(
            code="blue_energy", defaults={"name_nl": "Blauwe energie"}
        )[0],
        "other_cluster": Cluster.objects.get_or_create(
            code="food", defaults={"name_nl": "Voeding"}
        )[0],
        "theme": Theme.objects.get_or_create(code="robotics", defaults={"name_nl": "Robotica"})[0],
    }


@pytest.fixture
def register(places, company_a, company_b, partner_org):
    """Five organisations spread over places, sizes, NACE codes and clusters."""
    company_a.municipality = places["kortrijk"]
    company_a.postal_code = "8500"
    company_a.employees = 40
    company_a.main_nace = places["nace_25620"]
    company_a.save()
    company_a.clusters.add(places["cluster"])
    company_a.domains.add(places["domain"])
    company_b.municipality = places["ieper"]
    company_b.postal_code = "8900"
    company_b.employees = 300
    company_b.save()
    company_b.secondary_naces.add(places["nace_28410"])
    company_b.clusters.add(places["other_cluster"])
    gamma = Organisation.objects.create(
        name="Gamma Robotics",
        municipality=places["roeselare"],
        employees=5,
        description="Cobots en lasrobots",
    )
    gamma.clusters.add(places["cluster"], places["other_cluster"])
    gamma.themes.add(places["theme"])
    partner_org.municipality = places["kortrijk"]
    partner_org.save()
    federation = Organisation.objects.create(
        name="Agoria West-Vlaanderen", type=OrganisationType.FEDERATION
    )
    return {
        "a": company_a,
        "b": company_b,
        "gamma": gamma,
        "partner": partner_org,
        "federation": federation,
    }


def names_in(response):
    return [row.name for row in response.context["rows"]]


# The list ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Agoria West-Vlaanderen", "Alfa Metaal", "Bèta Voeding", "Gamma Robotics", "Sirris"]),
        ({"type": "company"}, ["Alfa Metaal", "Bèta Voeding", "Gamma Robotics"]),
        ({"type": ["federation", "knowledge_centre"]}, ["Agoria West-Vlaanderen", "Sirris"]),
        ({"cluster": "blue_energy"}, ["Alfa Metaal", "Gamma Robotics"]),
        ({"cluster": ["blue_energy", "food"]}, ["Alfa Metaal", "Bèta Voeding", "Gamma Robotics"]),
        ({"domain": "factories_of_the_future"}, ["Alfa Metaal"]),
        ({"theme": "robotics"}, ["Gamma Robotics"]),
        ({"region": "westhoek"}, ["Bèta Voeding"]),
        ({"municipality": "34022"}, ["Alfa Metaal", "Sirris"]),
        ({"size": "small"}, ["Alfa Metaal"]),
        ({"size": ["micro", "large"]}, ["Bèta Voeding", "Gamma Robotics"]),
        ({"nace": "25"}, ["Alfa Metaal"]),
        ({"nace": "25.62"}, ["Alfa Metaal"]),
        ({"nace": "28.4"}, ["Bèta Voeding"]),
        ({"nace": "62"}, []),
        ({"status": "ceased"}, []),
    ],
)
def test_list_filters(client, staff_user, register, params, expected):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, params)
    # then
    assert response.status_code == 200
    assert names_in(response) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("beta", ["Bèta Voeding"]),
        ("BÈTA", ["Bèta Voeding"]),
        ("voed", ["Bèta Voeding"]),
        ("metaal alfa", ["Alfa Metaal"]),
        ("robot", ["Gamma Robotics"]),
        ("lasrobot", ["Gamma Robotics"]),
        ("ieper", ["Bèta Voeding"]),
        ("0417.497.106", ["Alfa Metaal"]),
        ("BE 0417497106", ["Alfa Metaal"]),
        ("west-vlaanderen", ["Agoria West-Vlaanderen"]),
        ("alfa voeding", []),
    ],
)
def test_list_search_copes_with_case_accents_and_partial_words(
    client, staff_user, register, text, expected
):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, {"q": text})
    # then
    assert names_in(response) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Agoria West-Vlaanderen", "Alfa Metaal", "Bèta Voeding", "Gamma Robotics"]),
        ("-name", ["Sirris", "Gamma Robotics", "Bèta Voeding", "Alfa Metaal"]),
        ("employees", ["Gamma Robotics", "Alfa Metaal", "Bèta Voeding", "Agoria West-Vlaanderen"]),
        ("-employees", ["Bèta Voeding", "Alfa Metaal", "Gamma Robotics", "Agoria West-Vlaanderen"]),
        ("municipality", ["Bèta Voeding", "Alfa Metaal", "Sirris", "Gamma Robotics"]),
    ],
)
def test_list_sorts_with_empty_values_last(client, staff_user, register, sort, expected):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, {"sort": sort})
    # then
    assert names_in(response)[:4] == expected


def test_sort_header_reports_aria_sort_and_links_the_other_direction(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, {"sort": "-employees", "type": "company"})
    # then
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["employees"]["state"] == "descending"
    assert columns["employees"]["querystring"] == "sort=employees&type=company"
    assert columns["name"]["state"] == "none"


def test_list_paginates_fifty_a_page_with_a_belgian_count(client, staff_user, db):
    # given
    Organisation.objects.bulk_create(
        [Organisation(name=f"Bedrijf {number:04d}") for number in range(1234)]
    )
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, {"page": 3})
    # then
    assert names_in(response)[0] == "Bedrijf 0100"
    assert len(response.context["rows"]) == 50
    html = response.content.decode()
    assert "101–150 of 1.234" in html
    assert 'aria-current="page"' in html


def test_htmx_request_gets_only_the_rows_with_out_of_band_count(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, {"type": "company"}, headers={"HX-Request": "true"})
    # then
    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "register/_organisation_rows.html"
    assert "<html" not in html
    assert 'id="organisation-count" class="badge text-bg-secondary fs-6" hx-swap-oob="true"' in html
    assert "3 organisations" in html
    assert "type=company&amp;format=csv" in html


def test_boosted_request_gets_the_full_page(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL, headers={"HX-Request": "true", "HX-Boosted": "true"})
    # then
    html = response.content.decode()
    assert "<html" in html
    assert 'id="organisation-filters"' in html
    assert 'hx-push-url="true"' in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 200), ("staff", 200), ("partner", 404), ("company", 404)],
)
def test_list_is_for_agency_staff_only(client, users, role, expected):
    # given
    client.force_login(users[role])
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == expected


def test_list_asks_anonymous_visitors_to_log_in(client, db):
    # when
    response = client.get(LIST_URL)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_list_query_count_does_not_grow_with_rows(
    client, staff_user, places, django_assert_max_num_queries
):
    # given
    for number in range(60):
        organisation = Organisation.objects.create(
            name=f"Firma {number}", municipality=places["kortrijk"], main_nace=places["nace_25620"]
        )
        organisation.clusters.add(places["cluster"])
    client.force_login(staff_user)
    # when: session, user, 6 facet lists, count (by municipality, and their names), page ids,
    # rows, clusters
    with django_assert_max_num_queries(13):
        response = client.get(LIST_URL, {"cluster": "blue_energy", "sort": "municipality"})
    # then
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50


def test_list_count_needs_no_distinct_even_with_a_many_to_many_filter(
    client, staff_user, register, django_assert_max_num_queries
):
    # given
    client.force_login(staff_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # when
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST_URL, {"type": "company", "cluster": "blue_energy"})
    # then
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(*)" in sql
    assert "DISTINCT" not in sql


def test_names_with_html_are_escaped(client, staff_user, db):
    # given
    Organisation.objects.create(name='<script>alert("x")</script> BV')
    client.force_login(staff_user)
    # when
    response = client.get(LIST_URL)
    # then
    html = response.content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; BV" in html


# The organisation page ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "which", "expected"),
    [
        ("admin", "a", 200),
        ("staff", "a", 200),
        ("staff", "b", 200),
        ("company", "a", 200),
        ("company", "b", 404),
        ("company", "partner", 404),
        ("partner", "partner", 200),
        ("partner", "a", 404),
    ],
)
def test_detail_visibility(client, users, register, role, which, expected):
    # given
    client.force_login(users[role])
    # when
    response = client.get(reverse("register:organisation_detail", args=[register[which].pk]))
    # then
    assert response.status_code == expected


def test_detail_asks_anonymous_visitors_to_log_in(client, register):
    # when
    response = client.get(reverse("register:organisation_detail", args=[register["a"].pk]))
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_detail_shows_the_profile(client, staff_user, register, places):
    # given
    organisation = register["a"]
    organisation.turnover_eur = Decimal("1234567.5")
    organisation.legal_form = "BV"
    organisation.save()
    Relation.objects.create(
        source=organisation, target=register["federation"], kind=Relation.Kind.MEMBER_OF
    )
    client.force_login(staff_user)
    # when
    response = client.get(reverse("register:organisation_detail", args=[organisation.pk]))
    # then
    html = response.content.decode()
    assert "0417.497.106" in html
    assert "€\xa01.234.567,50" in html
    assert "25.620" in html
    assert places["kortrijk"].region.label in html
    assert "Member of <a" in html
    assert "Agoria West-Vlaanderen" in html


def test_relations_read_both_ways(client, staff_user, register):
    # given
    Relation.objects.create(
        source=register["a"], target=register["federation"], kind=Relation.Kind.MEMBER_OF
    )
    client.force_login(staff_user)
    # when
    response = client.get(reverse("register:organisation_detail", args=[register["federation"].pk]))
    # then
    html = response.content.decode()
    assert "Agoria West-Vlaanderen: members" in html
    [group] = response.context["relations_in_groups"]
    assert [r.source for r in group["relations"]] == [register["a"]]


def test_company_user_sees_no_internal_activities_nor_audit(
    client, company_user, staff_user, register
):
    # given
    company = register["a"]
    Activity.objects.create(organisation=company, title="Intern verslag", is_internal=True)
    Activity.objects.create(organisation=company, title="Bezoek gepland", is_internal=False)
    client.force_login(company_user)
    # when
    response = client.get(reverse("register:organisation_detail", args=[company.pk]))
    # then
    titles = [a.title for a in response.context["timeline"]]
    assert titles == ["Bezoek gepland"]
    assert "audit" not in response.context
    assert "Audit log" not in response.content.decode()


def test_staff_sees_the_timeline_newest_first_paginated(client, staff_user, register):
    # given
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for number in range(25):
        Activity.objects.create(
            organisation=register["a"],
            title=f"Entry {number:02d}",
            occurred_at=now - timedelta(days=number),
        )
    client.force_login(staff_user)
    # when
    first = client.get(reverse("register:organisation_detail", args=[register["a"].pk]))
    second = client.get(
        reverse("register:organisation_timeline", args=[register["a"].pk]),
        {"timeline_page": 2},
        headers={"HX-Request": "true"},
    )
    # then
    assert [a.title for a in first.context["timeline"]][:2] == ["Entry 00", "Entry 01"]
    assert [a.title for a in second.context["timeline"]] == [
        "Entry 20",
        "Entry 21",
        "Entry 22",
        "Entry 23",
        "Entry 24",
    ]


def test_detail_query_count_is_bounded(client, staff_user, register, django_assert_max_num_queries):
    # given
    for number in range(10):
        Activity.objects.create(organisation=register["a"], title=f"Note {number}")
        register["a"].contacts.create(first_name="P", last_name=str(number))
    client.force_login(staff_user)
    # when
    with django_assert_max_num_queries(22):
        response = client.get(reverse("register:organisation_detail", args=[register["a"].pk]))
    # then
    assert response.status_code == 200


# Create and edit ---------------------------------------------------------------


def valid_form(places, **overrides):
    data = {
        "name": "Delta Kunststoffen",
        "type": "company",
        "status": "active",
        "enterprise_number": "BE0403170701",
        "legal_form": "NV",
        "street": "Kortrijksesteenweg 1",
        "postal_code": "8500",
        "municipality": places["kortrijk"].pk,
        "employees": "12",
        "turnover_eur": "2500000,00",
        "balance_total_eur": "",
        "main_nace_code": "25.620",
        "secondary_nace_codes": "28.410",
        "domains": [places["domain"].pk],
        "clusters": [places["cluster"].pk],
        "themes": [places["theme"].pk],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_creates_an_organisation(client, staff_user, places):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:organisation_create"),
        valid_form(places, enterprise_number="0123.456.749"),
    )
    # then
    organisation = Organisation.objects.get(name="Delta Kunststoffen")
    assert response.status_code == 302
    assert response["Location"] == reverse("register:organisation_detail", args=[organisation.pk])
    assert organisation.enterprise_number == "0123456749"
    assert organisation.municipality == places["kortrijk"]
    assert organisation.main_nace == places["nace_25620"]
    assert list(organisation.secondary_naces.all()) == [places["nace_28410"]]
    assert organisation.turnover_eur == Decimal("2500000.00")
    assert organisation.size_class == SizeClass.SMALL
    assert list(organisation.clusters.all()) == [places["cluster"]]
    event = AuditEvent.objects.get(object_id=str(organisation.pk), action="create")
    assert event.actor == staff_user


def test_htmx_create_answers_hx_location(client, staff_user, places):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:organisation_create"),
        valid_form(places, enterprise_number=""),
        headers={"HX-Request": "true"},
    )
    # then
    organisation = Organisation.objects.get(name="Delta Kunststoffen")
    assert response.status_code == 200
    assert (
        reverse("register:organisation_detail", args=[organisation.pk]) in response["HX-Location"]
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"enterprise_number": "0123.456.789"},
            "enterprise_number",
            "This enterprise number fails the mod-97 check: a digit is wrong.",
        ),
        (
            {"enterprise_number": "12345"},
            "enterprise_number",
            "An enterprise number has 10 digits, e.g. 0123.456.749 or BE0123456749.",
        ),
        (
            {"enterprise_number": "BE0417497106"},
            "enterprise_number",
            "Enterprise number 0417.497.106 is already registered for Alfa Metaal.",
        ),
        ({"postal_code": "8900"}, "postal_code", "Postal code 8900 does not belong to Kortrijk."),
        ({"postal_code": "85"}, "postal_code", "A Belgian postal code has 4 digits."),
        ({"main_nace_code": "99.999"}, "main_nace_code", "99.999 is not a NACE-BEL code."),
        (
            {"secondary_nace_codes": "28.410, 12.345"},
            "secondary_nace_codes",
            "12.345 is not a NACE-BEL code.",
        ),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_create_rejects_bad_input_with_a_clear_error(
    client, staff_user, places, company_a, overrides, field, message
):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:organisation_create"),
        valid_form(places, **overrides),
        headers={"HX-Request": "true"},
    )
    # then
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "register/_organisation_form.html"
    assert response.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Organisation.objects.filter(name="Delta Kunststoffen").exists()


def test_postal_code_alone_fills_in_its_municipality(client, staff_user, places):
    # given
    client.force_login(staff_user)
    # when
    client.post(
        reverse("register:organisation_create"),
        valid_form(places, postal_code="8900", municipality="", enterprise_number=""),
    )
    # then
    assert Organisation.objects.get(name="Delta Kunststoffen").municipality == places["ieper"]


@pytest.mark.parametrize("role", ["company", "partner"])
def test_create_is_for_staff_only(client, users, places, role):
    # given
    client.force_login(users[role])
    # when
    response = client.post(reverse("register:organisation_create"), valid_form(places))
    # then
    assert response.status_code == 404
    assert not Organisation.objects.filter(name="Delta Kunststoffen").exists()


def test_staff_edit_writes_the_audit_trail_with_old_and_new_values(
    client, staff_user, register, places
):
    # given
    organisation = register["a"]
    client.force_login(staff_user)
    data = valid_form(
        places,
        name="Alfa Metaal Kortrijk",
        enterprise_number="0417.497.106",
        employees="60",
        turnover_eur="",
    )
    # when
    response = client.post(reverse("register:organisation_edit", args=[organisation.pk]), data)
    # then
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Alfa Metaal Kortrijk"
    assert organisation.size_class == SizeClass.MEDIUM
    event = AuditEvent.objects.get(object_id=str(organisation.pk), action="update")
    assert event.actor == staff_user
    assert event.changes["name"] == ["Alfa Metaal", "Alfa Metaal Kortrijk"]
    assert event.changes["employees"] == [40, 60]
    assert "name" in organisation.manual_fields
    # and the organisation page shows it
    page = client.get(reverse("register:organisation_detail", args=[organisation.pk]))
    assert "Alfa Metaal → " not in page.content.decode()  # values are separate cells
    assert "Alfa Metaal Kortrijk</ins>" in page.content.decode()


def test_company_user_edits_own_profile(client, company_user, register, places):
    # given
    organisation = register["a"]
    client.force_login(company_user)
    # when
    response = client.post(
        reverse("register:organisation_edit", args=[organisation.pk]),
        {
            "description": "Plaatbewerking",
            "street": "Nieuwe straat 2",
            "postal_code": "8500",
            "municipality": places["kortrijk"].pk,
            "employees": "45",
            "name": "Hijacked",
            "status": "ceased",
        },
    )
    # then
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Plaatbewerking"
    assert organisation.name == "Alfa Metaal"  # not a self-service field
    assert organisation.status == "active"
    assert AuditEvent.objects.get(object_id=str(organisation.pk)).actor == company_user


@pytest.mark.parametrize(("role", "which"), [("company", "b"), ("partner", "a")])
def test_edit_out_of_reach_is_404_and_changes_nothing(client, users, register, role, which):
    # given
    organisation = register[which]
    client.force_login(users[role])
    # when
    response = client.post(
        reverse("register:organisation_edit", args=[organisation.pk]),
        {"description": "Overgenomen", "employees": "1"},
    )
    # then
    assert response.status_code == 404
    organisation.refresh_from_db()
    assert organisation.description == ""
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "which", "expected"),
    [
        ("staff", "a", 200),
        ("admin", "b", 200),
        ("company", "a", 200),
        ("company", "b", 404),
        ("partner", "partner", 200),
        ("partner", "b", 404),
    ],
)
def test_edit_page_permissions(client, users, register, role, which, expected):
    # given
    client.force_login(users[role])
    # when
    response = client.get(reverse("register:organisation_edit", args=[register[which].pk]))
    # then
    assert response.status_code == expected


# Relations and timeline --------------------------------------------------------


def test_staff_adds_and_removes_a_relation(client, staff_user, register):
    # given
    client.force_login(staff_user)
    url = reverse("register:relation_add", args=[register["federation"].pk])
    # when: Alfa is a member of Agoria, added from Agoria's page
    response = client.post(
        url,
        {"direction": "in", "kind": "member_of", "other": register["a"].pk},
        headers={"HX-Request": "true"},
    )
    # then
    relation = Relation.objects.get()
    assert (relation.source, relation.target) == (register["a"], register["federation"])
    assert "Alfa Metaal" in response.content.decode()
    assert AuditEvent.objects.filter(message="Relation added").count() == 2
    # when removed again
    client.post(reverse("register:relation_remove", args=[register["federation"].pk, relation.pk]))
    assert not Relation.objects.exists()


def test_relation_to_itself_is_refused(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:relation_add", args=[register["a"].pk]),
        {"direction": "out", "kind": "member_of", "other": register["a"].pk},
        headers={"HX-Request": "true"},
    )
    # then
    assert "An organisation cannot be related to itself." in response.content.decode()
    assert not Relation.objects.exists()


def test_company_user_cannot_add_relations(client, company_user, register):
    # given
    client.force_login(company_user)
    # when
    response = client.post(
        reverse("register:relation_add", args=[register["a"].pk]),
        {"direction": "out", "kind": "member_of", "other": register["federation"].pk},
    )
    # then
    assert response.status_code == 404
    assert not Relation.objects.exists()


def test_lookup_finds_organisations_by_partial_name(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.get(
        reverse("register:organisation_lookup"), {"q": "agor", "exclude": register["a"].pk}
    )
    # then
    assert [o.name for o in response.context["results"]] == ["Agoria West-Vlaanderen"]


def test_staff_logs_a_call_on_the_timeline(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:activity_add", args=[register["a"].pk]),
        {
            "kind": "call",
            "occurred_at": "2025-03-04T10:30",
            "title": "Opvolging subsidie",
            "body": "Belt terug",
            "is_internal": "on",
        },
        headers={"HX-Request": "true"},
    )
    # then
    activity = Activity.objects.get()
    assert (activity.kind, activity.title) == ("call", "Opvolging subsidie")
    assert activity.actor == staff_user
    assert activity.is_internal is True
    assert activity.occurred_at.isoformat() == "2025-03-04T09:30:00+00:00"
    assert "Opvolging subsidie" in response.content.decode()


def test_timeline_form_rejects_a_kind_other_apps_own(client, staff_user, register):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("register:activity_add", args=[register["a"].pk]),
        {"kind": "funding", "occurred_at": "2025-03-04T10:30", "title": "Nep"},
        headers={"HX-Request": "true"},
    )
    # then
    assert response.status_code == 200
    assert not Activity.objects.exists()
    assert "is not one of the available choices" in response.content.decode()
