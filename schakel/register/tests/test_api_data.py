"""Fixtures for the register API tests: reference data and an API client per role.

Imported by the test_api_* modules; it holds no tests itself.
"""

import pytest
from rest_framework.test import APIClient

from schakel.accounts.models import ApiToken
from schakel.places.models import Cluster, Domain, Municipality, NaceCode, Region, Theme


def _get(model, lookup, **defaults):
    """The reference row loaded by the places migration (created when a test database lacks it)."""
    return model.objects.get_or_create(**lookup, defaults=defaults)[0]


@pytest.fixture
def places(db):
    """Municipalities in two regions, a slice of NACE-BEL and a term of each vocabulary."""
    south_west = _get(Region, {"code": "zuid-west-vlaanderen"}, name_nl="Zuid-West-Vlaanderen")
    north_west = _get(Region, {"code": "noord-west-vlaanderen"}, name_nl="Noord-West-Vlaanderen")
    section = _get(NaceCode, {"code": "C"}, level=1, name_nl="Industrie")
    metal = _get(NaceCode, {"code": "25"}, level=2, parent=section, name_nl="Metaal")
    group = _get(NaceCode, {"code": "256"}, level=3, parent=metal, name_nl="Bewerking")
    food = _get(NaceCode, {"code": "10"}, level=2, parent=section, name_nl="Voeding")
    bread_group = _get(NaceCode, {"code": "107"}, level=3, parent=food, name_nl="Brood")

    def municipality(nis_code, name_nl, name_fr, region):
        return _get(
            Municipality,
            {"nis_code": nis_code},
            name_nl=name_nl,
            name_fr=name_fr,
            region=region,
            province_nis="30000",
        )

    return {
        "kortrijk": municipality("34022", "Kortrijk", "Courtrai", south_west),
        "menen": municipality("34027", "Menen", "Menin", south_west),
        "brugge": municipality("31005", "Brugge", "Bruges", north_west),
        "nace_2562": _get(
            NaceCode,
            {"code": "2562"},
            level=4,
            parent=group,
            name_nl="Verspanen",
            name_en="Machining",
        ),
        "nace_1071": _get(
            NaceCode,
            {"code": "1071"},
            level=4,
            parent=bread_group,
            name_nl="Brood",
            name_en="Bread",
        ),
        "nace_25": metal,
        "domain": _get(Domain, {"code": "factories_of_the_future"}, name_nl="Fabrieken"),
        "food": _get(Cluster, {"code": "food"}, name_nl="Voeding"),
        "blue": _get(Cluster, {"code": "blue_energy"}, name_nl="Blauwe energie"),
        "robotics": _get(Theme, {"code": "robotics"}, name_nl="Robotica"),
    }


def client_for(user):
    """An API client that authenticates like a script does: with a bearer token."""
    client = APIClient()
    if user is not None:
        _token, raw = ApiToken.issue(user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api(users):
    """`api("staff")` is an APIClient authenticated as that role (anonymous: no credentials)."""
    clients = {}

    def get(role):
        if role not in clients:
            clients[role] = client_for(users[role])
        return clients[role]

    return get
