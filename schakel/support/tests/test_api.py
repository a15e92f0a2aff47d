import pytest
from django.core import mail
from rest_framework.test import APIClient

from schakel.support import services
from schakel.support.models import CaseEvent, Question, Referral


@pytest.fixture
def api():
    return APIClient()


def test_company_lists_only_its_questions(api, company_user, question_a, question_b):
    api.force_authenticate(company_user)
    response = api.get("/api/v1/support/questions/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [question_a.pk]
    assert api.get(f"/api/v1/support/questions/{question_b.pk}/").status_code == 404


def test_partner_lists_no_questions(api, partner_user, question_a):
    api.force_authenticate(partner_user)
    assert api.get("/api/v1/support/questions/").json()["count"] == 0


def test_anonymous_is_refused(api, question_a):
    assert api.get("/api/v1/support/questions/").status_code in (401, 403)


def test_company_creates_a_question_for_its_company(api, company_user, company_a):
    api.force_authenticate(company_user)
    response = api.post("/api/v1/support/questions/", {"text": "Help with CE marking"})
    assert response.status_code == 201
    question = Question.objects.get()
    assert question.organisation == company_a
    assert question.channel == "portal"


def test_company_cannot_create_for_another_company(api, company_user, company_b):
    api.force_authenticate(company_user)
    response = api.post("/api/v1/support/questions/", {"text": "x", "organisation": company_b.pk})
    assert response.status_code == 404
    assert Question.objects.count() == 0


def test_transition_ok_stale_and_illegal(api, staff_user, question_a):
    api.force_authenticate(staff_user)
    url = f"/api/v1/support/cases/{question_a.pk}/transition/"
    ok = api.post(url, {"to": "triaged", "version": 1}, format="json")
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = api.post(url, {"to": "in_progress", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    illegal = api.post(url, {"to": "new", "version": 2}, format="json")
    assert illegal.status_code == 400
    assert Question.objects.get(pk=question_a.pk).state == "triaged"


def test_company_cannot_transition(api, company_user, question_a):
    api.force_authenticate(company_user)
    url = f"/api/v1/support/cases/{question_a.pk}/transition/"
    assert api.post(url, {"to": "triaged", "version": 1}, format="json").status_code == 404
    assert CaseEvent.objects.filter(kind="transition").count() == 0


def test_partner_referral_actions(api, partner_user, referral_a):
    api.force_authenticate(partner_user)
    listing = api.get("/api/v1/support/referrals/").json()
    assert [row["id"] for row in listing["results"]] == [referral_a.pk]
    assert "notes" not in listing["results"][0]
    assert api.post(f"/api/v1/support/referrals/{referral_a.pk}/accept/").status_code == 200
    response = api.post(
        f"/api/v1/support/referrals/{referral_a.pk}/outcome/",
        {"outcome": "advice_given", "outcome_on": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 200
    assert Referral.objects.get().outcome == "advice_given"


def test_other_partner_gets_404(api, make_user, referral_a):
    from schakel.register.models import Organisation

    other = Organisation.objects.create(name="Other", type="knowledge_centre")
    user = make_user("other", "partner", partner_organisation=other)
    api.force_authenticate(user)
    assert api.post(f"/api/v1/support/referrals/{referral_a.pk}/accept/").status_code == 404
    assert Referral.objects.get().state == "sent"
    assert not any(m.to == ["an@alfa.be"] and "contact" in m.subject for m in mail.outbox)


def test_referral_awaiting_consent_hidden_from_partner_api(
    api, partner_user, question_a, staff_user, partner_org
):
    services.refer(question_a, partner_org, staff_user, "x")
    api.force_authenticate(partner_user)
    assert api.get("/api/v1/support/referrals/").json()["count"] == 0


def test_decline_without_reason_is_400(api, partner_user, referral_a):
    api.force_authenticate(partner_user)
    response = api.post(f"/api/v1/support/referrals/{referral_a.pk}/decline/", {"reason": ""})
    assert response.status_code == 400
    assert Referral.objects.get().state == "sent"
