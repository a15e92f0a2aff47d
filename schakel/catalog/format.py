"""The open catalogue format `schakel.catalog/v1` (spec: shared/spec/catalog-format.md).

`parse_catalog` checks a document against every rule of the spec and collects *all*
errors, each with the record id and the field; `import_catalog` writes a valid document
in one transaction (matched on id, so a second import changes nothing);
`export_catalog` writes the catalogue back in the same format.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from schakel.catalog.models import (
    CLUSTER_CODES,
    DOMAIN_CODES,
    EXTERNAL_ID_MAX_LENGTH,
    LANGUAGES,
    SIZE_CODES,
    STAGE_CODES,
    Offering,
    OfferingKind,
    ProviderProfile,
)
from schakel.places.models import Municipality
from schakel.register.models import Organisation, OrganisationType

FORMAT = "schakel.catalog/v1"
ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
NIS_RE = re.compile(r"\d{5}\Z")
ORGANISATION_TYPES = tuple(OrganisationType.values)
OFFERING_KINDS = tuple(OfferingKind.values)
BUDGET_LIMIT = Decimal("10") ** 13  # max_digits=15, decimal_places=2

_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


@dataclass(frozen=True)
class CatalogError:
    """One broken rule: which record (its id, or its position), which field, what is wrong."""

    id: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"id": self.id, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.id}: {self.field}" if self.field else self.id
        return f"{where}: {self.message}" if where else self.message


class CatalogInvalid(Exception):
    """A document that breaks the format; `errors` lists every broken rule."""

    def __init__(self, errors: list[CatalogError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportResult:
    organisations: Counts = field(default_factory=Counts)
    offerings: Counts = field(default_factory=Counts)

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in (self.organisations, self.offerings))

    def as_dict(self) -> dict:
        return {
            "organisations": self.organisations.as_dict(),
            "offerings": self.offerings.as_dict(),
        }


# --- reading JSON -----------------------------------------------------------------


def load_json(raw: bytes | str) -> dict:
    """Decode a catalogue file; malformed JSON becomes one error with line and column."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CatalogInvalid(
                [
                    CatalogError(
                        "",
                        "",
                        _("The file is not UTF-8 text (byte %(position)s).")
                        % {"position": exc.start},
                    )
                ]
            )
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CatalogInvalid(
            [
                CatalogError(
                    "",
                    "",
                    _("Malformed JSON at line %(line)s, column %(column)s: %(problem)s.")
                    % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg},
                )
            ]
        )


# --- validation ---------------------------------------------------------------------


