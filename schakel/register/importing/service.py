"""Running a file import: read, check every row, and (all or nothing) write.

`run_file_import` streams the file in batches: each batch is checked with bulk
lookups and, when applying, written with multi-row INSERTs and grouped UPDATEs
(plus one audit event per created or changed record) inside ONE transaction for
the whole file. As soon as any row has an error nothing more is written, the
remaining rows are still checked (so the report is complete), and the transaction
is rolled back at the end: a file with one bad row changes nothing.

Where the time goes (100,000 rows): Django's bulk_update writes a CASE WHEN per row
and field and bulk_create compiles an expression per value; both cost more than all
the checking, hence `_insert_values` and `_update_rows` here, which send the same
values, prepared by the fields themselves, as plain parametrised statements.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.register.importing.columns import COLUMNS_BY_KEY, match_header
from schakel.register.importing.lookups import Lookups
from schakel.register.importing.reading import (
    ImportFileError,
    check_name_and_type,
    check_size,
    open_table,
)
from schakel.register.importing.rows import CREATE, ERROR, UNCHANGED, UPDATE, RowPlan, RowValidator
from schakel.register.models import Contact, Organisation, OrganisationType

BATCH_SIZE = 2000
UPDATE_BATCH = 1000  # rows per executemany
INSERT_BATCH = 1000  # rows per multi-row INSERT (fewer where the database limits parameters)
UPLOAD_DIR = "imports"
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"


@dataclass
class ImportReport:
    """What an import did or would do; `to_dict()` is what the job keeps for the preview."""

    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0  # rows with at least one error
    warnings: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    applied: bool = False
    file_error: str = ""
    notices: list[str] = field(default_factory=list)  # file-wide remarks (ignored columns)
    columns: list[str] = field(default_factory=list)  # recognised column labels
    entries: list[dict] = field(default_factory=list)  # row-by-row report, capped
    entries_truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def to_dict(self) -> dict:
        return {
            "filename": self.filename,
            "summary": {
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "errors": self.errors,
                "warnings": self.warnings,
                "contacts_created": self.contacts_created,
                "contacts_updated": self.contacts_updated,
            },
            "applied": self.applied,
            "file_error": self.file_error,
            "notices": self.notices,
            "columns": self.columns,
            "entries": self.entries,
            "entries_truncated": self.entries_truncated,
        }

    def error_lines(self, limit: int | None = None) -> list[str]:
        """'Row 7, enterprise number: …' for the first `limit` errors."""
        lines = []
        if self.file_error:
            lines.append(self.file_error)
        for entry in self.entries:
            for issue in entry["issues"]:
                if issue["level"] != "error":
                    continue
                lines.append(format_issue(entry["row"], issue))
                if limit is not None and len(lines) >= limit:
                    return lines
        return lines


def format_issue(row: int, issue: dict) -> str:
    if issue["field"]:
        return _("Row %(row)s, %(field)s: %(message)s") % {
            "row": row,
            "field": issue["field"],
            "message": issue["message"],
        }
    return _("Row %(row)s: %(message)s") % {"row": row, "message": issue["message"]}


class _Rollback(Exception):
    """Raised inside the transaction to undo an import that found errors."""


def _map_columns(headers: list[str], report: ImportReport) -> dict[int, str]:
    mapping: dict[int, str] = {}
    used: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not str(header).strip():
            continue
        key = match_header(header)
        if key is None:
            report.notices.append(
                _("The column “%(header)s” is not recognised and is ignored.") % {"header": header}
            )
            continue
        if key in used:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” both mean %(meaning)s; keep one.")
                % {"first": used[key], "second": header, "meaning": COLUMNS_BY_KEY[key].label}
            )
        used[key] = header
        mapping[index] = key
    if "name" not in used:
        raise ImportFileError(
            _(
                "The file has no column for the name (e.g. “Naam”, “Name” or “Nom”). "
                "Is the first row the header?"
            )
        )
    report.columns = [str(COLUMNS_BY_KEY[key].label) for key in used]
    return mapping


def _cells_for(row: list, mapping: dict[int, str], header_count: int, plan_errors: list) -> dict:
    cells = {}
    extra = [c for c in row[header_count:] if str(c).strip()]
    if extra:
        plan_errors.append(
            _("the row has %(count)s cells but the header has %(expected)s.")
            % {"count": len(row), "expected": header_count}
        )
    for index, key in mapping.items():
        cells[key] = row[index] if index < len(row) else ""
    return cells


def run_file_import(
    path,
    *,
    filename: str | None = None,
    content_type: str = "",
    actor=None,
    default_type: str = OrganisationType.COMPANY,
    apply: bool = False,
    max_bytes: int | None = None,
    progress=None,
    max_entries: int = 2000,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Check (and with `apply=True` write) one file; returns the report, never half a write."""
    filename = filename or Path(path).name
    report = ImportReport(filename=filename)
    try:
        table = open_table(path, filename, content_type, max_bytes)
    except ImportFileError as exc:
        report.file_error = str(exc)
        return report
    with table:
        try:
            mapping = _map_columns(table.headers, report)
        except ImportFileError as exc:
            report.file_error = str(exc)
            return report
        lookups = Lookups()
        existing = dict(
            Organisation.objects.exclude(enterprise_number=None).values_list(
                "enterprise_number", "pk"
            )
        )
        validator = RowValidator(lookups, default_type, existing)
        writer = _Writer(actor, filename, validator.plain) if apply else None
        try:
            if apply:
                with transaction.atomic():
                    _run(
                        table, mapping, validator, report, writer, progress, max_entries, batch_size
                    )
                    if not report.ok:
                        raise _Rollback
                    report.applied = True
            else:
                _run(table, mapping, validator, report, None, progress, max_entries, batch_size)
        except _Rollback:
            report.applied = False
        except ImportFileError as exc:
            report.file_error = str(exc)
            report.applied = False
    return report


