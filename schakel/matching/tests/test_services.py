"""Services other apps call: the support triage recommendations, reasons in Dutch."""

import datetime as dt

import pytest
from django.utils import translation

from schakel.matching import services
from schakel.matching.reasons_i18n import reason_text
from schakel.places.models import Cluster

pytestmark = pytest.mark.django_db


def test_context_of_a_company(food_company):
    assert services.context_for_organisation(food_company) == {
        "municipality_nis": "36015",
        "size": "small",
        "stage": "grower",
        "clusters": ["food"],
    }


def test_recommend_for_text_maps_the_support_context(catalog, food_company):
    recs = services.recommend_for_text(
        "Hoe houden onze producten langer goed?",
        {
            "organisation": food_company,
            "domain": None,
            "cluster": Cluster.objects.get(code="food"),
            "region": None,
            "themes": [],
            "language": "nl",
        },
        top=3,
    )
    assert recs[0].external_id == "flanders-food-houdbaarheid"
    assert str(recs[0]) == "Advies over houdbaarheid van voeding"
    assert recs[0].url == "/catalog/flanders-food-houdbaarheid/"
    assert "past bij uw cluster Voeding" in recs[0].reasons
    assert len(recs) <= 3


def test_recommend_for_an_empty_text_gives_nothing(catalog):
    assert services.recommend_for_text("   ", {}) == []


@pytest.mark.parametrize(
    ("reason", "dutch"),
    [
        ({"code": "cluster_fit", "clusters": ["food"]}, "past bij uw cluster Voeding"),
        (
            {"code": "cluster_fit", "clusters": ["food", "care_economy"]},
            "past bij uw clusters Voeding en Zorgeconomie",
        ),
        ({"code": "near", "km": 12}, "op 12 km"),
        ({"code": "open_until", "date": "2027-03-31"}, "open tot 31 maart 2027"),
        ({"code": "opens_on", "date": dt.date(2027, 2, 11)}, "opent op 11 februari 2027"),
        ({"code": "matched_terms", "terms": ["cobot"]}, "komt overeen met uw woorden: cobot"),
        ({"code": "semantic"}, "gelijkaardig in betekenis aan uw vraag"),
    ],
)
def test_reasons_in_dutch(reason, dutch):
    with translation.override("nl"):
        assert reason_text(reason) == dutch


def test_audience_reason_says_whom_the_offering_is_for():
    from schakel.matching.engine import Document

    doc = Document(id="x", kind="funding", title={"nl": "x"}, audience_stages=["starter"])
    with translation.override("nl"):
        text = reason_text({"code": "audience_excludes_stage", "stage": "grower"}, doc)
    assert text == "enkel voor bedrijven in de fase starter (lager gerangschikt)"


def test_support_case_page_shows_recommendations_with_reasons(
    client, staff_user, catalog, food_company
):
    from django.urls import reverse

    from schakel.support import services as support
    from schakel.support.models import Channel

    # given a company's question in the support inbox
    question = support.submit_question(
        organisation=food_company,
        asker=support.Asker("An", "Peeters", "an@zeebries.be", "+32 50 12 34 56", "nl"),
        text="Hoe verlengen we de houdbaarheid van onze soep?",
        channel=Channel.WEB,
    )
    # when staff open the case
    client.force_login(staff_user)
    response = client.get(
        reverse("support:case_detail", args=[question.pk]), headers={"Accept-Language": "nl"}
    )
    # then the recommendations link to the offering and say why
    html = response.content.decode()
    recs = response.context["recommendations"]
    assert recs[0].external_id == "flanders-food-houdbaarheid"
    assert 'href="/catalog/flanders-food-houdbaarheid/"' in html
    assert "past bij uw cluster Voeding" in html
