"""Reverse matching: the companies of the register that fit an offering."""

import pytest

from schakel.matching import reverse
from schakel.places.models import Cluster, Municipality
from schakel.register.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db


def company(name, **kw):
    clusters = kw.pop("clusters", [])
    org = Organisation.objects.create(name=name, type=OrganisationType.COMPANY, **kw)
    for code in clusters:
        org.clusters.add(Cluster.objects.get_or_create(code=code, defaults={"name_nl": code})[0])
    return org


def test_ranking_uses_cluster_audience_text_and_distance(catalog, english):
    kortrijk = Municipality.objects.get(nis_code="34022")
    brugge = Municipality.objects.get(nis_code="31005")
    near = company(
        "Dichtbij Machines",
        clusters=["machine_building_mechatronics"],
        size_class="small",
        municipality=kortrijk,
    )
    far = company(
        "Veraf Machines",
        clusters=["machine_building_mechatronics"],
        size_class="small",
        municipality=brugge,
    )
    too_big = company(
        "Groot Machines",
        clusters=["machine_building_mechatronics"],
        size_class="large",
        municipality=kortrijk,
    )
    by_text = company(
        "Cobotics bv", description="Integratie van cobot toepassingen.", municipality=brugge
    )
    company("Bakkerij Zoet", clusters=["food"], description="Brood en banket.")

    ranking = reverse.companies_for_offering(catalog["sirris-cobot-lab"])
    names = [fit.organisation.name for fit in ranking.rows(0, 10)]

    assert names[:2] == [near.name, far.name]
    assert names.index(too_big.name) > names.index(far.name)  # audience is small/medium
    assert by_text.name in names
    assert "Bakkerij Zoet" not in names
    first = ranking.rows(0, 1)[0]
    assert "works in the cluster Machine building and mechatronics" in first.reasons
    assert "0 km away" in first.reasons
    assert "meant for small companies" in first.reasons
    big = ranking.rows(names.index(too_big.name), names.index(too_big.name) + 1)[0]
    assert "not meant for large companies (ranked lower)" in big.reasons
    text_fit = ranking.rows(names.index(by_text.name), names.index(by_text.name) + 1)[0]
    assert any(
        r.startswith("its activity or description mentions: cobot") for r in text_fit.reasons
    )


def test_features_refresh_when_the_register_changes(catalog, monkeypatch):
    monkeypatch.setattr(reverse, "CHECK_SECONDS", 0)
    first = reverse.features()
    assert reverse.features() is first
    company("Nieuw Voeding", clusters=["food"])
    assert reverse.features() is not first


def test_features_are_checked_at_most_every_few_seconds(catalog, django_assert_num_queries):
    reverse.features()
    with django_assert_num_queries(0):
        reverse.features()