def _run(table, mapping, validator, report, writer, progress, max_entries, batch_size):
    header_count = len(table.headers)
    check_short_rows = table.kind == "csv"
    batch: list[tuple[int, dict]] = []
    row_problems: dict[int, list[str]] = {}

    def flush():
        plans = validator.validate_batch(batch)
        for plan in plans:
            for message in row_problems.pop(plan.row, []):
                plan.error("", message)
            if plan.has_errors:
                plan.action = ERROR
        _count(report, plans, max_entries)
        if writer is not None and report.ok:
            writer.write(plans)
        batch.clear()
        # With DEBUG on, Django keeps every query; a long import must not hoard them.
        reset_queries()
        if progress is not None:
            progress(*table.progress)

    for row_number, row in table.rows():
        problems = []
        if check_short_rows and len(row) < header_count:
            problems.append(
                _(
                    "the row has %(count)s cells but the header has %(expected)s "
                    "(a separator is missing or the row is cut off)."
                )
                % {"count": len(row), "expected": header_count}
            )
        cells = _cells_for(row, mapping, header_count, problems)
        if problems:
            row_problems[row_number] = problems
        batch.append((row_number, cells))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    if report.rows == 0:
        raise ImportFileError(_("The file has a header but no data rows."))


def _count(report: ImportReport, plans: list[RowPlan], max_entries: int) -> None:
    for plan in plans:
        report.rows += 1
        if plan.action == CREATE:
            report.created += 1
        elif plan.action == UPDATE:
            report.updated += 1
        elif plan.action == UNCHANGED:
            report.unchanged += 1
        else:
            report.errors += 1
        if plan.contact is not None and not plan.has_errors:
            if plan.contact_is_new:
                report.contacts_created += 1
            elif plan.contact_changes:
                report.contacts_updated += 1
        report.warnings += sum(1 for i in plan.issues if i.level == "warning")
        # Keep every row while the list is short, and errors (up to a bound) after that.
        keep = len(report.entries) < max_entries or (
            plan.has_errors and len(report.entries) < 2 * max_entries
        )
        if not keep:
            report.entries_truncated = True
            continue
        org = plan.organisation
        changed = [str(_field_label(name)) for name in plan.changes]
        if plan.secondary_naces is not None:
            changed.append(str(COLUMNS_BY_KEY["nace"].label))
        if plan.contact_is_new and plan.contact is not None:
            changed.append(_("new contact"))
        elif plan.contact_changes:
            changed.append(_("contact"))
        report.entries.append(
            {
                "row": plan.row,
                "action": plan.action,
                "name": (org.name if org is not None else "")[:200],
                "enterprise_number": plan.enterprise_number,
                "changed": changed if plan.action == UPDATE else [],
                "issues": [
                    {"level": i.level, "field": i.field_label, "message": i.message}
                    for i in plan.issues
                ],
            }
        )


