"""Importing West-Flemish enterprises from the KBO Open Data extract (CSV files).

The extract (https://kbopub.economie.fgov.be/kbo-open-data, "Cookbook" for the format) is
a folder of comma-separated, double-quoted UTF-8 files with a header row, each sorted by
entity number; enterprise numbers are written 0123.456.789 and dates dd-mm-yyyy:

    meta.csv          Variable,Value (SnapshotDate, ExtractTimestamp, ExtractType, ...)
    code.csv          Category,Code,Language,Description (JuridicalForm, Nace2008, ...)
    enterprise.csv    EnterpriseNumber,Status,JuridicalSituation,TypeOfEnterprise,
                      JuridicalForm,JuridicalFormCAC,StartDate
    denomination.csv  EntityNumber,Language,TypeOfDenomination,Denomination
                      (Language 0 unknown, 1 FR, 2 NL, 3 DE, 4 EN; type 001 legal name,
                      002 abbreviation, 003 commercial name)
    address.csv       EntityNumber,TypeOfAddress,CountryNL,CountryFR,Zipcode,MunicipalityNL,
                      MunicipalityFR,StreetNL,StreetFR,HouseNumber,Box,ExtraAddressInfo,
                      DateStrikingOff (REGO = registered seat)
    activity.csv      EntityNumber,ActivityGroup,NaceVersion,NaceCode,Classification
                      (MAIN, SECO, ANCI)
    contact.csv       EntityNumber,EntityContact,ContactType,Value (TEL, EMAIL, WEB, FAX)

How it stays in bounded memory over a million enterprises: pass 1 reads address.csv and keeps
only the registered seats with a postal code 8000-8999 (~100k short tuples). Pass 2 walks
enterprise.csv and, because every file is sorted by entity number, merge-joins
denomination.csv, activity.csv and contact.csv alongside it (each is read once, forwards),
writing a batch of 2,000 enterprises at a time inside one transaction for the whole run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from schakel.core import audit
from schakel.core.models import AuditEvent
from schakel.core.validators import (
    enterprise_number_is_valid,
    format_enterprise_number,
    neutralize_formula,
    normalize_enterprise_number,
)
from schakel.register.importing.lookups import Lookups
from schakel.register.models import Organisation, OrganisationType

BATCH_SIZE = 2000
REQUIRED_FILES = ("enterprise.csv", "address.csv", "denomination.csv")
OPTIONAL_FILES = ("activity.csv", "contact.csv", "code.csv", "meta.csv")
# Fields KBO is the authority for: updated on organisations that came from KBO before.
OFFICIAL_FIELDS = (
    "name",
    "legal_form",
    "street",
    "postal_code",
    "municipality",
    "main_nace",
    "start_date",
)
# Fields staff usually know better: only filled when empty.
FILL_ONLY_FIELDS = ("website", "email", "phone")
SECONDARY = "secondary_naces"
NACE_VERSION = "2008"
_url = URLValidator()


class KboError(Exception):
    """The extract cannot be imported (missing file, wrong columns, unsorted file)."""


@dataclass
class KboResult:
    snapshot: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outside: int = 0  # enterprises without a West-Flemish registered seat
    invalid: int = 0  # rows skipped because they are malformed
    field_changes: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 1000:
            self.problems.append(text)


class _Progress(io.RawIOBase):
    """A binary file that moves a tqdm bar by the bytes read."""

    def __init__(self, path: Path, bar):
        self.raw = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.bar = bar

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        if self.bar is not None:
            self.bar.update(len(data))
        return len(data)

    def close(self):
        self.raw.close()
        if self.bar is not None:
            self.bar.close()
        super().close()


class _CsvFile:
    """One extract file as dict rows with their line numbers; checks the header."""

    def __init__(self, path: Path, columns: tuple[str, ...], progress_file):
        self.name = path.name
        bar = None
        if progress_file is not None:
            bar = tqdm(
                total=path.stat().st_size,
                unit="B",
                unit_scale=True,
                desc=path.name,
                file=progress_file,
                leave=True,
            )
        self.raw = _Progress(path, bar)
        self.text = io.TextIOWrapper(
            io.BufferedReader(self.raw, buffer_size=1 << 20), encoding="utf-8-sig", newline=""
        )
        self.reader = csv.reader(self.text)
        try:
            self.header = next(self.reader)
        except StopIteration:
            raise KboError(f"{self.name} is empty.")
        except (csv.Error, UnicodeDecodeError) as exc:
            raise KboError(f"{self.name} cannot be read: {exc}")
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise KboError(f"{self.name} lacks the column(s) {', '.join(missing)}.")
        self.width = len(self.header)

    def __iter__(self):
        """(line, row dict or None when the row is malformed)."""
        while True:
            try:
                row = next(self.reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise KboError(f"{self.name} line {self.reader.line_num}: {exc}")
            except UnicodeDecodeError as exc:
                raise KboError(f"{self.name} is not UTF-8: {exc}")
            line = self.reader.line_num
            if len(row) != self.width:
                yield line, None
                continue
            yield line, dict(zip(self.header, row, strict=True))

    def close(self):
        self.text.close()


def _enterprise_key(value: str) -> str | None:
    """Ten digits for an enterprise number (0/1…); None for establishments (2.…) or junk."""
    digits = normalize_enterprise_number(value)
    if len(digits) != 10 or not digits.isdigit() or digits[0] not in "01":
        return None
    return digits


class _Joined:
    """The rows of one sorted file for an enterprise number at a time (merge-join)."""

    def __init__(self, csv_file: _CsvFile | None, result: KboResult):
        self.file = csv_file
        self.rows = iter(csv_file) if csv_file is not None else iter(())
        self.result = result
        self.pending = None
        self.last = ""

    def take(self, key: str) -> list[dict]:
        found = []
        while True:
            if self.pending is None:
                item = next(self.rows, None)
                if item is None:
                    return found
                line, row = item
                if row is None:
                    self.result.invalid += 1
                    self.result.problem(f"{self.file.name} line {line}: wrong number of columns")
                    continue
                entity = _enterprise_key(row["EntityNumber"])
                if entity is None:
                    continue  # an establishment unit: we keep enterprise-level data only
                if entity < self.last:
                    raise KboError(
                        f"{self.file.name} is not sorted by entity number (line {line})."
                    )
                self.last = entity
                self.pending = (entity, row)
            entity, row = self.pending
            if entity > key:
                return found
            self.pending = None
            if entity == key:
                found.append(row)


def _read_small(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    return dt.datetime.strptime(text, "%d-%m-%Y").date()  # noqa: DTZ007 - a date, no time


def _west_flemish_seats(path: Path, progress_file, result: KboResult) -> dict[str, tuple]:
    """Pass 1: {enterprise digits: (street, postal code, municipality NL, municipality FR)}."""
    seats = {}
    csv_file = _CsvFile(
        path,
        ("EntityNumber", "TypeOfAddress", "Zipcode", "MunicipalityNL", "StreetNL", "HouseNumber"),
        progress_file,
    )
    try:
        for line, row in csv_file:
            if row is None:
                result.invalid += 1
                result.problem(f"address.csv line {line}: wrong number of columns")
                continue
            if row["TypeOfAddress"] != "REGO" or row.get("DateStrikingOff"):
                continue
            if row.get("CountryNL", "").strip() not in ("", "België", "Belgie"):
                continue
            zipcode = row["Zipcode"].strip()
            if not (zipcode.isdigit() and len(zipcode) == 4 and "8000" <= zipcode <= "8999"):
                continue
            key = _enterprise_key(row["EntityNumber"])
            if key is None:
                continue
            street = (row.get("StreetNL") or row.get("StreetFR") or "").strip()
            number = row.get("HouseNumber", "").strip()
            box = row.get("Box", "").strip()
            text = " ".join(p for p in (street, number) if p)
            if box:
                text = f"{text} bus {box}"
            seats[key] = (
                text[:200],
                zipcode,
                row["MunicipalityNL"].strip(),
                row.get("MunicipalityFR", "").strip(),
            )
    finally:
        csv_file.close()
    return seats


def _name(denominations: list[dict]) -> str:
    """The Dutch legal name, else a legal name in another language, else a commercial name."""
    type_rank = {"001": 0, "003": 1, "002": 2}
    language_rank = {"2": 0, "1": 1, "4": 2, "3": 3, "0": 4}
    best = sorted(
        (d for d in denominations if d["Denomination"].strip()),
        key=lambda d: (
            type_rank.get(d["TypeOfDenomination"], 9),
            language_rank.get(d["Language"], 9),
        ),
    )
    return best[0]["Denomination"].strip()[:200] if best else ""


class _Importer:
    def __init__(self, directory: Path, dry_run: bool, report, progress_file, actor):
        self.directory = directory
        self.dry_run = dry_run
        self.report = report
        self.progress_file = progress_file
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.result = KboResult()
        self.now = timezone.now()
        self.content_type = ContentType.objects.get_for_model(Organisation)

    def run(self) -> KboResult:
        for name in REQUIRED_FILES:
            if not (self.directory / name).is_file():
                raise KboError(f"{name} is missing from {self.directory}.")
        meta = {
            row.get("Variable", ""): row.get("Value", "")
            for row in _read_small(self.directory / "meta.csv")
        }
        self.result.snapshot = meta.get("SnapshotDate") or meta.get("ExtractTimestamp", "")
        self.source = f"KBO Open Data {self.result.snapshot}".strip()
        forms, forms_fr = {}, {}
        for row in _read_small(self.directory / "code.csv"):
            if row.get("Category") == "JuridicalForm":
                if row.get("Language") == "NL":
                    forms[row["Code"]] = row["Description"].strip()
                elif row.get("Language") == "FR":
                    forms_fr[row["Code"]] = row["Description"].strip()
        self.legal_forms = {**forms_fr, **forms}
        self.lookups = Lookups()
        self.seats = _west_flemish_seats(
            self.directory / "address.csv", self.progress_file, self.result
        )
        if self.dry_run:
            self._pass_two()
        else:
            with transaction.atomic():
                self._pass_two()
        return self.result

    def _open(self, name, columns):
        path = self.directory / name
        if not path.is_file():
            return None
        return _CsvFile(path, columns, self.progress_file)

    def _pass_two(self) -> None:
        enterprises = _CsvFile(
            self.directory / "enterprise.csv",
            ("EnterpriseNumber", "TypeOfEnterprise", "JuridicalForm", "StartDate"),
            self.progress_file,
        )
        others = [
            self._open(
                "denomination.csv",
                ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
            ),
            self._open(
                "activity.csv",
                ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
            ),
            self._open("contact.csv", ("EntityNumber", "EntityContact", "ContactType", "Value")),
        ]
        denominations, activities, contacts = (_Joined(f, self.result) for f in others)
        batch = []
        last = ""
        try:
            for line, row in enterprises:
                if row is None:
                    self.result.invalid += 1
                    self.result.problem(f"enterprise.csv line {line}: wrong number of columns")
                    continue
                digits = normalize_enterprise_number(row["EnterpriseNumber"])
                if not enterprise_number_is_valid(digits):
                    self.result.invalid += 1
                    self.result.problem(
                        f"enterprise.csv line {line}: {row['EnterpriseNumber']!r} "
                        "is not a valid enterprise number"
                    )
                    continue
                if digits < last:
                    raise KboError(f"enterprise.csv is not sorted by entity number (line {line}).")
                last = digits
                if digits not in self.seats:
                    self.result.outside += 1
                    continue
                record = self._record(
                    line,
                    digits,
                    row,
                    denominations.take(digits),
                    activities.take(digits),
                    contacts.take(digits),
                )
                if record is not None:
                    batch.append(record)
                if len(batch) >= BATCH_SIZE:
                    self._write(batch)
                    batch = []
            if batch:
                self._write(batch)
        finally:
            enterprises.close()
            for csv_file in others:
                if csv_file is not None:
                    csv_file.close()

    def _record(self, line, digits, row, denominations, activities, contacts) -> dict | None:
        name = _name(denominations)
        if not name:
            self.result.invalid += 1
            self.result.problem(f"{format_enterprise_number(digits)}: no name in denomination.csv")
            return None
        street, zipcode, muni_nl, muni_fr = self.seats[digits]
        values = {
            "name": name,
            "legal_form": self.legal_forms.get(row["JuridicalForm"].strip(), "")[:150],
            "street": street,
            "postal_code": zipcode,
            "municipality": None,
            "main_nace": None,
            "start_date": None,
            "website": "",
            "email": "",
            "phone": "",
        }
        candidates = self.lookups.municipalities_for(zipcode, muni_nl)
        if len(candidates) > 1 and muni_fr:
            candidates = self.lookups.municipalities_for(zipcode, muni_fr) or candidates
        if len(candidates) == 1:
            values["municipality"] = self.lookups.municipality(next(iter(candidates)))
        else:
            self.result.problem(
                f"{format_enterprise_number(digits)}: municipality {zipcode} {muni_nl} not found"
            )
        try:
            values["start_date"] = _date(row["StartDate"])
        except ValueError:
            self.result.problem(
                f"enterprise.csv line {line}: start date {row['StartDate']!r} is not dd-mm-yyyy"
            )
        mains, secondary = [], []
        for activity in sorted(activities, key=lambda a: a["ActivityGroup"]):
            if activity["NaceVersion"] != NACE_VERSION or activity["Classification"] == "ANCI":
                continue
            code = self.lookups.nace_nearest(activity["NaceCode"])
            if code is None:
                continue
            (mains if activity["Classification"] == "MAIN" else secondary).append(code)
        if mains:
            values["main_nace"] = mains[0]
        secondary_ids = sorted(
            {c.pk for c in mains[1:] + secondary} - {values["main_nace"].pk if mains else None}
        )
        for contact in contacts:
            if contact["EntityContact"] not in ("ENT", ""):
                continue
            kind, value = contact["ContactType"], contact["Value"].strip()
            try:
                if kind == "EMAIL" and not values["email"]:
                    validate_email(value)
                    values["email"] = value[:254]
                elif kind == "WEB" and not values["website"]:
                    url = value if "://" in value else f"https://{value}"
                    _url(url)
                    values["website"] = url[:200]
                elif kind == "TEL" and not values["phone"]:
                    values["phone"] = value[:40]
            except ValidationError:
                self.result.problem(
                    f"{format_enterprise_number(digits)}: {kind} {value!r} is not valid; skipped"
                )
        return {"digits": digits, "values": values, "secondary": secondary_ids}

    def _write(self, batch: list[dict]) -> None:
        numbers = [r["digits"] for r in batch]
        existing = {
            o.enterprise_number: o
            for o in Organisation.objects.filter(enterprise_number__in=numbers).select_related(
                "municipality", "main_nace"
            )
        }
        through = Organisation.secondary_naces.through
        secondary_now: dict[int, set[int]] = {}
        for org_id, nace_id in through.objects.filter(
            organisation_id__in=[o.pk for o in existing.values()]
        ).values_list("organisation_id", "nacecode_id"):
            secondary_now.setdefault(org_id, set()).add(nace_id)

        creates, updates, events, new_links = [], [], [], []
        for record in batch:
            organisation = existing.get(record["digits"])
            if organisation is None:
                creates.append(self._create(record))
            else:
                changes = self._update(organisation, record, secondary_now, new_links)
                updates.append(organisation)
                if changes:
                    self.result.updated += 1
                    events.append(self._event(organisation, AuditEvent.Action.UPDATE, changes))
                else:
                    self.result.unchanged += 1
        if self.dry_run:
            return
        Organisation.objects.bulk_create([org for org, _s in creates])
        for org, secondary in creates:
            new_links.extend((org.pk, nace_id) for nace_id in secondary)
            changes = audit.diff({}, audit.snapshot(org, m2m=False))
            if secondary:
                changes[SECONDARY] = [None, secondary]
            events.append(self._event(org, AuditEvent.Action.CREATE, changes))
        if updates:
            Organisation.objects.bulk_update(
                updates,
                [*OFFICIAL_FIELDS, *FILL_ONLY_FIELDS]
                + ["manual_fields", "kbo_synced_at", "source", "search_text", "updated_at"],
            )
        through.objects.bulk_create(
            [through(organisation_id=o, nacecode_id=n) for o, n in new_links],
            ignore_conflicts=True,
        )
        AuditEvent.objects.bulk_create(events)

    def _create(self, record) -> tuple[Organisation, list[int]]:
        values = record["values"]
        organisation = Organisation(
            type=OrganisationType.COMPANY,
            enterprise_number=record["digits"],
            source=self.source,
            kbo_synced_at=self.now,
            created_at=self.now,
            updated_at=self.now,
            **values,
        )
        organisation.search_text = organisation.build_search_text()
        self.result.created += 1
        for name, value in values.items():
            if value not in (None, ""):
                self._change(record["digits"], "create", name, "", value)
        if record["secondary"]:
            self._change(record["digits"], "create", SECONDARY, "", record["secondary"])
        return organisation, record["secondary"]

    def _update(self, organisation, record, secondary_now, new_links) -> dict:
        """Apply what KBO may change; returns {field: [old, new]}."""
        manual = set(organisation.manual_fields)
        synced_before = organisation.kbo_synced_at is not None
        changes = {}
        for name, value in record["values"].items():
            if name in manual or value in (None, ""):
                continue
            current = getattr(organisation, name)
            if current == value:
                continue
            if current not in (None, ""):
                if name in FILL_ONLY_FIELDS:
                    continue
                if not synced_before:
                    # Entered by staff before KBO knew this record: theirs from now on.
                    manual.add(name)
                    continue
            changes[name] = [audit.plain_value(current), audit.plain_value(value)]
            setattr(organisation, name, value)
        have = secondary_now.get(organisation.pk, set())
        if record["secondary"] and not have and SECONDARY not in manual:
            changes[SECONDARY] = [[], record["secondary"]]
            new_links.extend((organisation.pk, n) for n in record["secondary"])
        for name, (old, new) in changes.items():
            self._change(record["digits"], "update", name, old, new)
        organisation.manual_fields = sorted(manual)
        organisation.kbo_synced_at = self.now
        if not organisation.source or organisation.source.startswith("KBO Open Data"):
            organisation.source = self.source
        organisation.search_text = organisation.build_search_text()
        organisation.updated_at = self.now if changes else organisation.updated_at
        return changes

    def _change(self, digits, action, name, old, new) -> None:
        self.result.field_changes[name] += 1
        if self.report is not None:
            self.report.writerow(
                [
                    format_enterprise_number(digits),
                    action,
                    name,
                    neutralize_formula(str(audit.plain_value(old) if old != "" else "")),
                    neutralize_formula(str(audit.plain_value(new))),
                ]
            )

    def _event(self, organisation, action, changes) -> AuditEvent:
        return AuditEvent(
            content_type=self.content_type,
            object_id=str(organisation.pk),
            object_repr=str(organisation)[:300],
            action=action,
            actor=self.actor,
            changes=changes,
            message=self.source[:300],
            created_at=self.now,
        )


def import_kbo(
    directory, *, dry_run: bool = False, report_path=None, progress_file=None, actor=None
) -> KboResult:
    """Import the extract in `directory`; see the module docstring. Raises KboError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KboError(f"{directory} is not a folder.")
    if report_path is None:
        return _Importer(directory, dry_run, None, progress_file, actor).run()
    partial = Path(f"{report_path}.part")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["enterprise_number", "action", "field", "old", "new"])
        try:
            result = _Importer(directory, dry_run, writer, progress_file, actor).run()
        except BaseException:
            handle.close()
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, report_path)
    return result
