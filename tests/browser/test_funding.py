"""Funding in a real browser: a company applies (and first sees that its financing plan
does not add up), an evaluator scores, the fund manager approves, the dashboard shows the
commitment. axe-core and the CSP are checked on every page (see conftest)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schakel.funding import services
from schakel.funding.models import (
    Application,
    Call,
    Criterion,
    Programme,
    ProgrammeManager,
    ProgrammeSource,
)
from schakel.register.models import Organisation, OrganisationType

from .conftest import login

PASSWORD = "Correct-Horse-42"
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
D = Decimal


@pytest.fixture
def setting(django_user_model):
    funder = Organisation.objects.create(name="VLAIO", type=OrganisationType.FUNDING_BODY)
    company = Organisation.objects.create(
        name="Vlasbloem Metaalbewerking",
        type=OrganisationType.COMPANY,
        enterprise_number="0417497106",
    )
    programme = Programme.objects.create(
        code="gti",
        name="GTI West-Vlaanderen 2021-2027",
        funder=funder,
        envelope_eur=D("1000000.00"),
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2029, 12, 31),
        max_cofinancing_pct=D("60"),
        eligible_categories=["personnel", "investments", "overheads"],
        overhead_flat_rate_pct=D("15"),
    )
    ProgrammeSource.objects.create(programme=programme, source="eu", max_rate_pct=D("40"))
    ProgrammeSource.objects.create(programme=programme, source="province", max_rate_pct=D("20"))
    now = timezone.now()
    call = Call(
        programme=programme,
        code="food-2026",
        title="Voedingsinnovatie 2026",
        description="Innovatieprojecten",
        budget_eur=D("500000.00"),
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        pass_threshold=D("50"),
    )
    services.save_call(call, None)
    Criterion.objects.create(call=call, name="Innovatie", weight=D("1"), max_score=10)
    manager = django_user_model.objects.create_user(
        username="fm", password=PASSWORD, role="staff", is_staff=True, first_name="Fien"
    )
    ProgrammeManager.objects.create(user=manager, programme=programme)
    django_user_model.objects.create_user(
        username="ev",
        password=PASSWORD,
        role="staff",
        is_staff=True,
        first_name="Els",
        last_name="Evaluator",
    )
    applicant = django_user_model.objects.create_user(
        username="co", password=PASSWORD, role="company"
    )
    applicant.mandates.create(organisation=company)
    return {"call": call, "programme": programme}


def log_in_as(checked_page, username):
    checked_page.page.context.clear_cookies()
    return login(checked_page, username, PASSWORD)


def test_apply_evaluate_approve_and_see_the_commitment(checked_page, setting):
    call, programme = setting["call"], setting["programme"]

    # given a company user on the application form of an open call
    page = log_in_as(checked_page, "co")
    page = checked_page.goto(f"/funding/calls/{call.pk}/")
    page.locator(f"a[href='/funding/calls/{call.pk}/apply/']").click()
    page.wait_for_url(f"**/funding/calls/{call.pk}/apply/")
    page.fill("#id_title", "Plantaardige eiwitlijn")
    page.fill("#id_description", "Een pilootlijn voor erwteneiwit.")
    page.fill("#id_budget_personnel", "40000")
    page.fill("#id_budget_investments", "54000")
    page.fill("#id_financing_eu", "40000")
    page.fill("#id_financing_province", "20000")
    page.fill("#id_financing_own", "30000")

    # then the page already shows that the plan is 10,000 EUR short
    expect(page.locator("#id_budget_overheads")).to_have_value("6000.00")
    expect(page.locator("#plan-difference")).to_have_class("small text-danger")

    # when she submits anyway, the server refuses with the figures and keeps a draft
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state("networkidle")
    alert = page.locator("main .alert-danger")
    expect(alert).to_contain_text("-10.000,00")
    application = Application.objects.get()
    assert application.status == "draft"

    # when she completes the own contribution and submits again
    page.fill("#id_financing_own", "40000")
    expect(page.locator("#plan-difference")).to_have_class("small text-success")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url(f"**/funding/applications/{application.pk}/")
    application.refresh_from_db()
    assert application.status == "submitted"

    # when the fund manager assigns the evaluator
    page = log_in_as(checked_page, "fm")
    page = checked_page.goto(f"/funding/applications/{application.pk}/")
    page.select_option("#id_evaluator", label="Els Evaluator")
    page.locator(
        f"form[action='/funding/applications/{application.pk}/evaluators/'] button"
    ).click()
    page.wait_for_url(f"**/funding/applications/{application.pk}/")
    assignment = application.assignments.get()

    # and the evaluator declares no conflict, then scores with a motivation
    page = log_in_as(checked_page, "ev")
    page = checked_page.goto("/funding/evaluations/")
    page.locator(f"a[href='/funding/evaluations/{assignment.pk}/']").click()
    page.wait_for_url(f"**/funding/evaluations/{assignment.pk}/")
    page.check("input[name=has_conflict][value=no]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    criterion = call.criteria.get()
    page.fill(f"#id_score_{criterion.pk}", "8")
    page.fill(f"#id_motivation_{criterion.pk}", "Sterk en haalbaar.")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state("networkidle")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None

    # when the fund manager approves 55,000 EUR
    page = log_in_as(checked_page, "fm")
    page = checked_page.goto(f"/funding/applications/{application.pk}/")
    expect(page.locator("#consolidated")).to_contain_text("80")
    page.check("input[name=decision][value=approved]")
    page.fill("#id_amount_eur", "55000.00")
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_url(f"**/funding/applications/{application.pk}/")
    application.refresh_from_db()
    assert (application.status, application.committed_eur) == ("approved", D("55000.00"))

    # then the programme dashboard shows the commitment
    page = checked_page.goto(f"/funding/programmes/{programme.pk}/")
    expect(page.locator("#fig-committed")).to_have_text("55.000,00")
    expect(page.locator("#fig-remaining")).to_have_text("945.000,00")
    checked_page.check_accessibility()
