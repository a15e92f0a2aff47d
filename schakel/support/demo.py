"""Support demo data: questions in every state, referrals with outcomes (to Sirris, whose
partner login sees them, and to a few other knowledge centres) and a routing rule.
Idempotent: each demo question is keyed by `submitted_from = "demo-NNN"`.

Runs after the accounts and register demos (users, Sirris and the fictional companies).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schakel.accounts.models import User
from schakel.core.demo import FICTIONAL_SOURCE
from schakel.core.models import Job, OutgoingEmail
from schakel.core.outbox import EMAIL_JOB
from schakel.register.models import Organisation, OrganisationType
from schakel.support import services
from schakel.support.models import Question, RoutingRule

DEMO_AFTER = ("schakel.register", "schakel.accounts")

# (text, language, final state, closure reason, referral plan, days ago)
# referral plan: None, "awaiting", "sent", "accepted", "declined" or an outcome value.
SCENARIOS = [
    ("We want to automate the welding of our steel frames with a cobot.", "nl", "new", "", None, 1),
    (
        "Which subsidies exist for a first digitalisation project (ERP + MES)?",
        "nl",
        "new",
        "",
        None,
        4,
    ),
    (
        "Nous cherchons un laboratoire pour tester la corrosion de nos pièces.",
        "fr",
        "triaged",
        "",
        None,
        3,
    ),
    ("We need office space and a small workshop near Kortrijk.", "en", "in_progress", "", None, 9),
    (
        "Can someone help us calculate the CO2 footprint of our packaging?",
        "nl",
        "referred",
        "",
        "awaiting",
        6,
    ),
    ("We want to 3D-print spare parts in metal; who can advise?", "nl", "referred", "", "sent", 12),
    (
        "Looking for a partner to develop a sensor for our food line.",
        "en",
        "referred",
        "",
        "accepted",
        20,
    ),
    (
        "Wij willen een restwarmteproject opzetten met de buren.",
        "nl",
        "waiting_for_company",
        "",
        None,
        15,
    ),
    (
        "Advice on composite materials for a lighter trailer.",
        "en",
        "closed",
        "resolved",
        "project_started",
        60,
    ),
    (
        "Hulp bij een subsidieaanvraag voor een nieuwe productielijn.",
        "nl",
        "closed",
        "resolved",
        "advice_given",
        45,
    ),
    (
        "Test of a new coating in a salt-spray cabinet.",
        "en",
        "closed",
        "not_resolved",
        "declined",
        40,
    ),
    ("Question withdrawn: we found a supplier ourselves.", "nl", "closed", "withdrawn", None, 30),
]

PATH = {
    "new": [],
    "triaged": [],
    "in_progress": ["in_progress"],
    "referred": [],
    "waiting_for_company": ["in_progress", "waiting_for_company"],
    "closed": ["in_progress"],
}


def _partner_organisations() -> list[Organisation]:
    """Sirris (whose demo partner login sees its referrals) and three other knowledge centres.

    No extra logins are made for the other centres: the demo prints one login per role.
    """
    sirris = Organisation.objects.filter(external_id="sirris")
    others = (
        Organisation.objects.filter(type=OrganisationType.KNOWLEDGE_CENTRE)
        .exclude(external_id=None)
        .exclude(external_id="sirris")
        .order_by("external_id")[:3]
    )
    return list(sirris) + list(others)


@transaction.atomic
def load(options: dict, stdout) -> None:
    staff = User.objects.filter(username="staff").first()
    admin = User.objects.filter(username="admin").first()
    if staff is None or admin is None:
        stdout.write("support demo skipped: the accounts demo users are missing")
        return
    partners = _partner_organisations()
    if not RoutingRule.objects.exists():
        RoutingRule.objects.create(owner=staff, priority=0)
    companies = list(
        Organisation.objects.filter(type=OrganisationType.COMPANY, source=FICTIONAL_SOURCE)
        .exclude(external_id=None)
        .order_by("external_id")[: len(SCENARIOS)]
    )
    if not companies or not partners:
        stdout.write("support demo skipped: no demo companies or partners")
        return
    created = 0
    today = timezone.localdate()
    for index, scenario in enumerate(SCENARIOS):
        key = f"demo-{index:03d}"
        if Question.objects.filter(submitted_from=key).exists():
            continue
        _create_case(key, scenario, companies[index % len(companies)], partners, staff, today)
        created += 1
    # Demo e-mail is never sent: drop what the services queued.
    OutgoingEmail.objects.filter(support_question__submitted_from__startswith="demo-").delete()
    Job.objects.filter(kind=EMAIL_JOB, status=Job.Status.QUEUED).exclude(
        payload__email_id__in=list(OutgoingEmail.objects.values_list("pk", flat=True))
    ).delete()
    if options.get("verbosity", 1) >= 1:
        stdout.write(f"Support demo: {created} question(s) added")


def _create_case(key, scenario, company, partners, staff, today):
    text, language, state, reason, plan, days_ago = scenario
    received = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9, 30))
    )
    contact = company.contacts.filter(erased_at__isnull=True).exclude(email="").first()
    asker = services.Asker(
        contact.first_name if contact else "Demo",
        contact.last_name if contact else "Contact",
        contact.email if contact else f"info+{key}@example.be",
        contact.phone if contact else "",
        language,
    )
    question = services.submit_question(
        organisation=company, asker=asker, text=text, channel="web", received_at=received
    )
    Question.objects.filter(pk=question.pk).update(submitted_from=key)
    question.refresh_from_db()
    if state == "new":
        return question
    services.triage(question, staff, question.version, owner=staff)
    for step in PATH[state]:
        question.refresh_from_db()
        services.transition(question, step, staff, question.version)
    if plan:
        partner = partners[int(key[-3:]) % len(partners)]
        referral = services.refer(
            question,
            partner,
            staff,
            "Could you help this company? Details below.",
            consent_channel="" if plan == "awaiting" else "phone",
        )
        partner_user = partner.partner_users.filter(is_active=True).first() or staff
        if plan == "declined":
            services.respond_to_referral(referral, partner_user, False, "No capacity this quarter")
        elif plan not in ("awaiting", "sent"):
            services.respond_to_referral(referral, partner_user, True)
            if plan != "accepted":
                services.report_outcome(
                    referral, partner_user, plan, today - dt.timedelta(days=days_ago // 2)
                )
    else:
        services.send_message(question, "Thank you, we are looking into it.", staff)
    if state == "closed":
        question.refresh_from_db()
        services.transition(question, "closed", staff, question.version, closure_reason=reason)
    return question
