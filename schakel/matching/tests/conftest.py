"""Matching fixtures: an index folder per test, word matching (fast), a small catalogue."""

import copy

import pytest
from django.utils import translation

from schakel.catalog.format import import_catalog
from schakel.places.models import Cluster, Municipality
from schakel.register.models import Organisation, OrganisationType

CATALOG = {
    "format": "schakel.catalog/v1",
    "organisations": [
        {"id": "sirris", "name": "Sirris", "type": "knowledge_centre", "municipality_nis": "34022"},
        {"id": "vlaio", "name": "VLAIO", "type": "funding_body"},
        {"id": "flanders-food", "name": "Flanders' FOOD", "type": "federation"},
    ],
    "offerings": [
        {
            "id": "sirris-cobot-lab",
            "kind": "test_facility",
            "title": {"nl": "Cobotlab", "en": "Cobot lab"},
            "description": {"nl": "Test een cobot met je eigen product in ons lab."},
            "provider": "sirris",
            "clusters": ["machine_building_mechatronics"],
            "themes": ["cobot", "automatisering"],
            "municipality_nis": "34022",
            "audience": {"sizes": ["small", "medium"]},
        },
        {
            "id": "vlaio-kmo-groeisubsidie",
            "kind": "funding",
            "title": "KMO-groeisubsidie",
            "description": "Subsidie voor groeiende kmo's die een strategische groeisprong maken.",
            "provider": "vlaio",
            "audience": {"stages": ["grower"]},
            "open": {"from": "2026-01-01", "until": "2027-03-31"},
        },
        {
            "id": "flanders-food-houdbaarheid",
            "kind": "expertise",
            "title": "Advies over houdbaarheid van voeding",
            "description": "Experts helpen voedingsbedrijven de houdbaarheid van hun producten "
            "te verlengen: verpakking, bewaring en voedselveiligheid.",
            "provider": "flanders-food",
            "clusters": ["food"],
            "themes": ["houdbaarheid", "verpakking"],
        },
        {
            "id": "sirris-lasopleiding",
            "kind": "training",
            "title": "Opleiding robotlassen",
            "description": "Leer een lasrobot programmeren voor je productie.",
            "provider": "sirris",
            "clusters": ["machine_building_mechatronics"],
            "audience": {"stages": ["starter"]},
        },
    ],
}


@pytest.fixture(autouse=True)
def matching_settings(settings, tmp_path):
    """Each test gets its own index folder and a fresh engine; word matching only."""
    from schakel.matching import index, reverse

    settings.MATCHING_INDEX_DIR = tmp_path / "matching-index"
    settings.MATCHING_ENCODER = "none"
    index.reset()
    reverse.clear_cache()
    yield settings
    index.reset()
    reverse.clear_cache()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(db):
    for nis, name in (("34022", "Kortrijk"), ("36015", "Roeselare"), ("31005", "Brugge")):
        Municipality.objects.get_or_create(
            nis_code=nis, defaults={"name_nl": name, "province_nis": "30000"}
        )
    import_catalog(copy.deepcopy(CATALOG), None)
    from schakel.catalog.models import Offering

    return {o.external_id: o for o in Offering.objects.all()}


@pytest.fixture
def food_company(db):
    company = Organisation.objects.create(
        name="Zeebries Voeding",
        type=OrganisationType.COMPANY,
        municipality=Municipality.objects.get_or_create(
            nis_code="36015", defaults={"name_nl": "Roeselare", "province_nis": "30000"}
        )[0],
        size_class="small",
        stage="grower",
        description="Productie van soepen en sauzen in Roeselare.",
    )
    company.clusters.add(
        Cluster.objects.get_or_create(code="food", defaults={"name_nl": "Voeding"})[0]
    )
    return company
