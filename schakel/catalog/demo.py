"""Demo catalogue: offerings built from the real partners, facilities, business centres,
terminals, funds and initiatives in the West-Flanders reference document.

Each offering cites its sources (title and URL) in `source`. Providers are the register's
organisations from the same document, found by `external_id` (the register demo's slug),
then by name, and created only when neither exists. Offerings are upserted by
`external_id`, so running the demo again changes nothing.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schakel.catalog import services
from schakel.catalog.format import parse_offering
from schakel.catalog.models import Offering
from schakel.core.demo import reference_data, source_text
from schakel.register.models import Organisation, OrganisationType

DEMO_AFTER = ("schakel.register",)
POM = "pom-west-vlaanderen"

_CLUSTER_WORDS = {
    "blue_energy": ("blue", "blauw", "zee", "offshore", "maritie", "drone", "haven", "marien"),
    "new_materials": ("materia", "kunststof", "textiel", "beton", "circula", "recycl", "plastic"),
    "machine_building_mechatronics": (
        "machine",
        "mechatron",
        "industrie 4.0",
        "automatis",
        "manufactur",
        "robot",
        "cobot",
    ),
    "food": ("voeding", "food", "agro", "groente", "smaak"),
    "care_economy": ("zorg", "health", "gezond", "beweging"),
}
_DOMAIN_KEYS = {
    "ondernemerschap": "entrepreneurship",
    "fabrieken": "factories_of_the_future",
    "transport": "transport_logistics",
    "arbeidsmarkt": "labour_market",
}


def external_id_for(name: str) -> str:
    """The register demo's slug for a reference organisation (same rule, so they meet)."""
    return slugify(name.replace("’", "").replace("'", ""))[:80].strip("-")


def _clusters(*texts) -> list[str]:
    text = " ".join(str(t) for t in texts if t).lower()
    return [code for code, words in _CLUSTER_WORDS.items() if any(w in text for w in words)]


def _themes(*values) -> list[str]:
    themes = []
    for value in values:
        items = value if isinstance(value, list) else re.split(r",|;", str(value or ""))
        for item in items:
            keyword = " ".join(str(item).split()).lower()[:60].strip(" .")
            if keyword and keyword not in themes:
                themes.append(keyword)
    return themes[:8]


def _sources(record: dict) -> list[str]:
    return [record["source"], *record.get("extra_sources", [])]


class _Builder:
    """Collects offering records (open-format dicts) with their provider and source."""

    def __init__(self, data: dict):
        self.data = data
        self.items: list[tuple[dict, str, tuple[str, str], str]] = []
        self.ids: set[str] = set()
        partner_names = [r["name"] for r in data.get("partners", [])]
        # (lowercase words to look for, external id) for naming providers in free text.
        self.aliases = sorted(
            ((name.split(" (")[0].lower(), external_id_for(name)) for name in partner_names),
            key=lambda alias: -len(alias[0]),
        )

    def provider_in(self, text: str, default: str = POM) -> str:
        lowered = (text or "").lower()
        if lowered.startswith("provincia"):
            return "provincie-west-vlaanderen"
        for words, external_id in self.aliases:
            if words and words in lowered:
                return external_id
        return default

    def add(self, prefix, name, record, kind, provider, provider_name_type, **fields):
        base = f"{prefix}-{slugify(name)}"[:76].strip("-")
        offering_id, n = base, 1
        while offering_id in self.ids:
            n += 1
            offering_id = f"{base}-{n}"
        self.ids.add(offering_id)
        description = {"nl": record.get("description_nl", "").strip()}
        if record.get("description_en"):
            description["en"] = record["description_en"].strip()
        item = {
            "id": offering_id,
            "kind": kind,
            "title": fields.pop("title", {"nl": name, "en": name}),
            "description": fields.pop("description", description),
            "provider": provider,
        }
        item.update({key: value for key, value in fields.items() if value})
        source = source_text(_sources(record), uncertain=bool(record.get("uncertain")))
        self.items.append((item, provider, provider_name_type, source))


