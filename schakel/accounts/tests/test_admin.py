"""The Django admin for users, API tokens and failed logins."""

import pytest
from django.urls import reverse

from schakel.accounts.models import ApiToken, LoginFailure, User


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_user_page_shows_role_partner_and_mandates(admin_client_, company_user, company_a):
    # when
    response = admin_client_.get(reverse("admin:accounts_user_change", args=[company_user.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="role"' in html
    assert 'name="partner_organisation"' in html
    assert 'name="mandates-0-organisation"' in html
    assert f'value="{company_a.pk}"' in html


def test_user_list_filters_by_role(admin_client_, company_user, staff_user):
    # when
    response = admin_client_.get(reverse("admin:accounts_user_changelist"), {"role": "company"})
    # then
    assert list(response.context["cl"].result_list) == [company_user]


def test_token_page_never_shows_the_raw_key(admin_client_, staff_user):
    # given
    token, raw = ApiToken.issue(staff_user, name="export")
    # when
    change = admin_client_.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    listing = admin_client_.get(reverse("admin:accounts_apitoken_changelist"))
    user_page = admin_client_.get(reverse("admin:accounts_user_change", args=[staff_user.pk]))
    # then
    assert change.status_code == 200
    assert token.key_hash in change.content.decode()
    for page in (change, listing, user_page):
        assert raw not in page.content.decode()
    assert 'name="key_hash"' not in change.content.decode()


def test_tokens_cannot_be_added_in_the_admin(admin_client_):
    # when
    response = admin_client_.get(reverse("admin:accounts_apitoken_add"))
    # then
    assert response.status_code == 403


def test_revoke_action(admin_client_, staff_user):
    # given
    token, _raw = ApiToken.issue(staff_user)
    # when
    admin_client_.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    # then
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_login_failures_are_listed_read_only(admin_client_):
    # given
    failure = LoginFailure.objects.create(username="mallory", ip_address="192.0.2.1")
    # when
    listing = admin_client_.get(reverse("admin:accounts_loginfailure_changelist"))
    change = admin_client_.get(reverse("admin:accounts_loginfailure_change", args=[failure.pk]))
    # then
    assert "mallory" in listing.content.decode()
    assert 'name="username"' not in change.content.decode()


def test_staff_without_admin_rights_cannot_open_the_admin(client, company_user):
    # given
    client.force_login(company_user)
    # when
    response = client.get(reverse("admin:accounts_user_changelist"))
    # then
    assert response.status_code == 302


def test_admin_refuses_a_partner_user_without_organisation(admin_client_):
    # when
    response = admin_client_.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "partnerless",
            "password1": "Correct-Horse-42",
            "password2": "Correct-Horse-42",
            "usable_password": "true",
            "email": "p@example.be",
            "role": "partner",
            "language": "nl",
            "mandates-TOTAL_FORMS": "0",
            "mandates-INITIAL_FORMS": "0",
            "api_tokens-TOTAL_FORMS": "0",
            "api_tokens-INITIAL_FORMS": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # then
    assert response.status_code == 200
    assert "A partner user must be linked to a partner organisation." in response.content.decode()
    assert not User.objects.filter(username="partnerless").exists()
