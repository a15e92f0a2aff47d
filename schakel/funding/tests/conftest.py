"""Funding fixtures: a GTI-like programme with one open call, criteria, a fund manager,
an evaluator, and a helper that drafts (and submits) an application that adds up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from schakel.funding import services
from schakel.funding.models import (
    Call,
    CostCategory,
    Criterion,
    Programme,
    ProgrammeManager,
    ProgrammeSource,
)
from schakel.register.models import Organisation, OrganisationType

D = Decimal


@pytest.fixture
def funder(db):
    return Organisation.objects.create(name="VLAIO", type=OrganisationType.FUNDING_BODY)


@pytest.fixture
def programme(funder):
    programme = Programme.objects.create(
        code="gti-wvl",
        name="GTI West-Vlaanderen 2021-2027",
        funder=funder,
        envelope_eur=D("1000000.00"),
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2029, 12, 31),
        max_cofinancing_pct=D("60.00"),
        eligible_categories=[
            CostCategory.PERSONNEL,
            CostCategory.INVESTMENTS,
            CostCategory.EXTERNAL_SERVICES,
            CostCategory.OVERHEADS,
        ],
        overhead_flat_rate_pct=D("15.00"),
        is_de_minimis=True,
    )
    ProgrammeSource.objects.create(programme=programme, source="eu", max_rate_pct=D("40.00"))
    ProgrammeSource.objects.create(programme=programme, source="province", max_rate_pct=D("20.00"))
    return programme


@pytest.fixture
def make_call(programme, staff_user):
    def make(code="call-1", budget="500000.00", opens=None, closes=None, **extra):
        now = timezone.now()
        call = Call(
            programme=programme,
            code=code,
            title=f"Call {code}",
            description="Innovation projects",
            budget_eur=D(budget),
            opens_at=opens or now - dt.timedelta(days=10),
            closes_at=closes or now + dt.timedelta(days=10),
            pass_threshold=D("60.00"),
            **extra,
        )
        services.save_call(call, None)
        Criterion.objects.create(
            call=call, position=1, name="Innovation", weight=D("2"), max_score=10, threshold=D("5")
        )
        Criterion.objects.create(call=call, position=2, name="Impact", weight=D("1"), max_score=10)
        return call

    return make


@pytest.fixture
def call(make_call):
    return make_call()


@pytest.fixture
def manager(make_user, programme):
    user = make_user("manager", "staff", is_staff=True)
    ProgrammeManager.objects.create(user=user, programme=programme)
    return user


@pytest.fixture
def evaluator(make_user):
    return make_user("evaluator", "staff", is_staff=True)


def plan(total="100000.00", eu="40000.00", province="20000.00"):
    """Budget of `total` (personnel 40%, overheads 15% of it, investments the rest) and a
    financing plan with EU and province parts and the own contribution as the rest."""
    total = D(total)
    personnel = (total * D("0.40")).quantize(D("0.01"))
    overheads = (personnel * D("0.15")).quantize(D("0.01"))
    investments = total - personnel - overheads
    own = total - D(eu) - D(province)
    return (
        {"personnel": personnel, "investments": investments},
        {"eu": D(eu), "province": D(province), "own": own},
    )


@pytest.fixture
def draft(company_a, company_user):
    def make(
        call,
        applicant=None,
        actor=None,
        total="100000.00",
        eu="40000.00",
        province="20000.00",
        title="Cobot welding cell",
    ):
        applicant = applicant or company_a
        actor = actor or company_user
        application = services.create_application(call, applicant, actor, title)
        budget, financing = plan(total, eu, province)
        services.save_content(
            application,
            services.Content(
                title=title,
                description="We automate welding.",
                budget=budget,
                financing=financing,
                targets={"jobs_created": D("3")},
            ),
            actor,
        )
        application.refresh_from_db()
        return application

    return make


@pytest.fixture
def submitted(draft, company_user):
    def make(call, **kwargs):
        application = draft(call, **kwargs)
        return services.submit(application, kwargs.get("actor") or company_user)

    return make
