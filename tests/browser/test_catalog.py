"""The public catalogue as an anonymous visitor uses it, in a real browser."""

import pytest
from playwright.sync_api import expect

from schakel.catalog.models import Offering, OfferingKind
from schakel.places.models import Cluster
from schakel.register.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def offerings():
    sirris = Organisation.objects.create(name="Sirris", type=OrganisationType.KNOWLEDGE_CENTRE)
    vlaio = Organisation.objects.create(name="VLAIO", type=OrganisationType.FUNDING_BODY)
    food_centre = Organisation.objects.create(
        name="Flanders' FOOD", type=OrganisationType.KNOWLEDGE_CENTRE
    )
    mechatronics = Cluster.objects.get(code="machine_building_mechatronics")
    food = Cluster.objects.get(code="food")
    cobot = Offering.objects.create(
        external_id="sirris-cobot-lab",
        kind=OfferingKind.TEST_FACILITY,
        title_nl="Cobotlab",
        title_en="Cobot lab",
        title_fr="Laboratoire de cobots",
        description_nl="Test een cobot op uw eigen werkstuk.",
        description_fr="Testez un cobot sur votre propre pièce.",
        provider=sirris,
    )
    cobot.clusters.add(mechatronics)
    portfolio = Offering.objects.create(
        external_id="vlaio-kmo-portefeuille",
        kind=OfferingKind.FUNDING,
        title_nl="KMO-portefeuille",
        description_nl="Subsidie voor opleiding en advies.",
        provider=vlaio,
    )
    advice = Offering.objects.create(
        external_id="flanders-food-advies",
        kind=OfferingKind.EXPERTISE,
        title_nl="Advies voedselveiligheid",
        description_nl="Hulp bij HACCP en etikettering.",
        provider=food_centre,
    )
    advice.clusters.add(food)
    return {"cobot": cobot, "portfolio": portfolio, "advice": advice}


def titles(page):
    return page.locator("#offering-results article h3")


def test_visitor_filters_the_catalogue_and_reads_an_offering_in_french(checked_page, offerings):
    # given an anonymous visitor on the catalogue
    page = checked_page.goto("/catalog/")
    page.evaluate("window.__sameDocument = true")
    expect(titles(page)).to_have_count(3)

    # when she ticks the kind "test facility"
    page.locator("input[name=kind][value=test_facility]").check()

    # then the list updates in place, and the filter is in the URL
    page.wait_for_url("**kind=test_facility**")
    expect(titles(page)).to_have_count(1)
    expect(titles(page)).to_have_text(["Cobotlab"])
    assert page.evaluate("window.__sameDocument") is True

    # when she swaps it for the food cluster
    page.locator("input[name=kind][value=test_facility]").uncheck()
    expect(titles(page)).to_have_count(3)
    page.locator("input[name=cluster][value=food]").check()
    page.wait_for_url("**cluster=food**")

    # then only the food offering is left
    expect(titles(page)).to_have_text(["Advies voedselveiligheid"])
    assert "kind=" not in page.url

    # when she also asks for funding, which the food cluster has none of
    page.locator("input[name=kind][value=funding]").check()
    page.wait_for_url("**kind=funding**")

    # then the list says nothing matches, and the page is still accessible
    expect(titles(page)).to_have_count(0)
    expect(page.locator("#offering-results p")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    checked_page.check_accessibility()

    # when she opens the filtered address directly, the filters are applied on arrival
    page = checked_page.goto("/catalog/?cluster=machine_building_mechatronics")
    expect(page.locator("input[name=cluster][value=machine_building_mechatronics]")).to_be_checked()
    expect(titles(page)).to_have_text(["Cobotlab"])

    # and opens the offering
    page.locator("#offering-results a[href='/catalog/sirris-cobot-lab/']").click()
    page.wait_for_url("**/catalog/sirris-cobot-lab/")
    expect(page.locator("main h1")).to_have_text("Cobotlab")

    # when she switches to French
    page.locator(".lang-switch button[value=fr]").click()
    page.wait_for_url("**/catalog/sirris-cobot-lab/")

    # then the offering shows its French title and description
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_text("Laboratoire de cobots")
    expect(page.locator("main")).to_contain_text("Testez un cobot")
    expect(page).to_have_title("Laboratoire de cobots · POM West-Vlaanderen")

    # and an offering without a French title falls back to the Dutch one
    page = checked_page.goto("/catalog/vlaio-kmo-portefeuille/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_text("KMO-portefeuille")