def _field_label(name: str) -> str:
    column = COLUMNS_BY_KEY.get(name)
    if column is not None:
        return column.label
    if name == "main_nace":
        return COLUMNS_BY_KEY["nace"].label
    return Organisation._meta.get_field(name).verbose_name


class _Writer:
    """Writes checked plans in bulk, with one audit event per created or changed record."""

    def __init__(self, actor, filename: str, plain=audit.plain_value):
        self.plain = plain  # audit.plain_value, with the labels of reference records remembered
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.message = (_("File import: %(name)s") % {"name": filename})[:300]
        self.organisation_type = ContentType.objects.get_for_model(Organisation)
        self.contact_type = ContentType.objects.get_for_model(Contact)

    def write(self, plans: list[RowPlan]) -> None:
        now = timezone.now()
        creates = [p for p in plans if p.action == CREATE]
        updates = [p for p in plans if p.action == UPDATE and p.changes]
        events = []
        for plan in creates + updates:
            org = plan.organisation
            org.search_text = org.build_search_text()
            if org.employees is not None and not org.size_class:
                org.size_class = org.compute_size_class()
            org.updated_at = now
        for plan in creates:
            plan.organisation.created_at = now
            plan.organisation.source = plan.organisation.source or self.message
        _insert_instances(Organisation, [p.organisation for p in creates], now)
        _update_rows(
            Organisation,
            [
                (p.organisation, ("search_text", "size_class", "manual_fields", *p.changes))
                for p in updates
            ],
            now,
        )

        through = Organisation.secondary_naces.through
        changed_sets = [p for p in plans if p.secondary_naces is not None and p.action != ERROR]
        stale = [p.organisation.pk for p in changed_sets if p.action == UPDATE]
        if stale:
            through.objects.filter(organisation_id__in=stale).delete()
        _insert_values(
            through,
            ("organisation", "nacecode"),
            [(p.organisation.pk, nace_id) for p in changed_sets for nace_id in p.secondary_naces],
        )

        for plan in creates:
            changes = self._created(plan.organisation)
            if plan.secondary_naces:
                changes["secondary_naces"] = [None, plan.secondary_naces]
            events.append(self._event(plan.organisation, AuditEvent.Action.CREATE, changes, now))
        for plan in plans:
            if plan.action != UPDATE:
                continue
            changes = dict(plan.changes)
            if plan.secondary_naces is not None:
                changes["secondary_naces"] = [plan.secondary_before, plan.secondary_naces]
            if changes:
                events.append(
                    self._event(plan.organisation, AuditEvent.Action.UPDATE, changes, now)
                )

        new_contacts = [p for p in plans if p.contact is not None and p.contact_is_new]
        for plan in new_contacts:
            plan.contact.organisation = plan.organisation
            plan.contact.created_at = now
        _insert_instances(Contact, [p.contact for p in new_contacts], now)
        changed_contacts = [
            p for p in plans if p.contact is not None and not p.contact_is_new and p.contact_changes
        ]
        _update_rows(Contact, [(p.contact, p.contact_changes) for p in changed_contacts], now)
        for plan in new_contacts:
            changes = self._created(plan.contact)
            events.append(
                self._event(plan.contact, AuditEvent.Action.CREATE, changes, now, contact=True)
            )
        for plan in changed_contacts:
            events.append(
                self._event(
                    plan.contact, AuditEvent.Action.UPDATE, plan.contact_changes, now, contact=True
                )
            )
        _insert_values(AuditEvent, _EVENT_FIELDS, events)

    def _created(self, instance) -> dict:
        """audit.diff({}, audit.snapshot(instance, m2m=False)), without the repeated lookups."""
        changes = {}
        for name in _audited_fields(type(instance)):
            value = self.plain(getattr(instance, name))
            if value is not None:
                changes[name] = [None, value]
        return changes

    def _event(self, instance, action, changes, now, contact=False):
        """The values of one AuditEvent row, in the order of _EVENT_FIELDS."""
        return (
            (self.contact_type if contact else self.organisation_type).pk,
            str(instance.pk),
            str(instance)[:300],
            action,
            self.actor.pk if self.actor is not None else None,
            changes,
            self.message,
            now,
        )


