"""Logging in, login throttling, password reset and change."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from schakel.accounts.models import LoginFailure, User
from schakel.core.tests.fixtures import PASSWORD

LOGIN = reverse("accounts:login")


def test_login_page_has_labelled_fields(client, db):
    # when
    response = client.get(LOGIN)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="form-label" for="id_username">' in html
    assert '<label class="form-label" for="id_password">' in html
    assert 'autocomplete="current-password"' in html


def test_login_with_the_right_password(client, staff_user):
    # when
    response = client.post(LOGIN, {"username": "staff", "password": PASSWORD})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_wrong_password_shows_an_error_summary_and_is_counted(client, staff_user):
    # when
    response = client.post(LOGIN, {"username": "staff", "password": "wrong"})
    # then
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="staff").count() == 1


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_after_the_limit_even_the_right_password_is_refused(client, staff_user):
    # given
    for _attempt in range(3):
        client.post(LOGIN, {"username": "staff", "password": "wrong"})
    # when
    with translation.override("en"):
        response = client.post(
            LOGIN, {"username": "staff", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
        )
    # then
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts. Wait 15 minutes" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_success_below_the_limit_clears_the_failures(client, staff_user):
    # given
    for _attempt in range(2):
        client.post(LOGIN, {"username": "staff", "password": "wrong"})
    # when
    client.post(LOGIN, {"username": "staff", "password": PASSWORD})
    # then
    assert not LoginFailure.objects.filter(username="staff").exists()
    client.logout()
    client.post(LOGIN, {"username": "staff", "password": "wrong"})
    client.post(LOGIN, {"username": "staff", "password": "wrong"})
    response = client.post(LOGIN, {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_sends_a_working_link(client, company_user):
    # when
    response = client.post(reverse("accounts:password_reset"), {"email": "company@example.be"})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["company@example.be"]
    assert "\n" not in message.subject
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)
    # The confirm view redirects once to a URL without the token, then shows the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Vlaamse-Leeuw-1302", "new_password2": "Vlaamse-Leeuw-1302"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    company_user.refresh_from_db()
    assert company_user.check_password("Vlaamse-Leeuw-1302")
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing(client, db):
    # when
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.be"})
    # then: the same answer, so nobody learns which addresses exist
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(client, staff_user):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Belfort-van-Brugge-83",
            "new_password2": "Belfort-van-Brugge-83",
        },
    )
    # then
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Belfort-van-Brugge-83")


def test_password_change_with_a_wrong_old_password_changes_nothing(client, staff_user):
    # given
    client.force_login(staff_user)
    # when
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Xy-123456789", "new_password2": "Xy-123456789"},
    )
    # then
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "name",
    [
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_complete",
    ],
)
def test_account_pages_render_for_anonymous_visitors(client, db, name):
    # when
    response = client.get(reverse(name))
    # then
    assert response.status_code == 200
    assert b"<h1" in response.content


def test_partner_user_needs_an_organisation(db):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="lonely", password=PASSWORD, role="partner")
    assert not User.objects.filter(username="lonely").exists()


def test_partner_user_constraint_message_in_full_clean(db):
    # given
    user = User(username="lonely", role="partner")
    user.set_password(PASSWORD)
    # when
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        user.full_clean()
    # then
    assert "A partner user must be linked to a partner organisation." in str(caught.value)