def build_records(data: dict) -> list[tuple[dict, str, tuple[str, str], str]]:
    """(offering record, provider id, (provider name, type), source) for the reference data."""
    b = _Builder(data)
    places = {}

    def where(record):
        name = record.get("municipality") or ""
        places[name] = places.get(name) or _nis_for(name)
        return places[name]

    for record in data.get("test_facilities", []):
        name = record["name"]
        provider = external_id_for(name)
        who = (name, OrganisationType.FACILITY_OPERATOR)
        clusters = _clusters(record.get("cluster"), record.get("description_nl"))
        tested = record.get("what_can_be_tested") or []
        b.add(
            "test",
            name,
            record,
            "test_facility",
            provider,
            who,
            domains=["factories_of_the_future"],
            clusters=clusters,
            themes=_themes(tested),
            municipality_nis=where(record),
        )
        for equipment in record.get("key_equipment") or []:
            b.add(
                "uitrusting",
                f"{equipment}-{name}"[:70],
                record,
                "equipment",
                provider,
                who,
                title={
                    "nl": f"{equipment[:1].upper()}{equipment[1:]} ({name})"[:300],
                    "en": f"Equipment at {name}: {equipment}"[:300],
                },
                description={
                    "nl": "Uitrusting van {name}: {item}. {text}".format(
                        name=name, item=equipment, text=record.get("description_nl", "").strip()
                    ),
                    "en": "Equipment of {name}. {text}".format(
                        name=name, text=record.get("description_en", "").strip()
                    ),
                },
                domains=["factories_of_the_future"],
                clusters=clusters,
                themes=_themes([equipment]),
                municipality_nis=where(record),
            )

    for record in data.get("business_centres", []):
        name = record["name"]
        status = str(record.get("status") or "")
        text = f"{record.get('type', '')} {record.get('description_nl', '')}".lower()
        b.add(
            "werkplek",
            name,
            record,
            "workspace",
            external_id_for(name),
            (name, OrganisationType.BUSINESS_CENTRE),
            domains=["entrepreneurship"],
            clusters=_clusters(record.get("focus"), record.get("type")),
            themes=_themes([record.get("type", "")]),
            municipality_nis=where(record),
            audience={"stages": ["idea", "starter"]} if "starter" in text else None,
            # A centre put up for sale or still planned is not open for new tenants.
            open={"until": "2023-12-31"} if "te koop" in status else None,
        )

    for record in data.get("terminals", []):
        name = record["name"]
        b.add(
            "terminal",
            name,
            record,
            "terminal",
            external_id_for(name),
            (name, OrganisationType.TERMINAL_OPERATOR),
            domains=["transport_logistics"],
            themes=_themes([record.get("type", ""), record.get("waterway", "")]),
            municipality_nis=where(record),
        )

    for record in data.get("partners", []):
        name = record["name"]
        short = name.split(" (")[0]
        b.add(
            "expertise",
            short,
            record,
            "expertise",
            external_id_for(name),
            (name, OrganisationType.OTHER),
            title={
                "nl": f"Expertise en advies van {short}",
                "en": f"Expertise and advice: {short}",
            },
            domains=["factories_of_the_future"],
            clusters=_clusters(record.get("expertise"), record.get("description_nl")),
            themes=_themes(record.get("expertise") or [record.get("type", "")]),
            municipality_nis=where(record),
        )

    for record in data.get("funding", []):
        name = record["name"]
        kind_text = f"{record.get('type', '')} {name}".lower()
        is_call = any(w in kind_text for w in ("oproep", "toelage", "subsidie", "cofinanciering"))
        period = str(record.get("period") or "")
        open_period = None
        if record.get("deadline"):
            open_period = {"until": str(record["deadline"])}
            if record.get("launched"):
                open_period["from"] = str(record["launched"])
        elif re.fullmatch(r"\d{4}-\d{4}", period):
            open_period = {"from": f"{period[:4]}-01-01", "until": f"{period[5:]}-12-31"}
        budget = next(
            (
                record[key]
                for key in (
                    "efro_budget_eur",
                    "efro_eur",
                    "total_budget_eur",
                    "eu_budget_eur",
                    "eu_funds_eur_total_approx",
                )
                if isinstance(record.get(key), (int, float))
            ),
            None,
        )
        manager = str(record.get("managing_authority") or record.get("coordinator") or name)
        provider = b.provider_in(manager)
        if "north sea" in name.lower():
            provider = "danish-business-authority"
        b.add(
            "fonds",
            name,
            record,
            "funding" if is_call else "programme",
            provider,
            (manager, OrganisationType.FUNDING_BODY),
            domains=["entrepreneurship"],
            clusters=_clusters(record.get("description_nl"), record.get("target_sectors")),
            themes=_themes(["subsidie" if is_call else "europees programma"]),
            open=open_period,
            budget_eur=budget,
        )

    initiatives = []
    for section in ("domains", "clusters"):
        for parent in data.get(section, []):
            parent_name = parent["name"].lower()
            domain = next(
                (code for key, code in _DOMAIN_KEYS.items() if parent_name.startswith(key)),
                "factories_of_the_future",
            )
            for item in parent.get("initiatives") or []:
                if isinstance(item, dict) and item.get("description_nl"):
                    initiatives.append((item, domain, parent["name"]))
    for record in data.get("labour_market", []):
        kind_text = str(record.get("type", "")).lower()
        if "studie" in kind_text or "cijfers" in kind_text:
            continue
        initiatives.append((record, "labour_market", ""))
    seen = set()
    for record, domain, parent_name in initiatives:
        name = record["name"]
        if name in seen:
            continue
        seen.add(name)
        text = f"{name} {record.get('type', '')} {record.get('description_nl', '')}".lower()
        if any(w in text for w in ("opleid", "academie", "joblabo", "training")):
            kind = "training"
        elif any(w in text for w in ("beurs", "dag ", "event", "wedstrijd")):
            kind = "event"
        else:
            kind = "programme"
        partners = record.get("partners")
        provider = b.provider_in(" ".join(partners) if isinstance(partners, list) else "")
        b.add(
            "programma",
            name,
            record,
            kind,
            provider,
            ("POM West-Vlaanderen", OrganisationType.PUBLIC_BODY),
            domains=[domain],
            clusters=_clusters(parent_name, record.get("description_nl")),
            themes=_themes([parent_name.split(" (")[0]] if parent_name else []),
            municipality_nis=where(record),
        )
    return b.items


