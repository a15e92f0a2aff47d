"""Actions on the catalogue, shared by views, the API, the CLI, imports and other apps.

Each function takes model instances and the acting user, runs in one transaction and
writes the audit trail. Other apps (the matching index) learn about changed offerings
through `on_offering_changed`, called after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from schakel.catalog.models import (
    CLUSTER_CODES,
    CLUSTER_LABELS,
    DOMAIN_CODES,
    DOMAIN_LABELS,
    LANGUAGES,
    Offering,
    ProviderProfile,
)
from schakel.core import audit
from schakel.places.models import Cluster, Domain, Municipality
from schakel.register.models import Organisation

# --- change hooks ---------------------------------------------------------------------

_offering_callbacks: list[Callable[[int], None]] = []


def on_offering_changed(callback: Callable[[int], None]) -> Callable[[int], None]:
    """Register `callback(offering_id)`, called after commit whenever an offering is
    created, changed, archived or unarchived. Usable as a decorator; registering the
    same callback twice has no effect."""
    if callback not in _offering_callbacks:
        _offering_callbacks.append(callback)
    return callback


def remove_offering_callback(callback: Callable[[int], None]) -> None:
    if callback in _offering_callbacks:
        _offering_callbacks.remove(callback)


def _offering_changed(offering: Offering) -> None:
    offering_id = offering.pk
    for callback in list(_offering_callbacks):
        transaction.on_commit(lambda cb=callback: cb(offering_id))


# --- records in the open format -------------------------------------------------------


def text_object(obj, prefix: str) -> dict:
    return {
        code: getattr(obj, f"{prefix}_{code}")
        for code in LANGUAGES
        if getattr(obj, f"{prefix}_{code}").strip()
    }


def json_number(amount: Decimal):
    """A Decimal as a JSON number: whole euros as int, cents as float."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


def _codes(manager, vocabulary, written: list | None = None) -> list[str]:
    """The codes of a domain/cluster set: as the file wrote them while the set is unchanged,
    otherwise in vocabulary order."""
    codes = {term.code for term in manager.all()}
    if written and len(written) == len(codes) and set(written) == codes:
        return list(written)
    return [code for code in vocabulary if code in codes]


def offering_format_record(offering: Offering) -> dict:
    """The offering exactly as the open format writes it (optional fields left out when empty)."""
    record = {
        "id": offering.external_id,
        "kind": offering.kind,
        "title": text_object(offering, "title"),
        "description": text_object(offering, "description"),
        "provider": offering.provider.external_id or f"organisation-{offering.provider_id}",
    }
    order = offering.tag_order or {}
    domains = _codes(offering.domains, DOMAIN_CODES, order.get("domains"))
    if domains:
        record["domains"] = domains
    clusters = _codes(offering.clusters, CLUSTER_CODES, order.get("clusters"))
    if clusters:
        record["clusters"] = clusters
    if offering.themes:
        record["themes"] = list(offering.themes)
    if offering.municipality_id:
        record["municipality_nis"] = offering.municipality.nis_code
    audience = {}
    if offering.audience_stages:
        audience["stages"] = list(offering.audience_stages)
    if offering.audience_sizes:
        audience["sizes"] = list(offering.audience_sizes)
    if audience:
        record["audience"] = audience
    period = {}
    if offering.open_from:
        period["from"] = offering.open_from.isoformat()
    if offering.open_until:
        period["until"] = offering.open_until.isoformat()
    if period:
        record["open"] = period
    if offering.budget_eur is not None:
        record["budget_eur"] = json_number(offering.budget_eur)
    if offering.url:
        record["url"] = offering.url
    contact = {
        key: value
        for key, value in (
            ("name", offering.contact_name),
            ("email", offering.contact_email),
            ("phone", offering.contact_phone),
        )
        if value
    }
    if contact:
        record["contact"] = contact
    return record


def offering_to_record(offering: Offering) -> dict:
    """The offering in the open-format shape (as exported) plus `provider_name` and
    `provider_type`, for the matching engine's `document_from_offering`."""
    record = offering_format_record(offering)
    record["provider_name"] = offering.provider.name
    record["provider_type"] = offering.provider.type
    return record


