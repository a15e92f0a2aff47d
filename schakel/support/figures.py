"""Management figures computed from the records (no stored aggregates).

Durations are in WORKING DAYS (Belgian working days, see `sla`): received on
Friday and answered on Monday is 1; answered the same day is 0. The median is
the usual middle value (mean of the two middle values for an even count); the
90th percentile uses the nearest-rank method (the ceil(0.9·n)-th smallest value).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.support.models import RESULT_OUTCOMES, Outcome, Question, Referral
from schakel.support.sla import working_days_between
from schakel.support.workflow import State


def median(values):
    return statistics.median(values) if values else None


def percentile_nearest_rank(values, pct: float):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def questions_in_period(start: dt.date | None, end: dt.date | None):
    qs = Question.objects.select_related("domain", "cluster", "region", "owner")
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lte=end)
    return qs


def compute(start: dt.date | None = None, end: dt.date | None = None, today=None) -> dict:
    today = today or timezone.localdate()
    questions = list(questions_in_period(start, end).order_by("received_at", "id"))

    per_month = {"domain": Counter(), "cluster": Counter(), "region": Counter()}
    response_days, closure_days = [], []
    eligible = within = 0
    for q in questions:
        received = _local_date(q.received_at)
        month = received.strftime("%Y-%m")
        for dimension in per_month:
            value = getattr(q, dimension)
            per_month[dimension][(month, str(value) if value else _("(none)"))] += 1
        responded = _local_date(q.first_responded_at)
        if responded:
            response_days.append(working_days_between(received, responded))
        if q.state == State.CLOSED and q.closed_at:
            closure_days.append(working_days_between(received, _local_date(q.closed_at)))
        if q.first_response_due and (responded or q.first_response_due < today):
            eligible += 1
            if responded and responded <= q.first_response_due:
                within += 1

    referrals = list(
        Referral.objects.filter(question__in=[q.pk for q in questions]).select_related(
            "partner", "offering"
        )
    )
    by_partner = defaultdict(list)
    by_offering = defaultdict(list)
    for referral in referrals:
        by_partner[referral.partner.name].append(referral)
        if referral.offering_id:
            by_offering[str(referral.offering)].append(referral)

    open_per_owner = Counter()
    for q in Question.objects.open().select_related("owner"):
        owner = q.owner.get_full_name() or q.owner.username if q.owner else _("(unassigned)")
        open_per_owner[owner] += 1

    return {
        "question_count": len(questions),
        "per_month": {
            dimension: sorted((m, label, n) for (m, label), n in counter.items())
            for dimension, counter in per_month.items()
        },
        "first_response": {
            "count": len(response_days),
            "median": median(response_days),
            "p90": percentile_nearest_rank(response_days, 90),
        },
        "closure": {
            "count": len(closure_days),
            "median": median(closure_days),
            "p90": percentile_nearest_rank(closure_days, 90),
        },
        "sla": {
            "eligible": eligible,
            "within": within,
            "share": round(100 * within / eligible, 1) if eligible else None,
        },
        "partners": [_referral_row(name, rows) for name, rows in sorted(by_partner.items())],
        "offerings": [_referral_row(name, rows) for name, rows in sorted(by_offering.items())],
        "open_per_owner": sorted(open_per_owner.items()),
    }


def _referral_row(name, referrals) -> dict:
    states = Counter(r.state for r in referrals)
    accepted = states[Referral.State.ACCEPTED]
    declined = states[Referral.State.DECLINED]
    outcomes = Counter(r.outcome for r in referrals if r.outcome)
    results = sum(outcomes[o] for o in RESULT_OUTCOMES)
    answered = accepted + declined
    return {
        "name": name,
        "referrals": len(referrals),
        "accepted": accepted,
        "declined": declined,
        "acceptance_rate": round(100 * accepted / answered, 1) if answered else None,
        "outcomes": {o.value: outcomes[o.value] for o in Outcome},
        "results": results,
        "result_rate": round(100 * results / len(referrals), 1) if referrals else None,
    }


def as_tables(figures: dict) -> list[Table]:
    """The figures as plain tables for the CSV and XLSX exports."""
    tables = []
    for dimension, title in (
        ("domain", _("Questions per month by domain")),
        ("cluster", _("Questions per month by cluster")),
        ("region", _("Questions per month by region")),
    ):
        tables.append(
            Table(
                title,
                [_("Month"), _("Value"), _("Questions")],
                [list(row) for row in figures["per_month"][dimension]],
            )
        )
    tables.append(
        Table(
            _("Durations (working days)"),
            [_("Measure"), _("Cases"), _("Median"), _("90th percentile")],
            [
                [_("Time to first response")]
                + [figures["first_response"][k] for k in ("count", "median", "p90")],
                [_("Time to closure")]
                + [figures["closure"][k] for k in ("count", "median", "p90")],
            ],
        )
    )
    sla = figures["sla"]
    tables.append(
        Table(
            _("Service level"),
            [_("Questions due"), _("Answered in time"), _("Share (%)")],
            [[sla["eligible"], sla["within"], sla["share"]]],
        )
    )
    outcome_headers = [str(label) for label in Outcome.labels]
    for key, title in (
        ("partners", _("Referrals per partner")),
        ("offerings", _("Referrals per offering")),
    ):
        tables.append(
            Table(
                title,
                [_("Name"), _("Referrals"), _("Accepted"), _("Declined"), _("Acceptance (%)")]
                + outcome_headers
                + [_("Led to a result"), _("Result rate (%)")],
                [
                    [r["name"], r["referrals"], r["accepted"], r["declined"], r["acceptance_rate"]]
                    + list(r["outcomes"].values())
                    + [r["results"], r["result_rate"]]
                    for r in figures[key]
                ],
            )
        )
    tables.append(
        Table(
            _("Open cases per owner"),
            [_("Owner"), _("Open cases")],
            [list(row) for row in figures["open_per_owner"]],
        )
    )
    return tables
