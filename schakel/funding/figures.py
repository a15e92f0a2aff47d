"""The programme dashboard: envelope, committed, paid, remaining and absorption, over time,
by call, cluster and region, and indicator targets against what was realised.

All money figures are sums of ledger entries (the source of truth), not the running
totals, so the dashboard also proves that the totals add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from schakel.funding.models import (
    HUNDRED,
    ZERO,
    Application,
    Call,
    LedgerEntry,
    Programme,
    ProjectIndicator,
    money,
)


def pct(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return ZERO
    return (part * HUNDRED / whole).quantize(Decimal("0.1"))


@dataclass
class Table:
    title: str
    headers: list
    rows: list = field(default_factory=list)


@dataclass
class Dashboard:
    programme: Programme
    envelope: Decimal
    allocated: Decimal
    committed: Decimal
    paid: Decimal
    remaining: Decimal
    absorption_pct: Decimal
    commitment_pct: Decimal
    months: list  # [(YYYY-MM, committed cumulative, paid cumulative)]
    by_call: list
    by_cluster: list
    by_region: list
    indicators: list


def _sums(queryset):
    sums = queryset.aggregate(c=Sum("committed_delta_eur"), p=Sum("paid_delta_eur"))
    return money(sums["c"] or ZERO), money(sums["p"] or ZERO)


def compute(programme: Programme) -> Dashboard:
    entries = LedgerEntry.objects.filter(call__programme=programme)
    committed, paid = _sums(entries)
    envelope = programme.envelope_eur

    months = []
    running_c = running_p = ZERO
    monthly: dict[str, list[Decimal]] = {}
    for booked_on, c, p in entries.values_list(
        "booked_on", "committed_delta_eur", "paid_delta_eur"
    ).order_by("booked_on", "id"):
        key = booked_on.strftime("%Y-%m")
        bucket = monthly.setdefault(key, [ZERO, ZERO])
        bucket[0] += money(c)
        bucket[1] += money(p)
    for key in sorted(monthly):
        running_c += monthly[key][0]
        running_p += monthly[key][1]
        months.append((key, running_c, running_p))

    by_call = []
    calls = (
        Call.objects.filter(programme=programme)
        .annotate(
            committed=Sum("ledger_entries__committed_delta_eur"),
            paid=Sum("ledger_entries__paid_delta_eur"),
        )
        .order_by("opens_at", "id")
    )
    counts = dict(
        Application.objects.filter(call__programme=programme)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.SUPERSEDED])
        .values_list("call_id")
        .annotate(n=Count("id"))
    )
    approved = dict(
        Application.objects.filter(call__programme=programme, status=Application.Status.APPROVED)
        .values_list("call_id")
        .annotate(n=Count("id"))
    )
    for call in calls:
        c, p = money(call.committed or ZERO), money(call.paid or ZERO)
        by_call.append(
            {
                "call": call,
                "budget": call.budget_eur,
                "committed": c,
                "paid": p,
                "remaining": call.budget_eur - c,
                "applications": counts.get(call.pk, 0),
                "approved": approved.get(call.pk, 0),
                "absorption_pct": pct(p, call.budget_eur),
            }
        )

    by_cluster = []
    for row in (
        entries.values("application__applicant__clusters__code")
        .annotate(
            c=Sum("committed_delta_eur"),
            p=Sum("paid_delta_eur"),
            n=Count("application", distinct=True),
        )
        .order_by("application__applicant__clusters__code")
    ):
        by_cluster.append(row)
    from schakel.places.models import Cluster, Region

    cluster_names = {c.code: str(c) for c in Cluster.objects.all()}
    by_cluster = [
        {
            "label": cluster_names.get(row["application__applicant__clusters__code"])
            or _("no cluster"),
            "committed": money(row["c"] or ZERO),
            "paid": money(row["p"] or ZERO),
            "projects": row["n"],
        }
        for row in by_cluster
    ]
    region_names = {r.pk: str(r) for r in Region.objects.all()}
    by_region = [
        {
            "label": region_names.get(row["application__applicant__municipality__region"])
            or _("no region"),
            "committed": money(row["c"] or ZERO),
            "paid": money(row["p"] or ZERO),
            "projects": row["n"],
        }
        for row in entries.values("application__applicant__municipality__region")
        .annotate(
            c=Sum("committed_delta_eur"),
            p=Sum("paid_delta_eur"),
            n=Count("application", distinct=True),
        )
        .order_by("application__applicant__municipality__region")
    ]

    indicators = [
        {
            "name": _(row["indicator__name"]),
            "unit": _(row["indicator__unit"]),
            "target": money(row["t"] or ZERO),
            "realised": money(row["r"] or ZERO),
            "pct": pct(money(row["r"] or ZERO), money(row["t"] or ZERO)),
        }
        for row in ProjectIndicator.objects.filter(
            application__call__programme=programme,
            application__status=Application.Status.APPROVED,
        )
        .values("indicator__name", "indicator__unit", "indicator__position")
        .annotate(t=Sum("target"), r=Sum("realised"))
        .order_by("indicator__position")
    ]

    return Dashboard(
        programme=programme,
        envelope=envelope,
        allocated=sum((row["budget"] for row in by_call), ZERO),
        committed=committed,
        paid=paid,
        remaining=envelope - committed,
        absorption_pct=pct(paid, envelope),
        commitment_pct=pct(committed, envelope),
        months=months,
        by_call=by_call,
        by_cluster=by_cluster,
        by_region=by_region,
        indicators=indicators,
    )


def as_tables(data: Dashboard) -> list[Table]:
    """The dashboard as plain tables (for the XLSX export and the PDF report)."""
    summary = Table(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Envelope (EUR)"), data.envelope],
            [_("Allocated to calls (EUR)"), data.allocated],
            [_("Committed (EUR)"), data.committed],
            [_("Paid (EUR)"), data.paid],
            [_("Remaining (EUR)"), data.remaining],
            [_("Committed (% of envelope)"), data.commitment_pct],
            [_("Absorption: paid (% of envelope)"), data.absorption_pct],
        ],
    )
    calls = Table(
        _("By call"),
        [
            _("Call"),
            _("Budget (EUR)"),
            _("Committed (EUR)"),
            _("Paid (EUR)"),
            _("Remaining (EUR)"),
            _("Applications"),
            _("Approved"),
        ],
        [
            [
                row["call"].title,
                row["budget"],
                row["committed"],
                row["paid"],
                row["remaining"],
                row["applications"],
                row["approved"],
            ]
            for row in data.by_call
        ],
    )
    clusters = Table(
        _("By cluster"),
        [_("Cluster"), _("Committed (EUR)"), _("Paid (EUR)"), _("Projects")],
        [[r["label"], r["committed"], r["paid"], r["projects"]] for r in data.by_cluster],
    )
    regions = Table(
        _("By region"),
        [_("Region"), _("Committed (EUR)"), _("Paid (EUR)"), _("Projects")],
        [[r["label"], r["committed"], r["paid"], r["projects"]] for r in data.by_region],
    )
    months = Table(
        _("Over time (cumulative)"),
        [_("Month"), _("Committed (EUR)"), _("Paid (EUR)")],
        [list(m) for m in data.months],
    )
    indicators = Table(
        _("Indicators"),
        [_("Indicator"), _("Unit"), _("Target"), _("Realised"), _("Realised (%)")],
        [[r["name"], r["unit"], r["target"], r["realised"], r["pct"]] for r in data.indicators],
    )
    return [summary, calls, clusters, regions, months, indicators]


def programmes_overview(queryset):
    """Envelope, committed and paid per programme (for the programme list)."""
    return queryset.annotate(
        committed=Sum("calls__ledger_entries__committed_delta_eur"),
        paid=Sum("calls__ledger_entries__paid_delta_eur"),
        open_calls=Count("calls", filter=Q(calls__closes_at__gt=_now()), distinct=True),
    )


def _now():
    from django.utils import timezone

    return timezone.now()
