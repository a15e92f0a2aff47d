"""Export the (filtered, sorted) register to CSV and XLSX.

CSV is UTF-8 with a byte order mark and semicolons, which is what Excel with
Belgian settings opens correctly; it streams, so 100,000 rows never sit in
memory. XLSX uses openpyxl's write-only mode. Every text cell goes through
`neutralize_formula` so a name such as "=HYPERLINK(...)" stays text.
"""

import csv
import tempfile

from django.db.models import Prefetch
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from schakel.core.validators import format_enterprise_number, neutralize_formula
from schakel.places.models import Cluster, Domain

CHUNK_SIZE = 2000
BOM = "\ufeff"


def columns():
    """(header, value function) per column, in the order of the export."""
    return [
        (_("Enterprise number"), lambda o: format_enterprise_number(o.enterprise_number or "")),
        (_("Name"), lambda o: o.name),
        (_("Type"), lambda o: o.get_type_display()),
        (_("Status"), lambda o: o.get_status_display()),
        (_("Street"), lambda o: o.street),
        (_("Postal code"), lambda o: o.postal_code),
        (_("Municipality"), lambda o: o.municipality.label if o.municipality_id else ""),
        (
            _("Region"),
            lambda o: (
                o.municipality.region.label
                if o.municipality_id and o.municipality.region_id
                else ""
            ),
        ),
        (_("Main NACE code"), lambda o: str(o.main_nace) if o.main_nace_id else ""),
        (_("Size class"), lambda o: o.get_size_class_display()),
        (_("Stage"), lambda o: o.get_stage_display()),
        (_("Employees"), lambda o: o.employees),
        (_("Domains"), lambda o: ", ".join(d.label for d in o.domains.all())),
        (_("Clusters"), lambda o: ", ".join(c.label for c in o.clusters.all())),
        (_("Website"), lambda o: o.website),
        (_("E-mail"), lambda o: o.email),
        (_("Phone"), lambda o: o.phone),
    ]


def export_queryset(queryset):
    """The rows with everything the columns read, loaded in chunks."""
    return queryset.select_related("municipality__region", "main_nace").prefetch_related(
        Prefetch("domains", queryset=Domain.objects.order_by("name_nl")),
        Prefetch("clusters", queryset=Cluster.objects.order_by("name_nl")),
    )


def _cell(value):
    if value is None:
        return ""
    return neutralize_formula(str(value)) if isinstance(value, str) else value


def export_rows(queryset):
    """The header and then one list of cell values per organisation, formulas neutralised."""
    cols = columns()
    yield [_cell(header) for header, _value in cols]
    for organisation in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [_cell(value(organisation)) for _header, value in cols]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer."""

    def write(self, value):
        return value


def _filename(extension: str) -> str:
    return f"register-{timezone.localtime().strftime('%Y%m%d-%H%M')}.{extension}"


def csv_response(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    # The rows are produced after the view returns: keep the request's language.
    language = translation.get_language()

    def stream():
        with translation.override(language):
            yield BOM
            for row in export_rows(queryset):
                yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(queryset) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Register")[:31])
    for row in export_rows(queryset):
        sheet.append(row)
    # A spooled file: small exports stay in memory, big ones go to disk.
    buffer = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
