"""Checking import rows in batches against the register, without writing anything.

`RowValidator.validate_batch` turns up to a few thousand rows into `RowPlan`s:
what would happen to each row (create / update / unchanged / error), with every
problem named by field. Reference data comes from `Lookups` (loaded once); the
existing organisations and contacts of a batch are fetched in three queries.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from schakel.core import audit
from schakel.core.text import fold
from schakel.core.validators import normalize_enterprise_number, validate_enterprise_number
from schakel.places.models import Municipality, NaceCode
from schakel.register.importing.columns import COLUMNS_BY_KEY, CONTACT_KEYS
from schakel.register.importing.lookups import Lookups, fold_label
from schakel.register.importing.values import (
    cell_text,
    looks_like_formula,
    nace_digits,
    parse_number,
)
from schakel.register.models import Contact, Organisation
from schakel.register.services import KBO_FIELDS

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
_POSTAL_CODE = re.compile(r"^(?:BE?-?\s*)?(\d{4})$", re.IGNORECASE)
_NACE_SPLIT = re.compile(r"[,;|\s]+")
# Organisation fields a row can set, and the contact fields.
ORGANISATION_FIELDS = (
    "enterprise_number",
    "name",
    "type",
    "legal_form",
    "street",
    "postal_code",
    "municipality",
    "main_nace",
    "employees",
    "turnover_eur",
    "website",
    "email",
    "phone",
    "description",
)
# Checked against the reference data while parsing, not again by the model field.
_PARSED_FIELDS = {"enterprise_number", "municipality", "main_nace"}
CONTACT_FIELDS = ("first_name", "last_name", "job_title", "email", "phone", "language")


@dataclass
class Issue:
    level: str  # "error" or "warning"
    field: str  # a column key, or "" for the whole row
    message: str

    @property
    def field_label(self) -> str:
        column = COLUMNS_BY_KEY.get(self.field)
        return str(column.label) if column else ""


@dataclass
class RowPlan:
    row: int
    issues: list[Issue] = field(default_factory=list)
    action: str = UNCHANGED
    organisation: Organisation | None = None
    enterprise_number: str = ""
    changes: dict = field(default_factory=dict)  # field -> [old, new]
    secondary_naces: list | None = None  # the new set of NaceCode ids, when it changes
    secondary_before: list = field(default_factory=list)
    contact: Contact | None = None
    contact_is_new: bool = False
    contact_changes: dict = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(issue.level == "error" for issue in self.issues)

    def error(self, field_key: str, message) -> None:
        self.issues.append(Issue("error", field_key, str(message)))

    def warning(self, field_key: str, message) -> None:
        self.issues.append(Issue("warning", field_key, str(message)))


class _FieldCheck:
    """One model field's `clean()` with a cheap path for the common case.

    For plain text fields without extra validators, `field.clean()` checks the length, the
    choices (if any) and, for an e-mail field, Django's e-mail validator; a non-empty string
    that passes those (and has no NUL character, to stay on the safe side) is accepted
    here without the detour. Anything else, and any value the cheap path does not accept,
    goes through `field.clean()` itself, so the rules and the error messages are the
    model's own. The validation per row is then: cheap checks, a dict lookup for reference
    data, and Django's validators only where a cheap check cannot decide.
    """

    _PLAIN = (models.CharField, models.EmailField, models.TextField)

    def __init__(self, field):
        self.field = field
        self.order = field.model._meta.fields.index(field)
        self.fast = type(field) in self._PLAIN and not field._validators
        self.max_length = field.max_length
        self.choices = {str(v) for v, _label in field.flatchoices} if field.choices else None
        self.email = isinstance(field, models.EmailField)

    def _fits(self, value) -> bool:
        if not self.fast or type(value) is not str or not value or "\x00" in value:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        if self.choices is not None and value not in self.choices:
            return False
        if self.email:
            try:
                validate_email(value)
            except ValidationError:
                return False
        return True

    def clean(self, instance) -> list[str]:
        """Error messages for the instance's value (cleaned in place, as clean_fields does)."""
        field = self.field
        value = getattr(instance, field.attname)
        if (field.blank and value in field.empty_values) or self._fits(value):
            return []
        try:
            setattr(instance, field.attname, field.clean(value, instance))
        except ValidationError as exc:
            return list(exc)
        return []


