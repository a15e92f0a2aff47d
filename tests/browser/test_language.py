"""The language switch in the navbar: Dutch first, English and French a click away."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The login form's username label is Django's own string (the user model's verbose name);
# these are the translations Django ships in django/contrib/auth/locale. The project's
# French catalogue also has "username" (with a straight apostrophe), which wins over
# Django's, so either apostrophe is accepted.
USERNAME_LABEL = {
    "nl": re.compile(r"^Gebruikersnaam$"),
    "en": re.compile(r"^Username$"),
    "fr": re.compile(r"^Nom d['’]utilisateur$"),
}


def log_in_text(language: str) -> str:
    """'Log in' as the running site translates it (the project's catalogue wins over Django's)."""
    with translation.override(language):
        return translation.gettext("Log in")


def expect_login_page_in(page, language: str):
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("label[for=id_username]")).to_have_text(USERNAME_LABEL[language])
    button = page.locator("main form button[type=submit]")
    expect(button).to_have_text(log_in_text(language))
    expect(page).to_have_title(f"{log_in_text(language)} · POM West-Vlaanderen")
    # The navbar marks the current language.
    expect(page.locator(f".lang-switch button[value={language}]")).to_have_attribute(
        "aria-current", "true"
    )


def test_the_interface_is_dutch_and_switches_to_english_and_french(checked_page):
    assert log_in_text("en") == "Log in"
    assert log_in_text("nl") != log_in_text("en") != log_in_text("fr")

    # given a visitor on the login page, with a Belgian Dutch browser
    page = checked_page.goto("/accounts/login/")

    # then the interface is Dutch
    expect_login_page_in(page, "nl")

    # when she switches to English in the navbar
    page.locator(".lang-switch button[value=en]").click()

    # then she stays on the same page, now in English
    page.wait_for_url("**/accounts/login/")
    expect_login_page_in(page, "en")

    # and the choice holds on the next page she opens
    page.locator("nav a[href='/support/ask/']").first.click()
    page.wait_for_url("**/support/ask/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_first_name")).to_be_visible()

    # when she switches to French there
    page.locator(".lang-switch button[value=fr]").click()
    page.wait_for_url("**/support/ask/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # then the login page is French too
    page = checked_page.goto("/accounts/login/")
    expect_login_page_in(page, "fr")

    # when she comes back later (a new tab in the same browser)
    page = checked_page.page.context.new_page()
    page.goto(checked_page.base_url + "/accounts/login/")

    # then French is remembered
    expect_login_page_in(page, "fr")
    page.close()
