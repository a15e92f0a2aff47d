"""Funding demo data: the real programmes of the West-Flanders reference document (GTI,
ERDF Flanders, the Interreg programmes, provincial instruments) with fictional calls past,
open and upcoming, applications in every state, evaluations and a ledger that adds up.

Programme envelopes come from the reference document; rates and overhead flat rates where
the document is silent, and every call and application, are demo assumptions (the
descriptions say so). Idempotent: programmes and calls are keyed by code, applications by
call and title, users by username.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from schakel.accounts.models import User
from schakel.core import audit
from schakel.core.demo import DEMO_PASSWORD, FICTIONAL_SOURCE, reference_data, source_text
from schakel.funding import ledger, services
from schakel.funding.eligibility import eligible_organisations
from schakel.funding.models import (
    Application,
    Call,
    Criterion,
    Programme,
    ProgrammeManager,
    ProgrammeSource,
    money,
)
from schakel.places.models import Cluster
from schakel.register.models import Organisation, OrganisationType

DEMO_AFTER = ("schakel.register", "schakel.accounts", "schakel.catalog")
D = Decimal
EVALUATOR_USERNAME = "evaluator"
ASSUMED = "Rates and flat rates: demo assumptions where the reference document is silent."
STANDARD_CATEGORIES = ["personnel", "investments", "external_services", "operating", "overheads"]

# (code, reference name, funder (external id, name), envelope key or amount, period,
#  max co-financing %, {source: max %}, de minimis)
PROGRAMMES = [
    (
        "gti-wvl-2021-2027",
        "GTI West-Vlaanderen 2021-2027",
        ("vlaio", "VLAIO"),
        "efro_eur",
        (2021, 2027),
        "80",
        {"eu": "40", "flanders": "20", "province": "20"},
        True,
    ),
    (
        "efro-vl-2021-2027",
        "EFRO Vlaanderen 2021-2027",
        ("vlaio", "VLAIO"),
        "eu_budget_eur",
        (2021, 2027),
        "40",
        {"eu": "40"},
        True,
    ),
    (
        "interreg-vl-nl-2021-2027",
        "Interreg Vlaanderen-Nederland 2021-2027",
        ("interreg-vlaanderen-nederland", "Interreg Vlaanderen-Nederland"),
        "efro_budget_eur",
        (2021, 2027),
        "50",
        {"eu": "50"},
        False,
    ),
    (
        "interreg-fwvl-2021-2027",
        "Interreg France-Wallonie-Vlaanderen 2021-2027 (Interreg VI)",
        ("interreg-france-wallonie-vlaanderen", "Interreg France-Wallonie-Vlaanderen"),
        "efro_budget_eur",
        (2021, 2027),
        "60",
        {"eu": "60"},
        False,
    ),
    (
        "interreg-north-sea-2021-2027",
        "Interreg North Sea 2021-2027",
        ("danish-business-authority", "Danish Business Authority"),
        "efro_budget_eur",
        (2021, 2027),
        "60",
        {"eu": "60"},
        False,
    ),
    (
        "prov-kustvaartuigen",
        "Provinciale toelage investeringen aan boord van kustvaartuigen",
        ("provincie-west-vlaanderen", "Provincie West-Vlaanderen"),
        D("200000"),
        (2023, 2027),
        "40",
        {"province": "40"},
        True,
    ),
    (
        "prov-kleine-steden",
        "Provinciaal investeringsprogramma kleine steden",
        ("provincie-west-vlaanderen", "Provincie West-Vlaanderen"),
        "budget_eur",
        (2024, 2030),
        "50",
        {"province": "50"},
        False,
    ),
]

CRITERIA = [
    ("Innovation and quality of the project", "3", 10, "5"),
    ("Impact on the West-Flemish economy", "2", 10, "5"),
    ("Budget and feasibility", "1", 10, None),
]

# Calls: (programme code, call code, title, days from now it opens, days it stays open,
#  budget, clusters)
CALLS = [
    (
        "gti-wvl-2021-2027",
        "gti-2024-blue",
        "GTI-oproep Blue Growth 2024",
        -500,
        90,
        "2500000",
        ["blue_energy"],
    ),
    (
        "gti-wvl-2021-2027",
        "gti-2026-food",
        "GTI-oproep Voedingsinnovatie 2026",
        -20,
        60,
        "1500000",
        ["food"],
    ),
    (
        "gti-wvl-2021-2027",
        "gti-2026-materials",
        "GTI-oproep Nieuwe materialen 2026",
        45,
        75,
        "1200000",
        ["new_materials"],
    ),
    (
        "efro-vl-2021-2027",
        "efro-2026-digital",
        "EFRO Vlaanderen: digitalisering kmo's 2026",
        -10,
        50,
        "3000000",
        [],
    ),
    (
        "interreg-vl-nl-2021-2027",
        "vlnl-2025-cross",
        "Interreg VL-NL: grensoverschrijdende innovatie",
        -400,
        120,
        "2000000",
        [],
    ),
    (
        "prov-kustvaartuigen",
        "kust-2026",
        "Toelage kustvaartuigen 2026",
        -30,
        300,
        "100000",
        ["blue_energy"],
    ),
]

# (call code, title, final state, requested EU, requested province, approved amount,
#  payments, for the company login)
APPLICATIONS = [
    (
        "gti-2024-blue",
        "Offshore sensorplatform",
        "approved",
        "160000",
        "80000",
        "240000",
        ["60000", "90000"],
        False,
    ),
    (
        "gti-2024-blue",
        "Drone-inspectie windparken",
        "approved",
        "120000",
        "60000",
        "150000",
        ["50000"],
        True,
    ),
    (
        "gti-2024-blue",
        "Getijdenenergie-demonstrator",
        "rejected",
        "200000",
        "100000",
        None,
        [],
        False,
    ),
    ("gti-2024-blue", "Maritieme coating", "withdrawn", "40000", "20000", None, [], False),
    (
        "gti-2026-food",
        "Plantaardige eiwitlijn",
        "under_evaluation",
        "120000",
        "60000",
        None,
        [],
        False,
    ),
    ("gti-2026-food", "Slimme koelketen", "submitted", "80000", "40000", None, [], True),
    ("gti-2026-food", "Reststromen groenten", "superseded", "60000", "30000", None, [], False),
    ("gti-2026-food", "Fermentatiehal", "draft", "100000", "50000", None, [], True),
    (
        "efro-2026-digital",
        "MES voor kleine reeksen",
        "approved",
        "80000",
        "0",
        "70000",
        ["20000"],
        False,
    ),
    (
        "vlnl-2025-cross",
        "Grensoverschrijdende recyclagehub",
        "approved",
        "150000",
        "0",
        "150000",
        ["75000"],
        False,
    ),
    ("kust-2026", "Koelinstallatie aan boord", "approved", "0", "4000", "4000", ["4000"], False),
]


def _body(external_id: str, name: str, sources=()) -> Organisation:
    body = (
        Organisation.objects.filter(external_id=external_id).first()
        or Organisation.objects.filter(name__iexact=name).first()
    )
    if body is None:
        body = Organisation.objects.create(
            name=name,
            type=OrganisationType.FUNDING_BODY,
            external_id=external_id,
            source=source_text(sources) if sources else FICTIONAL_SOURCE,
        )
    return body


def _ensure_users():
    staff = User.objects.filter(username="staff").first()
    evaluator = User.objects.filter(username=EVALUATOR_USERNAME).first()
    if evaluator is None:
        evaluator = User.objects.create_user(
            username=EVALUATOR_USERNAME,
            password=DEMO_PASSWORD,
            role=User.Role.STAFF,
            is_staff=True,
            first_name="Els",
            last_name="Verhaeghe",
            email="evaluator@example.be",
        )
    return staff, evaluator, User.objects.filter(username="partner").first()


def _programmes(staff) -> dict[str, Programme]:
    records = {r["name"]: r for r in reference_data().get("funding", [])}
    made = {}
    for code, name, (body_id, body_name), envelope, (
        start,
        end,
    ), max_rate, sources, de_minimis in PROGRAMMES:
        record = records.get(name, {})
        amount = envelope if isinstance(envelope, Decimal) else D(str(record.get(envelope) or 0))
        source_ids = [record.get("source")] + list(record.get("extra_sources") or [])
        programme = Programme.objects.filter(code=code).first() or Programme(code=code)
        before = None if programme.pk is None else audit.snapshot(programme)
        programme.name = name
        programme.description = "\n\n".join(
            t for t in (record.get("description_nl", ""), ASSUMED) if t
        )
        programme.funder = _body(body_id, body_name, [s for s in source_ids if s])
        programme.envelope_eur = money(max(amount, programme.allocated_eur or D("0")))
        programme.starts_on = dt.date(start, 1, 1)
        programme.ends_on = dt.date(end, 12, 31)
        programme.max_cofinancing_pct = money(max_rate)
        programme.eligible_categories = STANDARD_CATEGORIES
        programme.overhead_flat_rate_pct = money("15")
        programme.is_de_minimis = de_minimis
        programme.source = source_text([s for s in source_ids if s]) if record else FICTIONAL_SOURCE
        services.save_programme(programme, None, before=before)
        for source, rate in sources.items():
            ProgrammeSource.objects.update_or_create(
                programme=programme,
                source=source,
                defaults={"max_rate_pct": D(rate), "fund_name": "EFRO" if source == "eu" else ""},
            )
        if staff is not None:
            ProgrammeManager.objects.get_or_create(user=staff, programme=programme)
        made[code] = programme
    return made


def _calls(programmes) -> dict[str, Call]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    made = {}
    for programme_code, code, title, opens_in, days_open, budget, clusters in CALLS:
        call = Call.objects.filter(code=code).first()
        if call is None:
            opens = now + dt.timedelta(days=opens_in)
            call = Call(
                programme=programmes[programme_code],
                code=code,
                title=title,
                description=f"{title}. {FICTIONAL_SOURCE}.",
                budget_eur=D(budget),
                opens_at=opens,
                closes_at=opens + dt.timedelta(days=days_open),
                eligible_types=[OrganisationType.COMPANY, OrganisationType.KNOWLEDGE_CENTRE],
                pass_threshold=D("60"),
            )
            services.save_call(
                call,
                None,
                m2m={"eligible_clusters": list(Cluster.objects.filter(code__in=clusters))},
            )
            for position, (name, weight, scale, threshold) in enumerate(CRITERIA, start=1):
                Criterion.objects.create(
                    call=call,
                    position=position,
                    name=name,
                    weight=D(weight),
                    max_score=scale,
                    threshold=D(threshold) if threshold else None,
                )
        made[code] = call
    return made


def _plan(eu: Decimal, province: Decimal, programme: Programme):
    public = eu + province
    total = (public * 100 / programme.max_cofinancing_pct).quantize(D("0.01"))
    # Keep every source within its own maximum too.
    for source, amount in (("eu", eu), ("province", province)):
        limit = programme.source_limits().get(source)
        if amount and limit:
            total = max(total, (amount * 100 / limit).quantize(D("0.01")) + D("0.01"))
    personnel = (total * D("0.4")).quantize(D("0.01"))
    overheads = (personnel * programme.overhead_flat_rate_pct / 100).quantize(D("0.01"))
    budget = {"personnel": personnel, "investments": total - personnel - overheads}
    financing = {"own": total - public}
    if eu:
        financing["eu"] = eu
    if province:
        financing["province"] = province
    return budget, financing


def _applications(calls, staff, evaluator, partner_user, stdout):
    company_user = User.objects.filter(username="company").first()
    login_ids = (
        set(Organisation.objects.filter(mandates__user=company_user).values_list("pk", flat=True))
        if company_user
        else set()
    )
    count = 0
    for index, (code, title, state, eu, province, approved, payments, for_login) in enumerate(
        APPLICATIONS
    ):
        call = calls[code]
        if Application.objects.filter(call=call, title=title).exists():
            continue
        eligible = eligible_organisations(call).filter(type=OrganisationType.COMPANY)
        mine = list(eligible.filter(pk__in=login_ids).order_by("pk")) if for_login else []
        pool = mine or list(
            eligible.filter(source=FICTIONAL_SOURCE).exclude(pk__in=login_ids).order_by("pk")[:40]
        )
        if not pool:
            stdout.write(f"Funding: no eligible demo company for {call.code}, skipped {title}.\n")
            continue
        applicant = pool[index % len(pool)]
        actor = company_user if applicant.pk in login_ids else staff
        moment = max(
            call.opens_at + dt.timedelta(days=3),
            min(timezone.now(), call.closes_at) - dt.timedelta(days=5),
        )
        if call.status == Call.Status.UPCOMING:
            continue
        application = services.create_application(call, applicant, actor, title, moment=moment)
        budget, financing = _plan(D(eu), D(province), call.programme)
        services.save_content(
            application,
            services.Content(
                title=title,
                description=f"{title}: {FICTIONAL_SOURCE}.",
                planned_outputs="Prototype, demonstration, two workshops for companies.",
                budget=budget,
                financing=financing,
                targets={
                    "companies_supported": D("5"),
                    "jobs_created": D("2"),
                    "investments_triggered": sum(budget.values(), D("0")),
                },
            ),
            actor,
        )
        count += 1
        if state == "draft":
            continue
        application = services.submit(application, actor, moment=moment)
        if state == "superseded":
            copy = services.new_version(application, actor) if call.is_open() else None
            if copy is not None:
                services.submit(copy, actor)
            continue
        if state == "withdrawn":
            services.withdraw(application, actor)
            continue
        if state == "submitted":
            continue
        evaluators = [u for u in (evaluator, partner_user) if u is not None]
        for number, user in enumerate(evaluators):
            assignment = services.assign_evaluator(application, user, staff)
            services.declare(assignment, user, has_conflict=False)
            if state == "under_evaluation" and number == 1:
                continue
            high = state == "approved"
            scores = {
                c.pk: (D(str(c.max_score - (1 if high else 6) - number)), "Demo motivation.")
                for c in call.criteria.all()
            }
            services.save_scores(assignment, user, scores)
        if state == "under_evaluation":
            continue
        day = timezone.localtime(moment).date() + dt.timedelta(days=20)
        day = min(day, timezone.localdate())
        if state == "rejected":
            services.decide(
                application, "rejected", staff, motivation="Below the thresholds.", day=day
            )
            continue
        amount = min(D(approved), application.requested_eur)
        services.decide(application, "approved", staff, amount=amount, day=day)
        for n, payment in enumerate(payments, start=1):
            booked = min(day + dt.timedelta(days=90 * n), timezone.localdate())
            claim = ledger.claim(
                application,
                D(payment),
                staff,
                proof=_proof(f"{code}-{application.number}-claim-{n}.txt"),
                note="Cost statement",
                booked_on=booked,
            )
            services.record_payment(
                application, D(payment), staff, claim_entry=claim, booked_on=booked
            )
        for pi in application.indicators.all():
            services.report_indicator(pi, pi.target * D("0.5"), staff)
    return count


def _proof(name: str):
    from django.core.files.base import ContentFile

    return ContentFile(b"Demo cost statement (fictional).\n", name=name)


@transaction.atomic
def load(options: dict, stdout) -> None:
    staff, evaluator, partner_user = _ensure_users()
    programmes = _programmes(staff)
    calls = _calls(programmes)
    made = _applications(calls, staff, evaluator, partner_user, stdout)
    stdout.write(
        "Funding: {p} programmes, {c} calls, {a} new applications\n".format(
            p=len(programmes), c=len(calls), a=made
        )
    )


def logins() -> list[tuple[str, str]]:
    return [("fund manager (all programmes)", "staff"), ("evaluator", EVALUATOR_USERNAME)]