def organisation_to_record(organisation: Organisation) -> dict:
    """A provider as the open format writes it."""
    record = {
        "id": organisation.external_id,
        "name": organisation.name,
        "type": organisation.type,
    }
    profile = getattr(organisation, "catalog_profile", None) if organisation.pk else None
    description = text_object(profile, "description") if profile else {}
    if not description and organisation.description.strip():
        description = {"nl": organisation.description}
    if description:
        record["description"] = description
    if organisation.website:
        record["website"] = organisation.website
    if organisation.municipality_id:
        record["municipality_nis"] = organisation.municipality.nis_code
    order = (profile.tag_order if profile else None) or {}
    domains = _codes(organisation.domains, DOMAIN_CODES, order.get("domains"))
    if domains:
        record["domains"] = domains
    clusters = _codes(organisation.clusters, CLUSTER_CODES, order.get("clusters"))
    if clusters:
        record["clusters"] = clusters
    if profile and profile.themes:
        record["themes"] = list(profile.themes)
    return record


def _tag_order(record: dict) -> dict:
    return {name: list(record[name]) for name in ("domains", "clusters") if record.get(name)}


def _comparable(record: dict) -> dict:
    """A record with the budget as Decimal, so 1000 == 1000.0 == Decimal('1000.00')."""
    result = dict(record)
    if "budget_eur" in result:
        result["budget_eur"] = Decimal(str(result["budget_eur"]))
    result.pop("provider_name", None)
    result.pop("provider_type", None)
    return result


# --- vocabulary -------------------------------------------------------------------------


def vocabulary_terms(model, codes: list[str]) -> list:
    """The Domain or Cluster rows for `codes`, created from the format's labels if the
    reference data does not have them yet."""
    labels = DOMAIN_LABELS if model is Domain else CLUSTER_LABELS
    existing = {term.code: term for term in model.objects.filter(code__in=codes)}
    terms = []
    for code in codes:
        term = existing.get(code)
        if term is None:
            name_nl, name_en, name_fr = labels[code]
            term, _created = model.objects.get_or_create(
                code=code, defaults={"name_nl": name_nl, "name_en": name_en, "name_fr": name_fr}
            )
        terms.append(term)
    return terms


def _municipality(nis: str | None):
    return Municipality.objects.get(nis_code=nis) if nis else None


# --- writing records -------------------------------------------------------------------


def _primary_text(text: dict) -> str:
    for code in LANGUAGES:
        if text.get(code):
            return text[code]
    return ""


@transaction.atomic
def apply_organisation_record(
    record: dict, actor, organisation: Organisation | None = None
) -> tuple[str, Organisation]:
    """Create or update a register organisation (and its catalogue profile) from a
    normalised format record. Returns ("created" | "updated" | "unchanged", organisation)."""
    if organisation is not None and organisation_to_record(organisation) == record:
        return "unchanged", organisation
    created = organisation is None
    before = None if created else audit.snapshot(organisation)
    if created:
        organisation = Organisation(external_id=record["id"], source="catalogue import")
    organisation.name = record["name"]
    organisation.type = record["type"]
    description = record.get("description", {})
    organisation.description = _primary_text(description)
    organisation.website = record.get("website", "")
    organisation.municipality = _municipality(record.get("municipality_nis"))
    # The format's id rule allows dots, which a SlugField's own validator does not.
    organisation.full_clean(exclude=["external_id"])
    organisation.save()
    organisation.domains.set(vocabulary_terms(Domain, record.get("domains", [])))
    organisation.clusters.set(vocabulary_terms(Cluster, record.get("clusters", [])))
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    profile_before = audit.snapshot(profile) if profile else None
    profile = profile or ProviderProfile(organisation=organisation)
    for code in LANGUAGES:
        setattr(profile, f"description_{code}", description.get(code, ""))
    profile.themes = list(record.get("themes", []))
    profile.tag_order = _tag_order(record)
    profile.save()
    organisation.catalog_profile = profile
    if created:
        audit.record_create(organisation, actor, message="catalogue import")
    else:
        audit.record_update(organisation, before, actor, message="catalogue import")
    if profile_before is None:
        audit.record_create(profile, actor, message="catalogue import")
    else:
        audit.record_update(profile, profile_before, actor, message="catalogue import")
    return ("created" if created else "updated"), organisation