class _Record:
    """Checks one raw record and builds its normalised form, collecting errors."""

    def __init__(self, raw: dict, record_id: str, errors: list[CatalogError]):
        self.raw = raw
        self.id = record_id
        self.errors = errors
        self.out: dict = {}

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(CatalogError(self.id, field_name, message))

    def string(self, name: str, *, required=False, max_length=None, path=None, value=None):
        path = path or name
        value = self.raw.get(name) if value is None else value
        if value is None:
            if required:
                self.error(path, _("This field is required."))
            return None
        if not isinstance(value, str):
            self.error(path, _("Must be a string."))
            return None
        if not value.strip():
            if required:
                self.error(path, _("This field is required."))
            return None
        if max_length and len(value) > max_length:
            self.error(
                path,
                _("At most %(max)s characters (this one has %(length)s).")
                % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def text(self, name: str, *, required=False, max_length=None):
        """A text object; a plain string is read as Dutch. Returns {lang: text} or None."""
        value = self.raw.get(name)
        if value is None:
            if required:
                self.error(name, _("This field is required."))
            return None
        if isinstance(value, str):
            value = {"nl": value}
        if not isinstance(value, dict):
            self.error(name, _('Must be a text object such as {"nl": "…", "en": "…"}.'))
            return None
        result = {}
        unsupported = False
        for lang, text in value.items():
            path = f"{name}.{lang}"
            if lang not in LANGUAGES:
                unsupported = True
                self.error(
                    path,
                    _("Unsupported language %(lang)s: use nl, en or fr.") % {"lang": lang},
                )
                continue
            # An empty translation counts as none.
            checked = self.string(lang, max_length=max_length, path=path, value=text)
            if checked is not None:
                result[lang] = checked
        if not result:
            if not unsupported:
                self.error(name, _("Give the text in at least one language."))
            return None
        return {lang: result[lang] for lang in LANGUAGES if lang in result}

    def choice(self, name: str, choices, *, required=False):
        value = self.string(name, required=required)
        if value is None:
            return None
        if value not in choices:
            self.error(
                name,
                _("Unknown value %(value)s; expected one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return None
        return value

    def code_list(self, name: str, vocabulary, *, path=None, value=None):
        """A list of vocabulary codes, in the order given, without repeats."""
        path = path or name
        value = self.raw.get(name) if value is None else value
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("Must be a list."))
            return []
        codes = []
        for item in value:
            if not isinstance(item, str) or item not in vocabulary:
                self.error(
                    path,
                    _("Unknown code %(value)s; expected one of: %(choices)s.")
                    % {"value": item, "choices": ", ".join(vocabulary)},
                )
            elif item not in codes:
                codes.append(item)
        return codes

    def keywords(self, name: str):
        value = self.raw.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, _("Must be a list."))
            return []
        result = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.error(name, _("Each theme must be a non-empty string."))
            elif item != item.lower():
                self.error(name, _("Theme %(value)s must be lowercase.") % {"value": item})
            elif len(item) > 100:
                self.error(name, _("Theme %(value)s is too long.") % {"value": item[:40]})
            else:
                result.append(item)
        return result

    def url(self, name: str, max_length: int):
        value = self.string(name, max_length=max_length)
        if value is None:
            return None
        try:
            _url_validator(value)
        except ValidationError:
            self.error(name, _("Not a valid web address (http or https)."))
            return None
        return value

    def nis(self, name: str, known: set[str]):
        value = self.raw.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not NIS_RE.match(value):
            self.error(name, _('A REFNIS code is a string of 5 digits, e.g. "34022".'))
            return None
        if value not in known:
            self.error(name, _("Unknown REFNIS code %(code)s.") % {"code": value})
            return None
        return value

    def obj(self, name: str):
        value = self.raw.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(name, _("Must be an object."))
            return None
        return value

    def date(self, path: str, value):
        if value is None:
            return None
        if not isinstance(value, str) or not DATE_RE.match(value):
            self.error(path, _("Dates are written YYYY-MM-DD."))
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(path, _("%(value)s is not a calendar date.") % {"value": value})
            return None

    def budget(self, name: str):
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(name, _("Must be a number."))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(name, _("Must be a number."))
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.error(name, _("Must be a number."))
            return None
        if amount < 0:
            self.error(name, _("Must be zero or more."))
            return None
        if amount >= BUDGET_LIMIT:
            self.error(name, _("Too large."))
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.error(name, _("At most two decimals (euro cents)."))
            return None
        return amount


def _check_id(raw: dict, position: str, seen: set[str], errors: list[CatalogError]) -> str | None:
    value = raw.get("id")
    if value is None or value == "":
        errors.append(CatalogError(position, "id", _("This field is required.")))
        return None
    if not isinstance(value, str):
        errors.append(CatalogError(position, "id", _("Must be a string.")))
        return None
    if len(value) > EXTERNAL_ID_MAX_LENGTH or not ID_RE.match(value):
        errors.append(
            CatalogError(
                value,
                "id",
                _(
                    "An id has at most 80 characters: lowercase letters, digits, dots, dashes "
                    "and underscores, starting with a letter or digit."
                ),
            )
        )
        return None
    if value in seen:
        errors.append(CatalogError(value, "id", _("This id occurs more than once in the file.")))
        return None
    seen.add(value)
    return value


def _parse_organisation(raw, position, seen, known_nis, errors) -> dict | None:
    if not isinstance(raw, dict):
        errors.append(CatalogError(position, "", _("Must be an object.")))
        return None
    record_id = _check_id(raw, position, seen, errors)
    before = len(errors)
    r = _Record(raw, record_id or position, errors)
    out = {"id": record_id}
    out["name"] = r.string("name", required=True, max_length=200)
    out["type"] = r.choice("type", ORGANISATION_TYPES, required=True)
    description = r.text("description")
    if description:
        out["description"] = description
    website = r.url("website", 200)
    if website:
        out["website"] = website
    nis = r.nis("municipality_nis", known_nis)
    if nis:
        out["municipality_nis"] = nis
    for name, vocabulary in (("domains", DOMAIN_CODES), ("clusters", CLUSTER_CODES)):
        codes = r.code_list(name, vocabulary)
        if codes:
            out[name] = codes
    themes = r.keywords("themes")
    if themes:
        out["themes"] = themes
    if record_id is None or len(errors) > before:
        return None
    return out


def _parse_offering(raw, position, seen, provider_ids, known_nis, errors) -> dict | None:
    if not isinstance(raw, dict):
        errors.append(CatalogError(position, "", _("Must be an object.")))
        return None
    record_id = _check_id(raw, position, seen, errors) if seen is not None else raw.get("id")
    before = len(errors)
    r = _Record(raw, record_id or position, errors)
    out = {"id": record_id}
    out["kind"] = r.choice("kind", OFFERING_KINDS, required=True)
    out["title"] = r.text("title", required=True, max_length=300)
    out["description"] = r.text("description", required=True)
    provider = r.string("provider", required=True)
    if provider is not None and provider not in provider_ids:
        r.error(
            "provider",
            _("Unknown provider %(provider)s: list it under organisations.")
            % {"provider": provider},
        )
    out["provider"] = provider
    for name, vocabulary in (("domains", DOMAIN_CODES), ("clusters", CLUSTER_CODES)):
        codes = r.code_list(name, vocabulary)
        if codes:
            out[name] = codes
    themes = r.keywords("themes")
    if themes:
        out["themes"] = themes
    nis = r.nis("municipality_nis", known_nis)
    if nis:
        out["municipality_nis"] = nis
    audience = r.obj("audience")
    if audience is not None:
        result = {}
        for key, vocabulary in (("stages", STAGE_CODES), ("sizes", SIZE_CODES)):
            codes = r.code_list(key, vocabulary, path=f"audience.{key}", value=audience.get(key))
            if codes:
                result[key] = codes
        if result:
            out["audience"] = result
    period = r.obj("open")
    if period is not None:
        start = r.date("open.from", period.get("from"))
        end = r.date("open.until", period.get("until"))
        if start and end and start > end:
            r.error("open", _("The opening date must not be after the closing date."))
        result = {}
        if start:
            result["from"] = start.isoformat()
        if end:
            result["until"] = end.isoformat()
        if result:
            out["open"] = result
    budget = r.budget("budget_eur")
    if budget is not None:
        out["budget_eur"] = budget
    url = r.url("url", 500)
    if url:
        out["url"] = url
    contact = r.obj("contact")
    if contact is not None:
        result = {}
        name = r.string("name", max_length=200, path="contact.name", value=contact.get("name"))
        if name:
            result["name"] = name
        email = r.string("email", max_length=254, path="contact.email", value=contact.get("email"))
        if email:
            try:
                _email_validator(email)
                result["email"] = email
            except ValidationError:
                r.error("contact.email", _("Not a valid e-mail address."))
        phone = r.string("phone", max_length=40, path="contact.phone", value=contact.get("phone"))
        if phone:
            result["phone"] = phone
        if result:
            out["contact"] = result
    if record_id is None or len(errors) > before:
        return None
    return out


def _referenced_nis(records) -> set[str]:
    codes = set()
    for raw in records:
        if isinstance(raw, dict) and isinstance(raw.get("municipality_nis"), str):
            codes.add(raw["municipality_nis"])
    return codes


def _known_nis(codes: set[str]) -> set[str]:
    if not codes:
        return set()
    return set(Municipality.objects.filter(nis_code__in=codes).values_list("nis_code", flat=True))


def _list_section(data: dict, name: str, errors: list[CatalogError]) -> list:
    value = data.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(CatalogError("", name, _("Must be a list.")))
        return []
    return value


def parse_catalog(data) -> tuple[list[dict], list[dict], list[CatalogError]]:
    """Check a decoded document against the format.

    Returns the normalised organisations and offerings (text objects as {lang: text},
    plain strings read as Dutch, code lists in vocabulary order, budgets as Decimal)
    and the list of every error found. Unknown keys are ignored.
    """
    errors: list[CatalogError] = []
    if not isinstance(data, dict):
        return [], [], [CatalogError("", "", _("The document must be a JSON object."))]
    fmt = data.get("format")
    if fmt != FORMAT:
        errors.append(
            CatalogError(
                "",
                "format",
                _("Unknown format %(value)s; expected %(expected)s.")
                % {"value": json.dumps(fmt), "expected": FORMAT},
            )
        )
        return [], [], errors
    raw_organisations = _list_section(data, "organisations", errors)
    raw_offerings = _list_section(data, "offerings", errors)
    known_nis = _known_nis(_referenced_nis(raw_organisations) | _referenced_nis(raw_offerings))

    organisations, seen = [], set()
    for index, raw in enumerate(raw_organisations):
        record = _parse_organisation(raw, f"organisations[{index}]", seen, known_nis, errors)
        if record:
            organisations.append(record)
    # Providers are checked against every id in the file, also of broken records,
    # so that one broken organisation does not drown the report in provider errors.
    provider_ids = {
        raw["id"]
        for raw in raw_organisations
        if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    }
    offerings, seen = [], set()
    for index, raw in enumerate(raw_offerings):
        record = _parse_offering(raw, f"offerings[{index}]", seen, provider_ids, known_nis, errors)
        if record:
            offerings.append(record)
    return organisations, offerings, errors


def parse_offering(raw, provider_ids: set[str]) -> tuple[dict | None, list[CatalogError]]:
    """Check one offering record (the API's create and update) against the format."""
    errors: list[CatalogError] = []
    known_nis = _known_nis(_referenced_nis([raw]))
    record = _parse_offering(raw, "offering", set(), provider_ids, known_nis, errors)
    return record, errors


# --- import and export --------------------------------------------------------------


@transaction.atomic
def import_catalog(data, actor=None) -> ImportResult:
    """Validate and write a catalogue document in one transaction.

    Organisations are matched on `Organisation.external_id`, offerings on
    `Offering.external_id`; records equal to what is stored are left alone, so importing
    the same file twice reports no changes. Raises `CatalogInvalid` with every error;
    then nothing is written.
    """
    from schakel.catalog import services

    organisations, offerings, errors = parse_catalog(data)
    if errors:
        raise CatalogInvalid(errors)
    result = ImportResult()
    existing_orgs = {
        org.external_id: org
        for org in Organisation.objects.filter(
            external_id__in=[r["id"] for r in organisations]
        ).select_related("municipality", "catalog_profile")
    }
    providers = {}
    for record in organisations:
        org = existing_orgs.get(record["id"])
        status, org = services.apply_organisation_record(record, actor, org)
        setattr(result.organisations, status, getattr(result.organisations, status) + 1)
        providers[record["id"]] = org
    existing = {
        o.external_id: o
        for o in Offering.objects.filter(external_id__in=[r["id"] for r in offerings])
        .select_related("provider", "municipality")
        .prefetch_related("domains", "clusters")
    }
    for record in offerings:
        status, _offering = services.apply_offering_record(
            record, providers[record["provider"]], actor, existing.get(record["id"])
        )
        setattr(result.offerings, status, getattr(result.offerings, status) + 1)
    return result


def export_catalog() -> dict:
    """The catalogue (every offering that is not archived, and its providers) in the format."""
    from schakel.catalog import services

    offerings = list(
        Offering.objects.public()
        .select_related("provider", "municipality")
        .prefetch_related("domains", "clusters")
        .order_by("external_id")
    )
    provider_pks = {o.provider_id for o in offerings}
    profiled = ProviderProfile.objects.values("organisation_id")
    organisations = (
        Organisation.objects.filter(external_id__isnull=False)
        .filter(Q(pk__in=provider_pks) | Q(pk__in=profiled))
        .select_related("municipality", "catalog_profile")
        .prefetch_related("domains", "clusters")
        .order_by("external_id")
    )
    return {
        "format": FORMAT,
        "organisations": [services.organisation_to_record(org) for org in organisations],
        "offerings": [services.offering_format_record(o) for o in offerings],
    }


def dumps(document: dict) -> str:
    """The document as UTF-8 JSON text, the way the format is written."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