@functools.cache
def _audited_fields(model) -> tuple[str, ...]:
    """The fields audit.snapshot() records."""
    skip = ("updated_at", "created_at", "search_text")
    return tuple(f.name for f in model._meta.concrete_fields if f.name not in skip)


_EVENT_FIELDS = (
    "content_type",
    "object_id",
    "object_repr",
    "action",
    "actor",
    "changes",
    "message",
    "created_at",
)
_PLAIN_TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.EmailField,
    models.URLField,
    models.SlugField,
)
_PLAIN_INT_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.BigIntegerField,
)


@contextmanager
def _bulk_cursor():
    """A cursor that does not log its statements, even with DEBUG on.

    With DEBUG, Django turns every statement and all its parameters into text for
    `connection.queries`; for statements with thousands of parameters that costs more
    than running them.
    """
    with connection.cursor() as cursor:
        yield connection.make_cursor(getattr(cursor, "cursor", cursor))


def _preparer(field):
    """value -> database value, as `field.get_db_prep_save` does, with shortcuts for str/int."""
    target = field.target_field if field.is_relation else field
    prepare = field.get_db_prep_save
    if type(target) in _PLAIN_TEXT_FIELDS:
        plain = str
    elif type(target) in _PLAIN_INT_FIELDS:
        plain = int
    elif type(target) is models.DateTimeField:
        # The same moment (the batch's `now`) on every row: prepare it once.
        seen: dict = {}

        def prepare_moment(value):
            if value is None:
                return None
            if value not in seen:
                seen.clear()
                seen[value] = prepare(value, connection)
            return seen[value]

        return prepare_moment
    else:
        return lambda value: None if value is None else prepare(value, connection)
    return lambda value: (
        value if value is None or type(value) is plain else prepare(value, connection)
    )


def _array_types(fields) -> list[str] | None:
    """PostgreSQL array types for UNNEST, or None where Django would not unnest either."""
    if connection.vendor != "postgresql":
        return None
    for f in fields:
        target = f.target_field if f.is_relation else f
        if hasattr(f, "get_placeholder") or target.get_internal_type() not in connection.data_types:
            return None
    # Without the length (varchar, not varchar(200)): nothing is cut off silently.
    return [f"{f.db_type(connection).split('(')[0]}[]" for f in fields]


def _insert_values(model, names, rows: list, return_ids: bool = False) -> list | None:
    """INSERT rows (tuples of field values in the order of `names`) in multi-row statements.

    Returns the new primary keys in row order when `return_ids` (RETURNING, as bulk_create).
    Values go through each field's own database preparation; bulk_create costs several times
    more per row because it compiles an expression for every value. On PostgreSQL each
    column is sent as one array and unnested (as bulk_create does there): a short statement
    whatever the number of rows, which the driver does not have to scan for placeholders.
    """
    if not rows:
        return [] if return_ids else None
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    prepare = [_preparer(f) for f in fields]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) ".format(
        quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    tail = f" RETURNING {quote(meta.pk.column)}" if return_ids else ""
    arrays = _array_types(fields)
    if arrays is not None:
        size = INSERT_BATCH
        unnest = ", ".join(f"(%s)::{array}" for array in arrays)
        sql = f"{head}SELECT * FROM UNNEST({unnest}){tail}"
    else:
        size = max(1, min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, rows)))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ids: list = []
    with _bulk_cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            if arrays is not None:
                params = [[p(row[index]) for row in chunk] for index, p in enumerate(prepare)]
            else:
                params = [p(value) for row in chunk for p, value in zip(prepare, row, strict=True)]
                sql = head + "VALUES " + ", ".join([one] * len(chunk)) + tail
            cursor.execute(sql, params)
            if return_ids:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids if return_ids else None


