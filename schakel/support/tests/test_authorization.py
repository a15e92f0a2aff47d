"""Role × object × action. Denied: 404/403, row unchanged, no CaseEvent, no e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from schakel.core import jobs
from schakel.support import services
from schakel.support.models import CaseEvent, Note, Question, Referral

STAFF_PAGES = ["support:inbox", "support:staff_new", "support:figures"]


def login(client, users, role):
    user = users[role]
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("role", ["anonymous", "partner", "company"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_are_out_of_reach_for_others(client, users, role, name):
    login(client, users, role)
    response = client.get(reverse(name))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["admin", "staff"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_open_for_agency(client, users, role, name):
    login(client, users, role)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("partner", 404), ("company", 404), ("staff", 200), ("admin", 200)],
)
def test_case_page(client, users, question_a, role, status):
    login(client, users, role)
    assert client.get(reverse("support:case_detail", args=[question_a.pk])).status_code == status


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("support:case_transition", {"to": "triaged", "version": 1}),
        ("support:case_note", {"body": "hack"}),
        ("support:case_message", {"body": "hack"}),
        ("support:case_triage", {"version": 1}),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "partner", "company"])
def test_denied_case_actions_change_nothing(client, users, question_a, role, action, data):
    # given
    mail.outbox.clear()
    jobs.run_pending()
    mail.outbox.clear()
    events = CaseEvent.objects.count()
    login(client, users, role)
    # when
    response = client.post(reverse(action, args=[question_a.pk]), data)
    # then
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    question = Question.objects.get(pk=question_a.pk)
    assert (question.state, question.version) == ("new", 1)
    assert CaseEvent.objects.count() == events
    assert Note.objects.count() == 0
    jobs.run_pending()
    assert mail.outbox == []


def test_case_actions_reject_get(client, staff_user, question_a):
    client.force_login(staff_user)
    url = reverse("support:case_transition", args=[question_a.pk])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("partner", 404), ("staff", 404), ("company", 200)],
)
def test_company_view_of_own_question(client, users, question_a, role, status):
    login(client, users, role)
    assert client.get(reverse("support:my_detail", args=[question_a.pk])).status_code == status


def test_company_user_cannot_see_other_companies_questions(client, company_user, question_b):
    client.force_login(company_user)
    assert client.get(reverse("support:my_detail", args=[question_b.pk])).status_code == 404
    response = client.post(reverse("support:my_reply", args=[question_b.pk]), {"body": "x"})
    assert response.status_code == 404
    assert question_b.messages.count() == 0


def test_company_view_hides_internal_notes(client, company_user, question_a, staff_user):
    services.add_note(question_a, "SECRET-INTERNAL-NOTE", staff_user)
    client.force_login(company_user)
    html = client.get(reverse("support:my_detail", args=[question_a.pk])).content.decode()
    assert "SECRET-INTERNAL-NOTE" not in html
    assert question_a.text in html


def test_company_reply_notifies_the_owner(client, company_user, question_a, staff_user):
    services.triage(question_a, staff_user, 1, owner=staff_user)
    jobs.run_pending()
    mail.outbox.clear()
    client.force_login(company_user)
    client.post(reverse("support:my_reply", args=[question_a.pk]), {"body": "Extra info"})
    assert question_a.messages.get().body == "Extra info"
    jobs.run_pending()
    assert [m.to for m in mail.outbox] == [[staff_user.email]]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("company", 404), ("staff", 404), ("partner", 200)]
)
def test_partner_pages(client, users, referral_a, role, status):
    login(client, users, role)
    assert client.get(reverse("support:partner_detail", args=[referral_a.pk])).status_code == status


@pytest.mark.parametrize("role", ["company", "staff"])
def test_partner_actions_denied_to_others(client, users, referral_a, role):
    login(client, users, role)
    response = client.post(
        reverse("support:partner_respond", args=[referral_a.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    assert Referral.objects.get(pk=referral_a.pk).state == "sent"


def test_company_user_cannot_consent_for_another_company(
    client, company_user, question_b, staff_user, partner_org
):
    referral = services.refer(question_b, partner_org, staff_user, "x")
    client.force_login(company_user)
    response = client.post(reverse("support:my_consent", args=[question_b.pk, referral.pk]))
    assert response.status_code == 404
    assert Referral.objects.get(pk=referral.pk).state == "awaiting_consent"
