"""Matching as an account manager uses it, in a real browser."""

import copy

import pytest
from playwright.sync_api import expect

from schakel.catalog.format import import_catalog
from schakel.matching.models import MatchFeedback
from schakel.matching.tests.conftest import CATALOG
from schakel.places.models import Cluster, Municipality
from schakel.register.models import Organisation, OrganisationType

from .conftest import login

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="an", password=PASSWORD, role="staff", first_name="An", is_staff=True
    )


@pytest.fixture
def company():
    import_catalog(copy.deepcopy(CATALOG), None)
    org = Organisation.objects.create(
        name="Zeebries Voeding",
        type=OrganisationType.COMPANY,
        municipality=Municipality.objects.get(nis_code="36015"),
        size_class="small",
        stage="grower",
    )
    org.clusters.add(Cluster.objects.get(code="food"))
    return org


def test_staff_gets_an_explained_recommendation_and_marks_it_useful(checked_page, staff, company):
    # given an account manager on the matching page
    login(checked_page, "an", PASSWORD)
    page = checked_page.goto("/match/")

    # when she asks a Dutch question for a company she picks by name
    page.get_by_label("Vraag").fill("Hoe kunnen we de houdbaarheid van onze soep verlengen?")
    page.get_by_label("Bedrijf (optioneel)").fill("Zeebries")
    choice = page.get_by_label("Zeebries Voeding")
    expect(choice).to_be_checked()
    page.get_by_role("button", name="Aanbod zoeken").click()

    # then she sees the recommendation with why it fits, in Dutch
    result = page.locator(".match-result").filter(has_text="Advies over houdbaarheid van voeding")
    expect(result).to_be_visible()
    expect(result.locator(".match-reasons")).to_contain_text("past bij uw cluster Voeding")
    expect(result.locator(".match-reasons")).to_contain_text("komt overeen met uw woorden")
    expect(page.get_by_role("heading", name="Expertise")).to_be_visible()
    checked_page.check_accessibility()

    # when she marks it useful
    result.get_by_role("button", name="Nuttig", exact=True).click()

    # then it is thanked for and stored with the question
    expect(result).to_contain_text("Bedankt: gemarkeerd als nuttig.")
    feedback = MatchFeedback.objects.get()
    assert feedback.useful is True
    assert feedback.offering.external_id == "flanders-food-houdbaarheid"
    assert feedback.organisation == company
    assert feedback.query_text.startswith("Hoe kunnen we de houdbaarheid")