def _insert_instances(model, instances: list, now) -> None:
    """Insert new model instances (no save(), like bulk_create) and set their primary keys."""
    if not instances:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(instances)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for instance in instances:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(instance, f.attname, now)
    ids = _insert_values(
        model,
        [f.name for f in fields],
        [[getattr(i, f.attname) for f in fields] for i in instances],
        return_ids=True,
    )
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias


def _update_rows(model, changed: list[tuple], now) -> None:
    """UPDATE each (instance, field names) with its own values, plus updated_at = now.

    `bulk_update` builds one CASE WHEN per row and field, which costs more than the rest of
    the import together; here rows with the same changed fields share one parametrised
    statement run with executemany, and only those fields are written.
    """
    if not changed:
        return
    meta = model._meta
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    for instance, names in changed:
        instance.updated_at = now
        groups[tuple(sorted({*names, "updated_at"}))].append(instance)
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with _bulk_cursor() as cursor:
        for names, instances in groups.items():
            fields = [meta.get_field(name) for name in names]
            prepare = [_preparer(f) for f in fields]
            arrays = _array_types([meta.pk, *fields])
            if arrays is not None:
                # PostgreSQL: one statement per chunk, the values as one array per column.
                columns = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
                unnest = ", ".join(f"(%s)::{array}" for array in arrays)
                aliases = ", ".join(quote(f.column) for f in [meta.pk, *fields])
                sql = (
                    f"UPDATE {table} SET {columns} FROM UNNEST({unnest}) AS v({aliases}) "
                    f"WHERE {table}.{pk} = v.{pk}"
                )
            else:
                columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
                sql = f"UPDATE {table} SET {columns} WHERE {pk} = %s"
            for start in range(0, len(instances), UPDATE_BATCH):
                chunk = instances[start : start + UPDATE_BATCH]
                rows = [
                    [p(getattr(i, f.attname)) for f, p in zip(fields, prepare, strict=True)]
                    for i in chunk
                ]
                if arrays is not None:
                    ids = [i.pk for i in chunk]
                    cursor.execute(sql, [ids, *map(list, zip(*rows, strict=True))])
                else:
                    cursor.executemany(
                        sql, [[*row, i.pk] for row, i in zip(rows, chunk, strict=True)]
                    )


# Uploads ------------------------------------------------------------------------------------


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def store_upload(upload) -> str:
    """Keep an uploaded file under MEDIA_ROOT/imports/ with a random name; returns that name.

    Name, declared type and size are checked before anything is read; the size
    is checked again while copying in case the declared size lied.
    """
    check_name_and_type(upload.name, getattr(upload, "content_type", "") or "")
    limit = settings.UPLOAD_MAX_BYTES
    check_size(upload.size, limit)
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    extension = os.path.splitext(upload.name)[1].lower()
    name = f"{secrets.token_urlsafe(24)}{extension}"
    target = directory / name
    written = 0
    with open(target, "xb") as handle:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                handle.close()
                target.unlink(missing_ok=True)
                check_size(written, limit)
            handle.write(chunk)
    if written == 0:
        target.unlink(missing_ok=True)
        check_size(0, limit)
    return f"{UPLOAD_DIR}/{name}"


def stored_path(name: str) -> Path:
    """The absolute path of a stored upload; refuses anything outside MEDIA_ROOT/imports/."""
    directory = upload_dir().resolve()
    path = (Path(settings.MEDIA_ROOT) / name).resolve()
    if path.parent != directory:
        raise ValueError("not an import upload")
    return path


def remove_upload(name: str) -> None:
    if name:
        stored_path(name).unlink(missing_ok=True)