@functools.cache
def _checks(model) -> dict[str, _FieldCheck]:
    return {f.name: _FieldCheck(f) for f in model._meta.fields}


def _clean_changed(instance, names) -> list[tuple[str, str]]:
    """(field name, message) for the changed fields, in model order, like clean_fields()."""
    checks = _checks(type(instance))
    errors = []
    for check in sorted((checks[n] for n in names if n in checks), key=lambda c: c.order):
        errors.extend((check.field.name, message) for message in check.clean(instance))
    return errors


# Values audit.plain_value returns unchanged.
_AS_IS = frozenset({str, int, bool})


class RowValidator:
    """Checks rows against the reference data and the register; keeps file-wide state."""

    def __init__(self, lookups: Lookups, default_type: str, existing_numbers: dict[str, int]):
        self.lookups = lookups
        self.default_type = default_type
        self.existing_numbers = existing_numbers
        self.seen_numbers: dict[str, int] = {}  # enterprise number -> first row with it
        self._labels: dict[tuple, str] = {}  # (model, pk) -> str(instance), for the audit

    def plain(self, value):
        """audit.plain_value, remembering the text of reference records (municipality, NACE)."""
        if value is None or type(value) in _AS_IS:
            return value
        if isinstance(value, (Municipality, NaceCode)):
            key = (type(value), value.pk)
            if key not in self._labels:
                self._labels[key] = audit.plain_value(value)
            return self._labels[key]
        return audit.plain_value(value)

    # parsing ------------------------------------------------------------------
    def _parse(self, plan: RowPlan, cells: dict) -> tuple[dict, dict]:
        """Cells -> (organisation values, contact values) for the filled cells only."""
        values: dict = {}
        text = {key: cell_text(value) for key, value in cells.items()}
        for key, value in text.items():
            if isinstance(cells[key], str) and looks_like_formula(value):
                plan.warning(
                    key,
                    _(
                        "looks like a spreadsheet formula; it is stored as plain text "
                        "and never run."
                    ),
                )

        number = text.get("enterprise_number", "")
        if number:
            try:
                validate_enterprise_number(number)
            except ValidationError as exc:
                plan.error("enterprise_number", exc.messages[0])
            else:
                digits = normalize_enterprise_number(number)
                plan.enterprise_number = digits
                values["enterprise_number"] = digits

        for key in ("name", "legal_form", "description", "phone", "email"):
            if text.get(key):
                values[key] = text[key]
        if text.get("street"):
            street = text["street"]
            if text.get("house_number"):
                street = f"{street} {text['house_number']}"
            values["street"] = street
        elif text.get("house_number"):
            plan.warning("house_number", _("a house number without a street is ignored."))
        if text.get("website"):
            site = text["website"]
            if "://" not in site:
                site = "https://" + site
            values["website"] = site

        if text.get("type"):
            found = self.lookups.types.get(fold_label(text["type"]))
            if found is None:
                plan.error(
                    "type",
                    _("“%(value)s” is not a known organisation type.") % {"value": text["type"]},
                )
            else:
                values["type"] = found

        for key in ("employees", "turnover_eur"):
            if text.get(key):
                try:
                    number_value = parse_number(cells[key])
                except ValueError:
                    plan.error(key, _("“%(value)s” is not a number.") % {"value": text[key]})
                    continue
                if key == "employees":
                    number_value = int(number_value.to_integral_value(rounding=ROUND_HALF_UP))
                values[key] = number_value

        self._parse_place(plan, text, values)
        self._parse_nace(plan, text, values)
        contact = {}
        if any(text.get(key) for key in CONTACT_KEYS):
            contact = self._parse_contact(plan, text)
        return values, contact

    def _parse_place(self, plan: RowPlan, text: dict, values: dict) -> None:
        postal_code = ""
        if text.get("postal_code"):
            match = _POSTAL_CODE.match(text["postal_code"])
            if not match:
                plan.error(
                    "postal_code",
                    _("“%(value)s” is not a Belgian postal code (four digits).")
                    % {"value": text["postal_code"]},
                )
                return
            postal_code = match.group(1)
            values["postal_code"] = postal_code
            if postal_code not in self.lookups.by_postal_code:
                plan.error(
                    "postal_code", _("postal code %(code)s does not exist.") % {"code": postal_code}
                )
                return
        place = text.get("municipality", "")
        if place.isdigit() and len(place) == 5:
            municipality = self.lookups.by_nis.get(place)
            if municipality is None:
                plan.error("municipality", _("NIS code %(code)s does not exist.") % {"code": place})
                return
            values["municipality"] = municipality
        elif place:
            candidates = self.lookups.municipalities_for(postal_code, place)
            if not candidates:
                plan.error(
                    "municipality",
                    _("“%(value)s” is not a known municipality.") % {"value": place},
                )
                return
            if len(candidates) > 1:
                plan.error(
                    "municipality",
                    _("“%(value)s” matches several municipalities; add the postal code.")
                    % {"value": place},
                )
                return
            values["municipality"] = self.lookups.municipality(next(iter(candidates)))
        elif postal_code:
            candidates = self.lookups.by_postal_code[postal_code]
            if len(candidates) > 1:
                plan.error(
                    "municipality",
                    _(
                        "postal code %(code)s covers several municipalities; "
                        "fill in the municipality."
                    )
                    % {"code": postal_code},
                )
                return
            values["municipality"] = self.lookups.municipality(next(iter(candidates)))
        municipality = values.get("municipality")
        if (
            municipality is not None
            and postal_code
            and municipality.pk not in self.lookups.by_postal_code[postal_code]
        ):
            plan.warning(
                "postal_code",
                _("postal code %(code)s does not belong to %(municipality)s.")
                % {"code": postal_code, "municipality": municipality.name_nl},
            )

    def _parse_nace(self, plan: RowPlan, text: dict, values: dict) -> None:
        if not text.get("nace"):
            return
        codes = []
        for raw in _NACE_SPLIT.split(text["nace"]):
            if not raw:
                continue
            code = self.lookups.nace.get(nace_digits(raw))
            if code is None:
                plan.error("nace", _("NACE-BEL code %(code)s does not exist.") % {"code": raw})
            elif code not in codes:
                codes.append(code)
        if codes and not plan.has_errors:
            values["main_nace"] = codes[0]
            values["secondary_naces"] = sorted(c.pk for c in codes[1:])

    def _parse_contact(self, plan: RowPlan, text: dict) -> dict:
        contact = {}
        for key in ("first_name", "last_name", "job_title", "email", "phone"):
            if text.get(f"contact_{key}"):
                contact[key] = text[f"contact_{key}"]
        for key in ("first_name", "last_name"):
            if not contact.get(key):
                plan.error(
                    f"contact_{key}",
                    _("is required when other contact columns are filled."),
                )
        if text.get("contact_language"):
            language = self.lookups.languages.get(fold_label(text["contact_language"]))
            if language is None:
                plan.error(
                    "contact_language",
                    _("“%(value)s” is not a language we know (nl, fr, en or de).")
                    % {"value": text["contact_language"]},
                )
            else:
                contact["language"] = language
        return contact

    # the batch ---------------------------------------------------------------
    def validate_batch(self, rows: list[tuple[int, dict]]) -> list[RowPlan]:
        """Plans for `rows` ([(row number, {column key: cell})]) in the same order."""
        parsed = []
        for row_number, cells in rows:
            plan = RowPlan(row=row_number)
            values, contact = self._parse(plan, cells)
            number = plan.enterprise_number
            if number:
                if number in self.seen_numbers:
                    plan.error(
                        "enterprise_number",
                        _("the enterprise number %(number)s is also on row %(other)s.")
                        % {"number": number, "other": self.seen_numbers[number]},
                    )
                else:
                    self.seen_numbers[number] = row_number
            parsed.append((plan, values, contact))

        existing_ids = [
            self.existing_numbers[p.enterprise_number]
            for p, _v, _c in parsed
            if p.enterprise_number in self.existing_numbers
        ]
        existing = {}
        if existing_ids:
            # Municipality and NACE code come from the lookups rather than a join.
            municipality_field = Organisation._meta.get_field("municipality")
            nace_field = Organisation._meta.get_field("main_nace")
            contacts: dict[int, list[Contact]] = {}
            if any(contact for _p, _v, contact in parsed):
                # In the model's order (last name, first name), as the matching expects.
                for person in Contact.objects.filter(
                    organisation_id__in=existing_ids, erased_at__isnull=True
                ):
                    contacts.setdefault(person.organisation_id, []).append(person)
            for org in Organisation.objects.filter(pk__in=existing_ids):
                if org.municipality_id is not None:
                    municipality_field.set_cached_value(
                        org, self.lookups.municipality(org.municipality_id)
                    )
                if org.main_nace_id is not None:
                    nace_field.set_cached_value(org, self.lookups.nace_by_pk[org.main_nace_id])
                org._import_contacts = contacts.get(org.pk, [])
                existing[org.enterprise_number] = org
            through = Organisation.secondary_naces.through
            secondary: dict[int, list[int]] = {}
            for org_id, nace_id in through.objects.filter(
                organisation_id__in=existing_ids
            ).values_list("organisation_id", "nacecode_id"):
                secondary.setdefault(org_id, []).append(nace_id)
            for org in existing.values():
                org._import_secondary = sorted(secondary.get(org.pk, []))

        plans = []
        for plan, values, contact in parsed:
            self._plan(plan, values, contact, existing.get(plan.enterprise_number))
            plans.append(plan)
        return plans

    def _plan(self, plan: RowPlan, values: dict, contact: dict, organisation) -> None:
        secondary = values.pop("secondary_naces", None)
        if organisation is None:
            if not values.get("name"):
                plan.error("name", _("is required for a new organisation."))
            organisation = Organisation(type=self.default_type)
            plan.action = CREATE
            plan.secondary_before = []
        else:
            plan.secondary_before = organisation._import_secondary
        plan.organisation = organisation
        for name, value in values.items():
            old = getattr(organisation, name)
            if old != value:
                plan.changes[name] = [self.plain(old), self.plain(value)]
                setattr(organisation, name, value)
        if secondary is not None and secondary != plan.secondary_before:
            plan.secondary_naces = secondary
        # The enterprise number, municipality and NACE code were checked while parsing.
        checked = [n for n in plan.changes if n not in _PARSED_FIELDS]
        for name, message in _clean_changed(organisation, checked):
            plan.error(name if name in COLUMNS_BY_KEY else "", message)
        if contact:
            self._plan_contact(plan, organisation, contact)
        if plan.has_errors:
            plan.action = ERROR
        elif plan.action != CREATE:
            changed = plan.changes or plan.secondary_naces is not None
            changed = changed or plan.contact_is_new or plan.contact_changes
            plan.action = UPDATE if changed else UNCHANGED
            if plan.changes:
                # An import is staff's own input: the KBO import leaves these fields alone.
                manual = set(organisation.manual_fields) | (set(plan.changes) & set(KBO_FIELDS))
                organisation.manual_fields = sorted(manual)

    def _plan_contact(self, plan: RowPlan, organisation, values: dict) -> None:
        found = None
        if organisation.pk:
            email = fold(values.get("email", ""))
            names = (
                fold_label(values.get("first_name", "")),
                fold_label(values.get("last_name", "")),
            )
            for candidate in organisation._import_contacts:
                if email and fold(candidate.email) == email:
                    found = candidate
                    break
                if (fold_label(candidate.first_name), fold_label(candidate.last_name)) == names:
                    found = candidate
        contact = found or Contact(organisation=organisation if organisation.pk else None)
        plan.contact = contact
        plan.contact_is_new = found is None
        for name, value in values.items():
            old = getattr(contact, name)
            if old != value:
                plan.contact_changes[name] = [old, value]
                setattr(contact, name, value)
        for name, message in _clean_changed(contact, plan.contact_changes):
            key = f"contact_{name}"
            plan.error(key if key in COLUMNS_BY_KEY else "", message)
