"""PDF documents built with reportlab (pure Python): the summary of a submitted
application and the programme report for the provincial council."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from schakel.funding.ledger import eur
from schakel.funding.models import Application, CostCategory, FinancingSource


def _escape(text) -> str:
    return (
        str(text if text is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )


def _cell(value):
    if isinstance(value, Decimal):
        return eur(value)
    return "" if value is None else str(value)


def _table(headers, rows, widths=None):
    data = [[_cell(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b4f6c")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _build(title: str, story_parts) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="POM West-Vlaanderen",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    styles = getSampleStyleSheet()
    story = [Paragraph(_escape(title), styles["Title"])]
    for kind, content in story_parts:
        if kind == "h":
            story.append(Paragraph(_escape(content), styles["Heading2"]))
        elif kind == "p":
            story.append(Paragraph(_escape(content), styles["BodyText"]))
        elif kind == "table":
            story.append(_table(*content))
        story.append(Spacer(1, 0.2 * cm))
    doc.build(story)
    return buffer.getvalue()


def application_summary(application: Application) -> bytes:
    """A summary of the application as submitted (the frozen snapshot when there is one)."""
    content = application.snapshot or {}
    if not content:
        from schakel.funding.services import application_content

        content = application_content(application)
    categories = dict(CostCategory.choices)
    sources = dict(FinancingSource.choices)
    title = _("Application summary %(reference)s") % {"reference": application.reference}
    submitted = (
        timezone.localtime(application.submitted_at).strftime("%d/%m/%Y %H:%M")
        if application.submitted_at
        else _("not submitted")
    )
    parts = [
        ("p", _("Call: %(call)s") % {"call": application.call.title}),
        ("p", _("Programme: %(programme)s") % {"programme": application.call.programme.name}),
        ("p", _("Promoter: %(name)s") % {"name": content["applicant"]["name"]}),
        ("p", _("Project: %(title)s") % {"title": content["title"]}),
        ("p", _("Status: %(status)s") % {"status": application.get_status_display()}),
        ("p", _("Submitted at: %(moment)s") % {"moment": submitted}),
        ("h", _("Description")),
        ("p", content["description"] or "—"),
        ("h", _("Planned outputs")),
        ("p", content["planned_outputs"] or "—"),
    ]
    if content["partners"]:
        parts += [
            ("h", _("Partners")),
            (
                "table",
                ([_("Partner"), _("Role")], [[p["name"], p["role"]] for p in content["partners"]]),
            ),
        ]
    budget_rows = [[categories.get(k, k), Decimal(v)] for k, v in content["budget"].items()]
    budget_total = sum((Decimal(v) for v in content["budget"].values()), Decimal("0"))
    financing_rows = [[sources.get(k, k), Decimal(v)] for k, v in content["financing"].items()]
    financing_total = sum((Decimal(v) for v in content["financing"].values()), Decimal("0"))
    parts += [
        ("h", _("Budget")),
        (
            "table",
            ([_("Cost category"), _("Amount (EUR)")], budget_rows + [[_("Total"), budget_total]]),
        ),
        ("h", _("Financing plan")),
        (
            "table",
            ([_("Source"), _("Amount (EUR)")], financing_rows + [[_("Total"), financing_total]]),
        ),
    ]
    if application.snapshot_sha256:
        parts.append(
            ("p", _("Fingerprint (SHA-256): %(hash)s") % {"hash": application.snapshot_sha256})
        )
    return _build(title, parts)


def programme_report(data, tables) -> bytes:
    """The printable programme report: the dashboard figures as tables."""
    title = _("Programme report: %(name)s") % {"name": data.programme.name}
    parts = [
        (
            "p",
            _("Situation on %(day)s.") % {"day": timezone.localdate().strftime("%d/%m/%Y")},
        )
    ]
    for table in tables:
        parts.append(("h", table.title))
        parts.append(
            ("table", (table.headers, table.rows or [["—"] + [""] * (len(table.headers) - 1)]))
        )
    return _build(title, parts)
