"""The /match/ page, feedback, the offering statistics and the companies-that-fit page."""

import csv
import io
import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from openpyxl import load_workbook

from schakel.matching.models import MatchFeedback

pytestmark = pytest.mark.django_db
URL = "/match/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_partner_users_may_not_use_matching(client, partner_user):
    client.force_login(partner_user)
    assert client.get(URL).status_code == 403


def test_staff_results_are_grouped_by_kind_with_reasons(client, staff_user, catalog, food_company):
    # given a staff member asking for a food company, in Dutch
    client.force_login(staff_user)
    response = client.post(
        URL,
        {"text": "houdbaarheid van soep verlengen en opleiding", "company": food_company.pk},
        headers={"Accept-Language": "nl", "HX-Request": "true"},
    )
    # then only the results region comes back, grouped by kind, with translated reasons
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "matching/_results.html"
    groups = response.context["groups"]
    kinds = [g["kind"] for g in groups]
    assert kinds == sorted(
        kinds,
        key=[
            "expertise",
            "test_facility",
            "equipment",
            "workspace",
            "terminal",
            "funding",
            "programme",
            "training",
            "event",
        ].index,
    )
    expertise = groups[0]["items"][0]
    assert expertise.external_id == "flanders-food-houdbaarheid"
    html = response.content.decode()
    assert "past bij uw cluster Voeding" in html
    assert "Zeebries Voeding" in html
    assert 'href="/catalog/flanders-food-houdbaarheid/"' in html
    assert "Was dit nuttig?" in html
    assert "Semantische matching is niet beschikbaar" in html  # lexical mode says so


def test_a_full_page_post_renders_the_whole_page(client, staff_user, catalog):
    client.force_login(staff_user)
    response = client.post(URL, {"text": "cobot"}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert response.context["answer"].results[0].external_id == "sirris-cobot-lab"


def test_empty_question_shows_a_field_error(client, staff_user, catalog):
    client.force_login(staff_user)
    response = client.post(URL, {"text": "  "}, headers={"Accept-Language": "en"})
    assert response.context["answer"] is None
    assert "This field is required." in response.content.decode()


def test_company_users_ask_for_their_own_company_only(client, company_user, company_b, catalog):
    client.force_login(company_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"].initial["company"] == company_user.mandates.get().organisation_id
    # a company they do not act for is not a valid choice
    response = client.post(URL, {"text": "cobot", "company": company_b.pk})
    assert response.context["answer"] is None
    assert "company" in response.context["form"].errors
    # and they see no feedback buttons
    response = client.post(URL, {"text": "cobot"})
    assert "matching/feedback" not in response.content.decode()


def test_staff_mark_a_result_useful(client, staff_user, catalog, food_company):
    client.force_login(staff_user)
    response = client.post(
        "/match/feedback/",
        {
            "offering": "flanders-food-houdbaarheid",
            "query_text": "houdbaarheid van soep",
            "context": json.dumps({"clusters": ["food"]}),
            "company": food_company.pk,
            "rank": 1,
            "score": "0.81",
            "useful": "1",
        },
        headers={"Accept-Language": "en", "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "marked as useful" in response.content.decode()
    feedback = MatchFeedback.objects.get()
    assert feedback.useful is True
    assert feedback.user == staff_user
    assert feedback.query_text == "houdbaarheid van soep"
    assert feedback.context == {"clusters": ["food"]}
    assert (feedback.rank, feedback.score) == (1, 0.81)
    assert feedback.organisation == food_company


def test_feedback_is_staff_only(client, company_user, catalog):
    client.force_login(company_user)
    response = client.post(
        "/match/feedback/",
        {"offering": "sirris-cobot-lab", "query_text": "x", "rank": 1, "score": 1, "useful": "1"},
    )
    assert response.status_code == 403
    assert not MatchFeedback.objects.exists()


def test_offering_stats_tag_counts_feedback(catalog, staff_user, company_user):
    offering = catalog["sirris-cobot-lab"]
    for useful in (True, True, False):
        MatchFeedback.objects.create(
            query_text="cobot", offering=offering, useful=useful, user=staff_user, rank=1, score=1
        )
    template = Template('{% include "matching/_offering_stats.html" %}')
    request = RequestFactory().get("/")
    request.user = staff_user
    html = template.render(Context({"offering": offering, "request": request}))
    assert 'data-stat="useful">2<' in html
    assert 'data-stat="not-useful">1<' in html
    assert 'data-stat="referrals">0<' in html  # the support app is installed
    request.user = company_user
    assert "data-stat" not in template.render(Context({"offering": offering, "request": request}))


def test_staff_offering_page_shows_the_stats(client, staff_user, catalog):
    client.force_login(staff_user)
    response = client.get("/catalog/manage/sirris-cobot-lab/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Companies that fit this offering" in response.content.decode()


def test_companies_page_ranks_exports_and_is_staff_only(
    client, staff_user, company_user, catalog, food_company
):
    from schakel.register.models import Organisation, OrganisationType

    Organisation.objects.create(
        name="=HYPERLINK(evil) Staalbouw",
        type=OrganisationType.COMPANY,
        description="Verpakking van voeding en houdbaarheid van producten.",
    )
    url = "/match/offering/flanders-food-houdbaarheid/companies/"
    client.force_login(company_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    fits = page.context["fits"]
    assert [f.organisation.name for f in fits][:1] == ["Zeebries Voeding"]
    assert any("mentions" in r for r in fits[1].reasons)

    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()[1:]), delimiter=";")
    )
    assert rows[1][1] == "Zeebries Voeding"
    assert rows[2][1] == "'=HYPERLINK(evil) Staalbouw"

    book = load_workbook(io.BytesIO(b"".join(client.get(url + "?format=xlsx").streaming_content)))
    sheet = book.active
    assert sheet.cell(row=3, column=2).value == "'=HYPERLINK(evil) Staalbouw"
