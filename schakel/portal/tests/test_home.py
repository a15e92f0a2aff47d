"""The start page shows each staff member their own work first."""

import datetime as dt

from django.utils import timezone

from schakel.support.models import Question


def _case(organisation, owner, due, reference, state="in_progress"):
    return Question.objects.create(
        organisation=organisation,
        reference=reference,
        text="Hoe testen we onze nieuwe composiet?",
        state=state,
        owner=owner,
        first_response_due=due,
    )


def test_staff_sees_own_overdue_case_first_and_unassigned_count(
    client, staff_user, admin_user, company_a
):
    # given two cases of hers (one overdue), one of a colleague and one without owner
    today = timezone.localdate()
    _case(company_a, staff_user, today + dt.timedelta(days=20), "Q-2026-000001")
    _case(company_a, staff_user, today - dt.timedelta(days=10), "Q-2026-000002")
    _case(company_a, admin_user, today - dt.timedelta(days=10), "Q-2026-000003")
    _case(company_a, None, today + dt.timedelta(days=5), "Q-2026-000004", state="new")
    client.force_login(staff_user)
    # when
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 200
    assert response.context["my_open_count"] == 2
    assert response.context["my_overdue_count"] == 1
    assert response.context["unassigned_count"] == 1
    assert [c.reference for c in response.context["urgent_cases"]] == [
        "Q-2026-000002",
        "Q-2026-000001",
    ]
    assert "Q-2026-000003" not in response.content.decode()


def test_company_user_lands_on_their_company(client, company_user, company_a):
    client.force_login(company_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/register/{company_a.pk}/"


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