def _nis_for(name: str) -> str | None:
    if not name:
        return None
    try:
        from schakel.places.services import resolve_municipality
    except ImportError:  # the places helpers are not there yet
        resolve_municipality = None
    municipality = resolve_municipality(name) if resolve_municipality else None
    if municipality is None:
        from schakel.places.models import Municipality

        municipality = Municipality.objects.filter(name_nl__iexact=name).first()
    return municipality.nis_code if municipality else None


def _provider(external_id: str, name: str, org_type: str) -> Organisation:
    organisation = Organisation.objects.filter(external_id=external_id).first()
    if organisation is None:
        organisation = Organisation.objects.filter(name__iexact=name, external_id=None).first()
        if organisation is not None:
            organisation.external_id = external_id
            organisation.save(update_fields=["external_id", "search_text", "updated_at"])
    if organisation is None:
        organisation = Organisation.objects.create(
            external_id=external_id, name=name[:200], type=org_type, source="Demo catalogue"
        )
    return organisation


@transaction.atomic
def load(options: dict, stdout) -> None:
    """Upsert the demo catalogue (about 140 offerings)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    providers: dict[str, Organisation] = {}
    existing = {
        o.external_id: o
        for o in Offering.objects.select_related("provider", "municipality").prefetch_related(
            "domains", "clusters"
        )
    }
    for record, provider_id, (provider_name, provider_type), source in build_records(
        reference_data()
    ):
        if provider_id not in providers:
            providers[provider_id] = _provider(provider_id, provider_name, provider_type)
        normalised, errors = parse_offering(record, {provider_id})
        if errors:
            raise ValueError(f"demo offering {record['id']}: {errors}")
        status, offering = services.apply_offering_record(
            normalised, providers[provider_id], None, existing.get(record["id"])
        )
        if offering.source != source:
            Offering.objects.filter(pk=offering.pk).update(source=source)
        counts[status] += 1
    stdout.write(
        _("Catalogue: %(created)s offerings created, %(updated)s updated, %(unchanged)s unchanged.")
        % counts
    )
