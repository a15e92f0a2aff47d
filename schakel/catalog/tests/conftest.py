"""Catalogue fixtures: the municipalities the dev catalogue names, and a small valid document."""

import copy
import json
from pathlib import Path

import pytest

from schakel.places.models import Municipality

# A copy of shared/bench/matching-dev/catalog.json, so the suite runs anywhere.
DEV_CATALOG = Path(__file__).parent / "data" / "dev-catalog.json"
# Until the places data migration lands, tests create the municipalities they use.
MUNICIPALITIES = {
    "31005": "Brugge",
    "32003": "Diksmuide",
    "33011": "Ieper",
    "34022": "Kortrijk",
    "34040": "Waregem",
    "35013": "Oostende",
    "36015": "Roeselare",
    "37017": "Tielt",
}


@pytest.fixture
def municipalities(db):
    return {
        nis: Municipality.objects.get_or_create(
            nis_code=nis, defaults={"name_nl": name, "province_nis": "30000"}
        )[0]
        for nis, name in MUNICIPALITIES.items()
    }


@pytest.fixture
def dev_catalog():
    return json.loads(DEV_CATALOG.read_text(encoding="utf-8"))


SMALL = {
    "format": "schakel.catalog/v1",
    "organisations": [
        {
            "id": "sirris",
            "name": "Sirris",
            "type": "knowledge_centre",
            "description": "Collectief centrum van de technologische industrie.",
            "website": "https://www.sirris.be",
            "municipality_nis": "34022",
            "domains": ["factories_of_the_future"],
            "clusters": ["machine_building_mechatronics"],
            "themes": ["industrie 4.0"],
        },
        {"id": "vlaio", "name": "VLAIO", "type": "funding_body"},
    ],
    "offerings": [
        {
            "id": "sirris-cobot-lab",
            "kind": "test_facility",
            "title": {"nl": "Cobotlab", "en": "Cobot lab"},
            "description": {"nl": "Test een cobot met je eigen product.", "fr": "Testez un cobot."},
            "provider": "sirris",
            "domains": ["factories_of_the_future"],
            "clusters": ["machine_building_mechatronics"],
            "themes": ["cobot", "automatisering"],
            "municipality_nis": "34022",
            "audience": {"sizes": ["small", "medium"]},
            "contact": {"name": "An Peeters", "email": "an@sirris.be", "phone": "+32 56 00 00 00"},
            "url": "https://www.sirris.be/cobot",
        },
        {
            "id": "vlaio-ecologiepremie-2027",
            "kind": "funding",
            "title": "Ecologiepremie+ 2027",
            "description": "Steun voor milieuvriendelijke investeringen.",
            "provider": "vlaio",
            "open": {"from": "2027-01-15", "until": "2027-04-30"},
            "budget_eur": 25000000,
            "unknown_field": "ignored",
        },
    ],
    "generator": "ignored too",
}


@pytest.fixture
def small_catalog():
    return copy.deepcopy(SMALL)
