"""A company user with several mandates picks the company they act for."""

import datetime as dt

import pytest
from django.urls import reverse

from schakel.accounts.middleware import SESSION_KEY, get_acting_company

CHOOSE = reverse("accounts:choose_company")


@pytest.fixture
def two_mandates(company_user, company_b):
    company_user.mandates.create(organisation=company_b, capacity="accountant")
    return company_user


def acting(client):
    """The company the next request acts for, as the middleware resolves it."""
    request = client.get(reverse("portal:home")).wsgi_request
    return get_acting_company(request)


def test_first_company_by_name_is_the_default(client, two_mandates, company_a):
    # given
    client.force_login(two_mandates)
    # when / then
    assert acting(client) == company_a


def test_company_user_switches_to_another_mandate(client, two_mandates, company_b):
    # given
    client.force_login(two_mandates)
    # when
    response = client.post(CHOOSE, {"company": company_b.pk, "next": "/register/"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/register/"
    assert client.session[SESSION_KEY] == company_b.pk
    assert acting(client) == company_b


def test_company_without_mandate_cannot_be_picked(client, company_user, company_a, company_b):
    # given
    client.force_login(company_user)
    # when
    response = client.post(CHOOSE, {"company": company_b.pk})
    # then
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert acting(client) == company_a


def test_expired_mandate_cannot_be_picked(client, two_mandates, company_a, company_b):
    # given
    two_mandates.mandates.filter(organisation=company_b).update(valid_until=dt.date(2000, 1, 1))
    client.force_login(two_mandates)
    # when
    client.post(CHOOSE, {"company": company_b.pk})
    # then
    assert SESSION_KEY not in client.session
    assert acting(client) == company_a


def test_a_foreign_next_url_is_ignored(client, two_mandates, company_b):
    # given
    client.force_login(two_mandates)
    # when
    response = client.post(CHOOSE, {"company": company_b.pk, "next": "https://evil.example/"})
    # then
    assert response["Location"] == "/"


def test_choosing_requires_post(client, two_mandates):
    # given
    client.force_login(two_mandates)
    # when / then
    assert client.get(CHOOSE).status_code == 405


def test_staff_have_no_acting_company(client, staff_user, company_a):
    # given
    client.force_login(staff_user)
    # when / then
    assert acting(client) is None
