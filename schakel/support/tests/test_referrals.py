import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schakel.core import jobs
from schakel.register.models import Organisation, OrganisationType
from schakel.support import services
from schakel.support.models import Referral
from schakel.support.workflow import State, WorkflowError


@pytest.fixture
def other_partner(db):
    return Organisation.objects.create(name="Flanders Make", type=OrganisationType.KNOWLEDGE_CENTRE)


@pytest.fixture
def other_partner_user(make_user, other_partner):
    return make_user("fm", "partner", partner_organisation=other_partner)


def test_referral_without_consent_is_invisible_to_the_partner(
    question_a, staff_user, partner_org, partner_user
):
    # given
    services.triage(question_a, staff_user, 1, owner=staff_user)
    # when
    referral = services.refer(question_a, partner_org, staff_user, "Cobot lab")
    # then
    assert referral.state == Referral.State.AWAITING_CONSENT
    assert not Referral.objects.visible_to(partner_user).exists()
    question_a.refresh_from_db()
    assert question_a.state == State.REFERRED
    # the company is asked for consent, the partner is not mailed
    jobs.run_pending()
    assert [m.to for m in mail.outbox][-1] == ["an@alfa.be"]
    assert not any(partner_user.email in m.to for m in mail.outbox)


def test_company_consents_in_the_portal_then_partner_sees_it(
    client, question_a, staff_user, partner_org, partner_user, company_user
):
    referral = services.refer(question_a, partner_org, staff_user, "Cobot lab")
    client.force_login(company_user)
    # when
    response = client.post(reverse("support:my_consent", args=[question_a.pk, referral.pk]))
    # then
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    assert referral.consent_channel == "portal"
    assert referral.consent_recorded_by == company_user
    assert referral.consent_given_at is not None
    assert list(Referral.objects.visible_to(partner_user)) == [referral]
    jobs.run_pending()
    assert any(m.to == [partner_user.email] for m in mail.outbox)


def test_partner_never_sees_internal_notes_or_unshared_data(
    client, question_a, staff_user, partner_org, partner_user
):
    services.add_note(question_a, "SECRET-INTERNAL-NOTE", staff_user)
    referral = services.refer(
        question_a,
        partner_org,
        staff_user,
        "Cobot lab",
        share_contact=False,
        consent_channel="phone",
    )
    client.force_login(partner_user)
    html = client.get(reverse("support:partner_detail", args=[referral.pk])).content.decode()
    assert "SECRET-INTERNAL-NOTE" not in html
    assert "an@alfa.be" not in html  # contact not shared
    assert question_a.text in html  # question shared


def test_partner_cannot_see_another_partners_referral(
    client, question_a, staff_user, other_partner, partner_user
):
    referral = services.refer(question_a, other_partner, staff_user, "x", consent_channel="phone")
    client.force_login(partner_user)
    assert client.get(reverse("support:partner_detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("support:partner_inbox")).context["page"].paginator.count == 0


def test_partner_accepts_and_company_is_told_who_will_contact_it(
    client, referral_a, partner_user, staff_user
):
    jobs.run_pending()
    mail.outbox.clear()
    client.force_login(partner_user)
    response = client.post(
        reverse("support:partner_respond", args=[referral_a.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.state == Referral.State.ACCEPTED
    assert referral_a.responded_by == partner_user
    jobs.run_pending()
    to_company = [m for m in mail.outbox if m.to == ["an@alfa.be"]]
    assert len(to_company) == 1
    assert "Sirris" in to_company[0].subject


def test_decline_needs_a_reason(referral_a, partner_user):
    with pytest.raises(ValidationError):
        services.respond_to_referral(referral_a, partner_user, accept=False, reason=" ")
    referral_a.refresh_from_db()
    assert referral_a.state == Referral.State.SENT
    services.respond_to_referral(referral_a, partner_user, accept=False, reason="No capacity")
    referral_a.refresh_from_db()
    assert referral_a.state == Referral.State.DECLINED
    assert referral_a.response_reason == "No capacity"


def test_answer_twice_is_refused(referral_a, partner_user):
    services.respond_to_referral(referral_a, partner_user, accept=True)
    with pytest.raises(WorkflowError):
        services.respond_to_referral(referral_a, partner_user, accept=False, reason="oops")
    assert Referral.objects.get(pk=referral_a.pk).state == Referral.State.ACCEPTED


def test_outcome_only_after_acceptance_and_only_once(referral_a, partner_user):
    with pytest.raises(WorkflowError):
        services.report_outcome(referral_a, partner_user, "quote_sent", dt.date(2026, 1, 5))
    services.respond_to_referral(referral_a, partner_user, accept=True)
    services.report_outcome(referral_a, partner_user, "quote_sent", dt.date(2026, 1, 5), "5 kEUR")
    referral_a.refresh_from_db()
    assert referral_a.outcome == "quote_sent"
    assert referral_a.led_to_result
    with pytest.raises(WorkflowError):
        services.report_outcome(referral_a, partner_user, "no_fit", dt.date(2026, 1, 6))
    events = list(referral_a.question.events.values_list("kind", flat=True))
    assert events.count("outcome") == 1
    assert referral_a.question.organisation.activities.filter(kind="referral").count() == 3


def test_other_partner_cannot_answer(referral_a, other_partner_user):
    with pytest.raises(PermissionDenied):
        services.respond_to_referral(referral_a, other_partner_user, accept=True)
    assert Referral.objects.get(pk=referral_a.pk).state == Referral.State.SENT


def test_same_partner_twice_is_refused(referral_a, staff_user, partner_org):
    with pytest.raises(ValidationError):
        services.refer(referral_a.question, partner_org, staff_user, "again")
    assert Referral.objects.count() == 1


def test_staff_refers_through_the_case_page_with_phone_consent(
    client, question_a, staff_user, partner_org
):
    client.force_login(staff_user)
    response = client.post(
        reverse("support:case_refer", args=[question_a.pk]),
        {
            "partner": partner_org.pk,
            "message": "Please help",
            "share_question": "on",
            "consent_channel": "phone",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.state == Referral.State.SENT
    assert referral.share_contact is False
    assert referral.consent_channel == "phone"
