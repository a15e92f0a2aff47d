"""Figures from a known set of cases, checked exactly."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.places.models import Domain
from schakel.support import figures, services
from schakel.support.models import Question, Referral


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def known_cases(make_question, company_a, company_b, staff_user, admin_user, partner_org):
    fof = Domain.objects.create(code="fof", name_nl="Fabriek van de toekomst")
    # Received Mon 5 Jan 2026 (due Wed 7), answered Tue 6 (1 wd), closed Fri 9 (4 wd)
    q1 = make_question(company_a, domain=fof, received_at=at(dt.date(2026, 1, 5)))
    # Received Fri 9 Jan (due Tue 13), answered Wed 14 (3 wd, too late), closed Thu 15 (4 wd)
    q2 = make_question(company_b, email="x@b.be", received_at=at(dt.date(2026, 1, 9)))
    # Received Mon 2 Feb (due Wed 4), answered Mon 2 Feb (0 wd), still open, owner staff
    q3 = make_question(company_a, domain=fof, email="y@a.be", received_at=at(dt.date(2026, 2, 2)))
    # Received Mon 2 Mar, never answered (due Wed 4 Mar, past on 10 Mar), open, unassigned
    make_question(company_b, email="z@b.be", received_at=at(dt.date(2026, 3, 2)))
    Question.objects.filter(pk=q1.pk).update(
        first_responded_at=at(dt.date(2026, 1, 6)),
        closed_at=at(dt.date(2026, 1, 9)),
        state="closed",
        closure_reason="resolved",
        owner=staff_user,
    )
    Question.objects.filter(pk=q2.pk).update(
        first_responded_at=at(dt.date(2026, 1, 14)),
        closed_at=at(dt.date(2026, 1, 15)),
        state="closed",
        closure_reason="resolved",
        owner=admin_user,
    )
    Question.objects.filter(pk=q3.pk).update(
        first_responded_at=at(dt.date(2026, 2, 2), 15), state="in_progress", owner=staff_user
    )
    consent = {"consent_given_at": timezone.now(), "consent_channel": "phone"}
    Referral.objects.create(
        question=q1,
        partner=partner_org,
        message="m",
        state="accepted",
        outcome="project_started",
        **consent,
    )
    Referral.objects.create(
        question=q2, partner=partner_org, message="m", state="declined", **consent
    )
    Referral.objects.create(
        question=q3, partner=partner_org, message="m", state="accepted", outcome="no_fit", **consent
    )
    return fof


def test_exact_figures_for_the_known_cases(known_cases, staff_user):
    # when
    data = figures.compute(today=dt.date(2026, 3, 10))
    # then
    assert data["question_count"] == 4
    assert data["per_month"]["domain"] == [
        ("2026-01", "(none)", 1),
        ("2026-01", "Fabriek van de toekomst", 1),
        ("2026-02", "Fabriek van de toekomst", 1),
        ("2026-03", "(none)", 1),
    ]
    assert data["first_response"] == {"count": 3, "median": 1, "p90": 3}
    assert data["closure"] == {"count": 2, "median": 4.0, "p90": 4}
    # q1 and q3 in time, q2 late, q4 overdue without answer
    assert data["sla"] == {"eligible": 4, "within": 2, "share": 50.0}
    (sirris,) = data["partners"]
    assert sirris["referrals"] == 3
    assert (sirris["accepted"], sirris["declined"]) == (2, 1)
    assert sirris["acceptance_rate"] == 66.7
    assert sirris["outcomes"]["project_started"] == 1
    assert sirris["outcomes"]["no_fit"] == 1
    assert sirris["results"] == 1
    assert data["open_per_owner"] == [("(unassigned)", 1), ("staff", 1)]


def test_period_filter(known_cases):
    data = figures.compute(dt.date(2026, 1, 1), dt.date(2026, 1, 31), today=dt.date(2026, 3, 10))
    assert data["question_count"] == 2
    assert data["first_response"] == {"count": 2, "median": 2.0, "p90": 3}
    assert data["sla"] == {"eligible": 2, "within": 1, "share": 50.0}
    assert data["partners"][0]["referrals"] == 2


def test_percentile_nearest_rank():
    assert figures.percentile_nearest_rank(list(range(1, 11)), 90) == 9
    assert figures.percentile_nearest_rank([5], 90) == 5
    assert figures.percentile_nearest_rank([], 90) is None


def test_exports(client, staff_user, known_cases):
    client.force_login(staff_user)
    csv = client.get(reverse("support:figures_export", args=["csv"]) + "?start=2026-01-01")
    assert csv.status_code == 200
    assert "Fabriek van de toekomst" in csv.content.decode()
    xlsx = client.get(reverse("support:figures_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert client.get(reverse("support:figures_export", args=["pdf"])).status_code == 404


def test_services_mark_first_response_when_staff_message(question_a, staff_user):
    services.send_message(question_a, "We call you tomorrow.", staff_user)
    question_a.refresh_from_db()
    assert question_a.first_responded_at is not None
    assert question_a.messages.get().email.to == "an@alfa.be"