def fill_offering(offering: Offering, record: dict, provider: Organisation) -> dict:
    """Copy a normalised format record onto `offering`; returns the many-to-many values."""
    offering.external_id = record["id"]
    offering.kind = record["kind"]
    for prefix in ("title", "description"):
        text = record.get(prefix, {})
        for code in LANGUAGES:
            setattr(offering, f"{prefix}_{code}", text.get(code, ""))
    offering.provider = provider
    offering.themes = list(record.get("themes", []))
    offering.municipality = _municipality(record.get("municipality_nis"))
    audience = record.get("audience", {})
    offering.audience_stages = list(audience.get("stages", []))
    offering.audience_sizes = list(audience.get("sizes", []))
    period = record.get("open", {})
    offering.open_from = dt.date.fromisoformat(period["from"]) if "from" in period else None
    offering.open_until = dt.date.fromisoformat(period["until"]) if "until" in period else None
    budget = record.get("budget_eur")
    offering.budget_eur = None if budget is None else Decimal(str(budget))
    offering.url = record.get("url", "")
    contact = record.get("contact", {})
    offering.contact_name = contact.get("name", "")
    offering.contact_email = contact.get("email", "")
    offering.contact_phone = contact.get("phone", "")
    offering.tag_order = _tag_order(record)
    return {
        "domains": vocabulary_terms(Domain, record.get("domains", [])),
        "clusters": vocabulary_terms(Cluster, record.get("clusters", [])),
    }


@transaction.atomic
def apply_offering_record(
    record: dict, provider: Organisation, actor, offering: Offering | None = None
) -> tuple[str, Offering]:
    """Create or update an offering from a normalised format record (import, API).

    An archived offering that comes back in a file is live again. Returns
    ("created" | "updated" | "unchanged", offering).
    """
    if (
        offering is not None
        and not offering.is_archived
        and _comparable(offering_format_record(offering)) == _comparable(record)
    ):
        return "unchanged", offering
    created = offering is None
    before = None if created else audit.snapshot(offering)
    offering = offering or Offering()
    m2m = fill_offering(offering, record, provider)
    offering.is_archived = False
    offering.full_clean()
    offering.save()
    offering.domains.set(m2m["domains"])
    offering.clusters.set(m2m["clusters"])
    if created:
        audit.record_create(offering, actor, message="catalogue")
    else:
        audit.record_update(offering, before, actor, message="catalogue")
    _offering_changed(offering)
    return ("created" if created else "updated"), offering


# --- actions from the screens and the API --------------------------------------------------


def ensure_external_id(organisation: Organisation) -> Organisation:
    """Give a provider chosen from the register a catalogue id, so the export can name it."""
    if organisation.external_id:
        return organisation
    base = slugify(organisation.name)[:70].strip("-") or "organisation"
    candidate, n = base, 1
    while Organisation.objects.filter(external_id=candidate).exclude(pk=organisation.pk).exists():
        n += 1
        candidate = f"{base}-{n}"
    Organisation.objects.filter(pk=organisation.pk).update(external_id=candidate)
    organisation.external_id = candidate
    return organisation


@transaction.atomic
def save_offering(
    offering: Offering, actor, before: dict | None = None, m2m: dict | None = None
) -> Offering:
    """Save an offering edited on screen or through the API (new when `before` is None)."""
    offering.full_clean()
    ensure_external_id(offering.provider)
    offering.save()
    for name, values in (m2m or {}).items():
        getattr(offering, name).set(values)
    if before is None:
        audit.record_create(offering, actor)
    else:
        audit.record_update(offering, before, actor)
    _offering_changed(offering)
    return offering


@transaction.atomic
def set_archived(offering: Offering, archived: bool, actor) -> Offering:
    """Archive (hide from the catalogue and matching) or bring back an offering."""
    if offering.is_archived == archived:
        return offering
    before = audit.snapshot(offering)
    offering.is_archived = archived
    offering.save(update_fields=["is_archived", "updated_at", "search_text", "audience_key"])
    audit.record_update(offering, before, actor)
    _offering_changed(offering)
    return offering


set_archived.alters_data = True


def get_offering_for_user(user, external_id: str, action: str = "view") -> Offering:
    """Out of reach gives 404 (nobody learns what exists)."""
    return get_object_or_404(
        Offering.objects.visible_to(user, action).select_related("provider", "municipality"),
        external_id=external_id,
    )
