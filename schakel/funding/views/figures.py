"""Programmes: the list and the dashboard, with its XLSX export and printable PDF report."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from openpyxl import Workbook

from schakel.core.validators import neutralize_formula
from schakel.funding import figures as figures_module
from schakel.funding import pdf
from schakel.funding.models import Programme
from schakel.funding.views.common import agency_required, get_programme, is_manager


@agency_required
def programme_list(request):
    programmes = figures_module.programmes_overview(
        Programme.objects.visible_to(request.user).select_related("funder")
    ).order_by("name")
    return render(request, "funding/programme_list.html", {"programmes": programmes})


@agency_required
def programme_dashboard(request, pk):
    programme = get_programme(request, pk)
    data = figures_module.compute(programme)
    chart = {
        "labels": [m[0] for m in data.months],
        "committed": [str(m[1]) for m in data.months],
        "paid": [str(m[2]) for m in data.months],
    }
    return render(
        request,
        "funding/programme_dashboard.html",
        {
            "programme": programme,
            "data": data,
            "chart": chart,
            "manager": is_manager(request.user, programme),
            "sources": programme.sources.all(),
            "managers": programme.managers.select_related("user"),
        },
    )


@agency_required
def programme_export(request, pk):
    programme = get_programme(request, pk)
    tables = figures_module.as_tables(figures_module.compute(programme))
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(f"{index} {table.title}"[:31].replace("/", "-"))
        sheet.append([neutralize_formula(str(h)) for h in table.headers])
        for row in table.rows:
            sheet.append([neutralize_formula(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(programme.code)}-figures.xlsx"'
    )
    return response


@agency_required
def programme_report(request, pk):
    programme = get_programme(request, pk)
    data = figures_module.compute(programme)
    content = pdf.programme_report(data, figures_module.as_tables(data))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(programme.code)}-report.pdf"'
    return response
