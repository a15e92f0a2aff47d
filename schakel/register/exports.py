"""Export the (filtered, sorted) register to CSV and XLSX.

CSV is UTF-8 with a byte order mark and semicolons, which is what Excel with
Belgian settings opens correctly; it streams, so 100,000 rows never sit in
memory. XLSX uses openpyxl's write-only mode. Every text cell goes through
`neutralize_formula` so a name such as "=HYPERLINK(...)" stays text.
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from schakel.core.validators import format_enterprise_number, neutralize_formula
from schakel.places.models import Cluster, Domain
from schakel.register.models import Organisation, OrganisationType, SizeClass, Stage

CHUNK_SIZE = 2000
BOM = "\ufeff"


def _labels(choices) -> dict:
    """Choice labels translated once per export (get_FOO_display re-translates every call)."""
    return {value: str(label) for value, label in choices}


def columns():
    """(header, value function) per column, in the order of the export."""
    types = _labels(OrganisationType.choices)
    statuses = _labels(Organisation.Status.choices)
    sizes = _labels(SizeClass.choices)
    stages = _labels(Stage.choices)
    return [
        (_("Enterprise number"), lambda o: format_enterprise_number(o.enterprise_number or "")),
        (_("Name"), lambda o: o.name),
        (_("Type"), lambda o: types.get(o.type, o.type)),
        (_("Status"), lambda o: statuses.get(o.status, o.status)),
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
        (_("Size class"), lambda o: sizes.get(o.size_class, o.size_class)),
        (_("Stage"), lambda o: stages.get(o.stage, o.stage)),
        (_("Employees"), lambda o: o.employees),
        (_("Domains"), lambda o: ", ".join(o.export_domains)),
        (_("Clusters"), lambda o: ", ".join(o.export_clusters)),
        (_("Website"), lambda o: o.website),
        (_("E-mail"), lambda o: o.email),
        (_("Phone"), lambda o: o.phone),
    ]


def export_queryset(queryset):
    """The rows with the single-valued relations the columns read joined in."""
    return queryset.select_related("municipality__region", "main_nace")


def _cell(value):
    if value is None:
        return ""
    return neutralize_formula(str(value)) if isinstance(value, str) else value


def _attach_terms(batch, field, labels):
    """Set `export_<field>` on each organisation: the sorted labels of its many-to-many terms.

    One query on the link table per batch; prefetch_related would build a
    manager per organisation, which costs more than the whole rest of the row.
    """
    relation = Organisation._meta.get_field(field)
    links = relation.remote_field.through.objects.filter(
        organisation_id__in=[o.pk for o in batch]
    ).values_list("organisation_id", f"{relation.m2m_reverse_field_name()}_id")
    by_organisation = {}
    for organisation_id, term_id in links:
        by_organisation.setdefault(organisation_id, []).append(labels.get(term_id, ""))
    for organisation in batch:
        setattr(organisation, f"export_{field}", sorted(by_organisation.get(organisation.pk, [])))


def _batches(queryset):
    batch = []
    for organisation in queryset.iterator(chunk_size=CHUNK_SIZE):
        batch.append(organisation)
        if len(batch) == CHUNK_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def export_rows(queryset):
    """The header and then one list of cell values per organisation, formulas neutralised."""
    cols = columns()
    yield [_cell(header) for header, _value in cols]
    domains = {term.pk: term.label for term in Domain.objects.all()}
    clusters = {term.pk: term.label for term in Cluster.objects.all()}
    for batch in _batches(queryset):
        _attach_terms(batch, "domains", domains)
        _attach_terms(batch, "clusters", clusters)
        for organisation in batch:
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
