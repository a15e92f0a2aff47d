"""The funding API: exact shapes of calls and applications, and the decision's 200/409/400."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from schakel.core.models import OutgoingEmail
from schakel.funding.models import Application, DeMinimisAid, LedgerEntry
from schakel.register.models import Activity

D = Decimal


@pytest.fixture
def api():
    return APIClient()


def decide(api, user, application, body):
    api.force_authenticate(user)
    return api.post(f"/api/v1/funding/applications/{application.pk}/decision/", body, format="json")


def test_call_list_and_detail_show_the_budget_position(api, call, submitted, manager, staff_user):
    application = submitted(call)
    decide(api, manager, application, {"decision": "approved", "amount_eur": "50000.00"})
    api.force_authenticate(staff_user)
    listed = api.get("/api/v1/funding/calls/").json()
    detail = api.get(f"/api/v1/funding/calls/{call.pk}/").json()
    assert listed["count"] == 1
    assert listed["results"][0] == detail
    assert {
        k: detail[k] for k in ("id", "budget_eur", "committed_eur", "paid_eur", "remaining_eur")
    } == {
        "id": call.pk,
        "budget_eur": "500000.00",
        "committed_eur": "50000.00",
        "paid_eur": "0.00",
        "remaining_eur": "450000.00",
    }
    assert detail["status"] == "open"


def test_application_list_filters_by_call_and_status(api, make_call, submitted, draft, staff_user):
    first, second = make_call(code="one"), make_call(code="two", budget="100000.00")
    wanted = submitted(first)
    draft(first, title="Draft")
    submitted(second)
    api.force_authenticate(staff_user)
    body = api.get(f"/api/v1/funding/applications/?call={first.pk}&status=submitted").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert {k: row[k] for k in ("id", "call", "status", "requested_eur")} == {
        "id": wanted.pk,
        "call": first.pk,
        "status": "submitted",
        "requested_eur": "60000.00",
    }


def test_approval_answers_200_books_the_commitment_and_notifies(api, call, submitted, manager):
    application = submitted(call)
    emails_before = OutgoingEmail.objects.about(application).count()
    response = decide(api, manager, application, {"decision": "approved", "amount_eur": "60000.00"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["committed_eur"] == "60000.00"
    entry = LedgerEntry.objects.get(application=application)
    assert (entry.kind, entry.amount_eur) == ("commitment", D("60000.00"))
    assert DeMinimisAid.objects.get(application=application).amount_eur == D("60000.00")
    assert Activity.objects.filter(organisation=application.applicant, kind="funding").count() == 2
    assert OutgoingEmail.objects.about(application).count() == emails_before + 1
    # in the applicant's language (Dutch by default)
    assert OutgoingEmail.objects.about(application).first().subject == (
        f"Beslissing over aanvraag {application.reference}"
    )


def test_amount_that_does_not_fit_answers_409_with_the_remaining_budget(
    api, make_call, submitted, manager
):
    call = make_call(code="tight", budget="100000.00")
    first, second = submitted(call), submitted(call, title="Second")
    assert (
        decide(api, manager, first, {"decision": "approved", "amount_eur": "60000.00"}).status_code
        == 200
    )
    response = decide(api, manager, second, {"decision": "approved", "amount_eur": "40000.01"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "budget_exceeded"
    assert body["figures"]["remaining"] == "40000.00"
    second.refresh_from_db()
    assert second.status == "submitted"
    assert not LedgerEntry.objects.filter(application=second).exists()
    assert (
        decide(api, manager, second, {"decision": "approved", "amount_eur": "40000.00"}).status_code
        == 200
    )


def test_deciding_twice_or_a_draft_answers_400(api, call, submitted, draft, manager):
    application = submitted(call)
    assert (
        decide(
            api, manager, application, {"decision": "rejected", "motivation": "Weak"}
        ).status_code
        == 200
    )
    again = decide(api, manager, application, {"decision": "approved", "amount_eur": "1000.00"})
    assert again.status_code == 400
    assert again.json()["code"] == "not_decidable"
    not_submitted = draft(call, title="Draft")
    assert (
        decide(
            api, manager, not_submitted, {"decision": "approved", "amount_eur": "1.00"}
        ).status_code
        == 400
    )
    assert not LedgerEntry.objects.exists()


def test_bad_decision_input_answers_400(api, call, submitted, manager):
    application = submitted(call)
    assert decide(api, manager, application, {"decision": "approved"}).status_code == 400
    assert decide(api, manager, application, {"decision": "maybe"}).status_code == 400
    assert decide(api, manager, application, {"decision": "rejected"}).status_code == 400
    above = decide(api, manager, application, {"decision": "approved", "amount_eur": "60000.01"})
    assert above.status_code == 400
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff", 403), ("company", 403), ("partner", 404), ("anonymous", 401)],
)
def test_only_fund_managers_decide(api, call, submitted, users, who, expected):
    application = submitted(call)
    if users[who] is not None:
        api.force_authenticate(users[who])
    response = api.post(
        f"/api/v1/funding/applications/{application.pk}/decision/",
        {"decision": "approved", "amount_eur": "1000.00"},
        format="json",
    )
    assert response.status_code == expected
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not LedgerEntry.objects.exists()


def test_de_minimis_over_the_ceiling_answers_409_with_the_figures(
    api, call, submitted, manager, company_a, company_b
):
    import datetime as dt

    from django.utils import timezone

    from schakel.register.models import Relation

    # given a linked enterprise that received 250,000 EUR from another body last year
    Relation.objects.create(source=company_b, target=company_a, kind="subsidiary_of")
    DeMinimisAid.objects.create(
        organisation=company_b,
        granted_on=timezone.localdate() - dt.timedelta(days=365),
        amount_eur=D("250000.00"),
        granting_body="VLAIO",
    )
    application = submitted(call)
    response = decide(api, manager, application, {"decision": "approved", "amount_eur": "50000.01"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "de_minimis_ceiling"
    assert body["figures"]["granted"] == "250000.00"
    assert body["figures"]["ceiling"] == "300000.00"
    assert body["figures"]["room"] == "50000.00"
    assert (
        decide(
            api, manager, application, {"decision": "approved", "amount_eur": "50000.00"}
        ).status_code
        == 200
    )
