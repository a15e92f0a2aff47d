"""Who sees and changes what: applicants their own, evaluators after their declaration,
fund managers their programmes, other staff read-only, everybody else nothing."""

from decimal import Decimal

import pytest

from schakel.funding import services
from schakel.funding.models import Application, LedgerEntry

D = Decimal


@pytest.fixture
def world(call, submitted, company_b, make_user, manager, evaluator):
    own = submitted(call)  # by company_a, whose user is `company`
    other_user = make_user("other", "company")
    other_user.mandates.create(organisation=company_b)
    foreign = submitted(call, applicant=company_b, actor=other_user, title="Foreign")
    assignment = services.assign_evaluator(foreign, evaluator, manager)
    return {"own": own, "foreign": foreign, "assignment": assignment}


@pytest.mark.parametrize(
    ("who", "own", "foreign"),
    [
        ("company", 200, 404),
        ("partner", 404, 404),
        ("staff", 200, 200),
        ("admin", 200, 200),
        ("manager", 200, 200),
        ("evaluator", 200, 200),  # staff read-only, before and after the declaration
    ],
)
def test_application_page_visibility(client, world, users, manager, evaluator, who, own, foreign):
    user = {"manager": manager, "evaluator": evaluator}.get(who) or users[who]
    client.force_login(user)
    assert client.get(f"/funding/applications/{world['own'].pk}/").status_code == own
    assert client.get(f"/funding/applications/{world['foreign'].pk}/").status_code == foreign


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(f"/funding/applications/{world['own'].pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("company", 403), ("staff", 403), ("partner", 404), ("manager", 302), ("admin", 302)],
)
def test_only_fund_managers_decide_on_the_page(client, world, users, manager, who, expected):
    user = manager if who == "manager" else users[who]
    client.force_login(user)
    application = world["own"]
    response = client.post(
        f"/funding/applications/{application.pk}/decision/",
        {"decision": "approved", "amount_eur": "1000.00"},
    )
    assert response.status_code == expected
    application.refresh_from_db()
    if expected == 302:
        assert application.status == "approved"
        assert LedgerEntry.objects.filter(application=application).count() == 1
    else:
        assert application.status == "submitted"
        assert not LedgerEntry.objects.exists()


def test_decision_is_post_only(client, world, manager):
    client.force_login(manager)
    assert client.get(f"/funding/applications/{world['own'].pk}/decision/").status_code == 405


def test_applicants_cannot_assign_or_book(client, world, users):
    client.force_login(users["company"])
    application = world["own"]
    assert (
        client.post(
            f"/funding/applications/{application.pk}/evaluators/", {"evaluator": users["staff"].pk}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/funding/applications/{application.pk}/ledger/",
            {"kind": "payment", "amount_eur": "1"},
        ).status_code
        == 403
    )
    assert application.assignments.count() == 0


def test_staff_edit_only_what_they_drafted(client, world, users):
    client.force_login(users["staff"])
    assert client.get(f"/funding/applications/{world['own'].pk}/edit/").status_code == 403


def test_gate_for_managers_of_another_programme(world, make_user, funder):
    import datetime as dt

    from schakel.funding.models import Programme, ProgrammeManager

    other = Programme.objects.create(
        code="other",
        name="Other",
        funder=funder,
        envelope_eur=D("1.00"),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2025, 1, 1),
        max_cofinancing_pct=D("50"),
    )
    outsider = make_user("outsider", "staff", is_staff=True)
    ProgrammeManager.objects.create(user=outsider, programme=other)
    assert Application.objects.visible_to(outsider, "manage").count() == 0
    assert Application.objects.visible_to(outsider, "view").count() == 2


def test_api_lists_only_what_the_user_may_see(client, world, users):
    client.force_login(users["company"])
    body = client.get("/api/v1/funding/applications/").json()
    assert [row["id"] for row in body["results"]] == [world["own"].pk]
    client.force_login(users["partner"])
    assert client.get("/api/v1/funding/applications/").json()["count"] == 0
    assert client.get(f"/api/v1/funding/applications/{world['own'].pk}/").status_code == 404
