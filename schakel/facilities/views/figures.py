"""The figures dashboard (Chart.js fed by a JSON endpoint) and its exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from openpyxl import Workbook

from schakel.core.validators import neutralize_formula
from schakel.facilities import figures
from schakel.facilities.views.common import managed_facilities


def _scope(request):
    user = request.user
    if user.is_agency:
        return None
    if user.managed_facilities.exists():
        return managed_facilities(user)
    raise Http404


def _range(request):
    today = timezone.localdate()
    year, month = (
        (today.year, today.month - 11)
        if today.month == 12
        else (
            today.year - 1,
            today.month + 1,
        )
    )
    first = parse_date(request.GET.get("start") or "") or dt.date(year, month, 1)
    last = parse_date(request.GET.get("end") or "") or today
    if last < first:
        first, last = last, first
    if (last - first).days > 3 * 366:
        first = last - dt.timedelta(days=3 * 366)
    return first, last


def _compute(request):
    scope = _scope(request)
    first, last = _range(request)
    return (
        first,
        last,
        {
            "occupancy": figures.occupancy(first, last, scope),
            "utilisation": figures.utilisation(first, last, scope),
            "bookings": figures.bookings_by(first, last, scope),
            "revenue": figures.revenue(first, last, scope),
        },
    )


def tables(result) -> list[dict]:
    occupancy_rows = [
        [
            row["centre"].name,
            m["month"].strftime("%Y-%m"),
            m["rented_m2"],
            m["rentable_m2"],
            m["percent"],
        ]
        for row in result["occupancy"]
        for m in row["months"]
    ]
    return [
        {
            "title": _("Occupancy per business centre"),
            "headers": [
                _("Centre"),
                _("Month"),
                _("Rented m²"),
                _("Rentable m²"),
                _("Occupancy %"),
            ],
            "rows": occupancy_rows,
        },
        {
            "title": _("Utilisation per resource"),
            "headers": [
                _("Facility"),
                _("Resource"),
                _("Booked hours"),
                _("Open hours"),
                _("Utilisation %"),
            ],
            "rows": [
                [
                    r["resource"].facility.name,
                    r["resource"].name,
                    r["booked_hours"],
                    r["open_hours"],
                    r["percent"],
                ]
                for r in result["utilisation"]
            ],
        },
        {
            "title": _("Bookings per cluster"),
            "headers": [_("Cluster"), _("Bookings")],
            "rows": sorted(
                ([k or _("none"), v] for k, v in result["bookings"]["cluster"].items()),
                key=lambda r: -r[1],
            ),
        },
        {
            "title": _("Bookings per region"),
            "headers": [_("Region"), _("Bookings")],
            "rows": sorted(
                ([k or _("unknown"), v] for k, v in result["bookings"]["region"].items()),
                key=lambda r: -r[1],
            ),
        },
        {
            "title": _("Revenue per facility (excl. VAT)"),
            "headers": [_("Facility"), _("Amount excl. VAT")],
            "rows": [[r["facility"], r["amount_excl_vat"]] for r in result["revenue"]],
        },
    ]


@login_required
def dashboard(request):
    first, last, result = _compute(request)
    context = {
        "start": first,
        "end": last,
        "tables": tables(result),
        "query": request.GET.urlencode(),
    }
    return render(request, "facilities/figures.html", context)


@login_required
def data(request):
    first, last, result = _compute(request)
    months = sorted({m["month"] for row in result["occupancy"] for m in row["months"]})
    return JsonResponse(
        {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "occupancy": {
                "labels": [m.strftime("%Y-%m") for m in months],
                "datasets": [
                    {
                        "label": row["centre"].name,
                        "data": [float(m["percent"]) for m in row["months"]],
                    }
                    for row in result["occupancy"]
                    if any(m["rentable_m2"] for m in row["months"])
                ],
            },
            "utilisation": {
                "labels": [r["resource"].name for r in result["utilisation"]][:30],
                "data": [float(r["percent"]) for r in result["utilisation"]][:30],
            },
            "clusters": {
                "labels": [k or str(_("none")) for k in result["bookings"]["cluster"]],
                "data": list(result["bookings"]["cluster"].values()),
            },
            "regions": {
                "labels": [k or str(_("unknown")) for k in result["bookings"]["region"]],
                "data": list(result["bookings"]["region"].values()),
            },
            "revenue": {
                "labels": [r["facility"] for r in result["revenue"]],
                "data": [float(r["amount_excl_vat"]) for r in result["revenue"]],
            },
        }
    )


@login_required
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    first, last, result = _compute(request)
    name = f"facility-figures-{first}-{last}"
    if fmt == "xlsx":
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in tables(result):
            sheet = workbook.create_sheet(str(table["title"])[:31].replace("/", "-"))
            sheet.append([str(h) for h in table["headers"]])
            for row in table["rows"]:
                sheet.append([neutralize_formula(v) if isinstance(v, str) else v for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for table in tables(result):
        writer.writerow([str(table["title"])])
        writer.writerow([str(h) for h in table["headers"]])
        for row in table["rows"]:
            writer.writerow([neutralize_formula(v) if isinstance(v, str) else v for v in row])
        writer.writerow([])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
