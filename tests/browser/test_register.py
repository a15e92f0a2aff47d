"""The register as a staff member uses it, in a real browser."""

import pytest
from playwright.sync_api import expect

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
def companies():
    kortrijk = Municipality.objects.get(nis_code="34022")
    brugge = Municipality.objects.get(nis_code="31005")
    food = Cluster.objects.get(code="food")
    made = [
        Organisation.objects.create(
            name="Vlasbloem Metaalbewerking",
            type=OrganisationType.COMPANY,
            enterprise_number="0417497106",
            municipality=kortrijk,
            postal_code="8500",
        ),
        Organisation.objects.create(
            name="Zeebries Voeding",
            type=OrganisationType.COMPANY,
            enterprise_number="0403170701",
            municipality=brugge,
            postal_code="8000",
        ),
        Organisation.objects.create(name="Sirris", type=OrganisationType.KNOWLEDGE_CENTRE),
    ]
    made[1].clusters.add(food)
    return made


def test_staff_searches_filters_opens_and_edits_a_company(checked_page, staff, companies):
    # given a logged-in account manager on the register
    page = login(checked_page, "an", PASSWORD)
    page = checked_page.goto("/register/")
    page.evaluate("window.__sameDocument = true")
    rows = page.locator("#organisation-rows tbody tr")
    assert rows.count() == 3

    # when she types part of a word, without case or accents
    page.fill("#filter-q", "METAALBEW")
    page.wait_for_url("**q=METAALBEW**")

    # then the list updates in place, and the filter is in the URL
    expect(rows).to_have_count(1)
    assert "Vlasbloem Metaalbewerking" in rows.first.inner_text()
    assert page.evaluate("window.__sameDocument") is True

    # when she clears the search and filters on the food cluster
    page.fill("#filter-q", "")
    expect(rows).to_have_count(3)
    page.locator("input[name=cluster][value=food]").check()
    page.wait_for_url("**cluster=food**")
    expect(rows).to_have_count(1)
    assert "Zeebries Voeding" in rows.first.inner_text()
    assert page.evaluate("window.__sameDocument") is True

    # when she opens the company and saves it with a wrong enterprise number
    page.get_by_role("link", name="Zeebries Voeding").click()
    page.wait_for_url(f"**/register/{companies[1].pk}/")
    checked_page.goto(f"/register/{companies[1].pk}/edit/")
    page.fill("#id_enterprise_number", "0403.170.702")
    page.locator("#organisation-form button[type=submit]").click()

    # then the error is shown next to the field and nothing is saved
    error = page.locator("#id_enterprise_number_error")
    error.wait_for()
    assert "97" in error.inner_text()
    checked_page.check_accessibility()
    companies[1].refresh_from_db()
    assert companies[1].enterprise_number == "0403170701"


def test_import_with_one_bad_row_shows_the_report_and_writes_nothing(
    checked_page, staff, companies, tmp_path
):
    # given a CSV file as a Belgian user makes it, with one invalid enterprise number
    csv = tmp_path / "bedrijven.csv"
    csv.write_text(
        "Ondernemingsnummer;Naam;Postcode;Gemeente\n"
        "0202.239.951;Proximus Test;8500;Kortrijk\n"
        "0123.456.789;Foutief Bedrijf;8000;Brugge\n",
        encoding="utf-8-sig",
    )
    before = Organisation.objects.count()
    page = login(checked_page, "an", PASSWORD)

    # when she uploads it
    page = checked_page.goto("/register/import/")
    page.set_input_files("#id_file", str(csv))
    page.locator("main form button[type=submit]").first.click()

    # then the report names the bad row, confirming is impossible, and nothing was written
    page.locator(".error-row").first.wait_for(timeout=20_000)
    report = page.locator(".error-row").first.inner_text()
    assert "3" in report or "Foutief Bedrijf" in report
    assert page.locator("form[action$='/confirm/'] button").count() == 0
    assert Organisation.objects.count() == before
