"""The register demo data: the reference organisations and the fictional companies."""

import pytest

from schakel.accounts.demo import ensure_agency_users
from schakel.core.demo import FICTIONAL_SOURCE, source_text
from schakel.core.validators import enterprise_number_is_valid
from schakel.register import demo
from schakel.register.models import Activity, Contact, Organisation, Relation


def test_demo_enterprise_numbers_are_valid_distinct_and_outside_issued_ranges():
    # when
    numbers = [demo.demo_enterprise_number(i) for i in range(100_000)]

    # then
    assert len(set(numbers)) == 100_000
    assert all(n.startswith("09") and enterprise_number_is_valid(n) for n in numbers)


def test_source_text_cites_title_and_url_and_marks_uncertain_records():
    # when
    text = source_text(["s13"], uncertain=True)

    # then
    assert text == (
        "Uncertain (not fully verified): Opening Circular Materials Center in Kortrijk "
        "(POM West-Vlaanderen) <http://pomwvl.be/news/opening_Circular_Materials_Center>"
    )


def test_source_text_keeps_whole_citations_within_the_field_length():
    # when: many long sources for a 500-character field
    text = source_text([f"s{n:02d}" for n in range(10, 40)])

    # then: only whole "title <url>" pairs, and the number left out
    assert len(text) <= 500
    assert text.endswith("more sources)")
    assert text.count("<") == text.count(">")


@pytest.mark.django_db
def test_reference_organisations_have_types_places_sources_and_stated_relations():
    # when
    created, updated = demo.load_reference_organisations()

    # then
    assert (created, updated) == (Organisation.objects.count(), 0)
    by_id = {o.external_id: o for o in Organisation.objects.select_related("municipality")}
    assert by_id["vlaio-agentschap-innoveren-ondernemen"].type == "funding_body"
    assert by_id["danish-business-authority"].type == "funding_body"
    assert by_id["pom-west-vlaanderen"].type == "public_body"
    assert by_id["river-terminal-wielsbeke"].type == "terminal_operator"
    assert by_id["hangar-k"].type == "business_centre"
    assert by_id["howest"].type == "university"
    assert by_id["fevia"].source.startswith("Uncertain (not fully verified): ")
    # Zeebrugge is part of Brugge; Meulebeke-era names are resolved by the places services
    assert by_id["haven-van-zeebrugge-port-of-antwerp-bruges"].municipality.name_nl == "Brugge"
    assert by_id["river-terminal-wielsbeke"].municipality.name_nl == "Wielsbeke"
    # relations the document states, and none it does not
    relations = set(
        Relation.objects.values_list("source__external_id", "kind", "target__external_id")
    )
    assert ("shipit", "operates", "river-terminal-wielsbeke") in relations
    assert (
        "howest",
        "member_of",
        "tua-west-technische-universitaire-alliantie-west-vlaanderen",
    ) in (relations)
    assert ("centexbel", "partner_of", "circular-materials-center-cmc") in relations
    lar = "transportcentrum-en-spoorterminal-lar-lauwe-aalbeke-rekkem"
    assert ("delcaterminal", "operates", lar) in relations
    assert ("leiedal", "operates", lar) not in relations  # Leiedal appointed the operator
    assert not any(source == target for source, _, target in relations)


@pytest.mark.django_db
def test_reference_load_twice_changes_nothing():
    # given
    demo.load_reference_organisations()
    before = (Organisation.objects.count(), Relation.objects.count())

    # when
    created, updated = demo.load_reference_organisations()

    # then
    assert (created, updated) == (0, 0)
    assert (Organisation.objects.count(), Relation.objects.count()) == before


@pytest.mark.django_db
def test_fictional_companies_are_consistent():
    # given
    demo.load_reference_organisations()
    _, staff = ensure_agency_users()

    # when
    new = demo.load_companies(60, seed=11)

    # then
    assert new == 60
    companies = Organisation.objects.filter(source=FICTIONAL_SOURCE).select_related(
        "municipality", "main_nace"
    )
    assert companies.count() == 60
    for company in companies:
        # the stored search text is what the model would compute
        assert company.search_text == company.build_search_text()
        assert company.size_class == company.compute_size_class()
        assert company.municipality.province_nis == "30000"
        assert company.municipality.merged_into_id is None
        assert company.main_nace.level == 5
        assert company.account_manager_id in (None, staff.pk)
        clusters = set(company.clusters.values_list("code", flat=True))
        division = company.main_nace.code[:2]
        if division in ("10", "11"):
            assert clusters == {"food"}
        if division in ("25", "28"):
            assert clusters == {"machine_building_mechatronics"}
        if division in ("13", "20", "22"):
            assert clusters == {"new_materials"}
    contacts = Contact.objects.filter(organisation__source=FICTIONAL_SOURCE)
    assert 60 <= contacts.count() <= 120
    assert all(c.email.endswith(".example.be") for c in contacts)
    for activity in Activity.objects.all():
        assert activity.actor == staff
        assert activity.organisation.account_manager == staff
        assert activity.occurred_at.tzinfo is not None


@pytest.mark.django_db
def test_more_companies_later_extends_the_same_set():
    # given
    demo.load_reference_organisations()
    demo.load_companies(5, seed=3)
    first = list(
        Organisation.objects.filter(source=FICTIONAL_SOURCE)
        .order_by("external_id")
        .values_list("external_id", "name", "enterprise_number")
    )

    # when
    new = demo.load_companies(8, seed=3)

    # then
    assert new == 3
    after = list(
        Organisation.objects.filter(source=FICTIONAL_SOURCE)
        .order_by("external_id")
        .values_list("external_id", "name", "enterprise_number")
    )
    assert after[:5] == first
    assert len(after) == 8
