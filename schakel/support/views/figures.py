"""Management figures and their CSV/XLSX export."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook

from schakel.core.validators import neutralize_formula
from schakel.support import figures as figures_module
from schakel.support.forms import FiguresForm
from schakel.support.views.staff import agency_required


def _period(request):
    form = FiguresForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return form, None, None


@agency_required
def figures(request):
    form, start, end = _period(request)
    data = figures_module.compute(start, end)
    return render(
        request,
        "support/figures.html",
        {"form": form, "figures": data, "tables": figures_module.as_tables(data)},
    )


@agency_required
def figures_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, start, end = _period(request)
    tables = figures_module.as_tables(figures_module.compute(start, end))
    if fmt == "xlsx":
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
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for table in tables:
            writer.writerow([neutralize_formula(str(table.title))])
            writer.writerow([neutralize_formula(str(h)) for h in table.headers])
            for row in table.rows:
                writer.writerow(["" if v is None else neutralize_formula(v) for v in row])
            writer.writerow([])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="support-figures.{fmt}"'
    return response
