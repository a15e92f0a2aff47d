"""Register demo data: the real West-Flemish ecosystem and a set of fictional companies.

1. `load_reference_organisations()`: partners, test facilities, business centres, terminals
   and the bodies behind the funds in the reference document (`west-flanders.yaml`), each an
   Organisation keyed by a stable `external_id` slug, with its source (title and URL) in
   `source`, and the relations the document states (operates, partner of, member of).
2. `load_companies(count, seed)`: `count` fictional companies, deterministic for a seed, spread
   over the current West-Flemish municipalities and NACE-BEL codes the way a manufacturing-heavy
   province looks, with contacts and a few timeline entries. They carry
   `source = "Fictional demo data"`, `external_id = "demo-company-000001"` and enterprise numbers
   in the range 0900.000.0xx-0909.999.9xx, which the KBO has not issued.

Both are upserts by stable key: running them again changes nothing and duplicates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from schakel.core import audit
from schakel.core.demo import (
    FICTIONAL_SOURCE,
    WeightedChoice,
    insert_rows,
    reference_data,
    source_text,
)
from schakel.core.models import AuditEvent
from schakel.core.text import fold
from schakel.places.models import Cluster, Domain, Municipality, NaceCode, PostalCode
from schakel.places.services import resolve_municipality
from schakel.register import search_index
from schakel.register.models import (
    Activity,
    Contact,
    Organisation,
    OrganisationType,
    Relation,
    SizeClass,
    Stage,
    size_class_for,
)

COMPANY_ID_PREFIX = "demo-company-"
BATCH_SIZE = 2000
# Fictional enterprise numbers: "09" + six digits + mod-97 check. Real KBO numbers issued so
# far start with 02..08 (older) or 1 (since 2023), so 09 never collides with a real company.
_NUMBER_BASE = 9_000_000
_NUMBER_SPACE = 1_000_000
_NUMBER_STEP = 7_919  # prime, coprime with the space: index -> number is one-to-one
# Demo dates hang on a fixed day, so the same seed gives the same data on any day.
_ANCHOR_DAY = dt.date(2025, 12, 31)


def load(options: dict, stdout) -> None:
    verbosity = options.get("verbosity", 1)
    created, updated = load_reference_organisations()
    if verbosity >= 1:
        stdout.write(
            "Reference organisations: {created} created, {updated} updated".format(
                created=created, updated=updated
            )
        )
    count = options.get("companies", 2000)
    seed = options.get("seed", 2026)
    new = load_companies(count, seed, progress=verbosity >= 1)
    if new:
        update_statistics()
    if verbosity >= 1:
        stdout.write(
            "Fictional companies: {count} ({new} new), seed {seed}".format(
                count=count, new=new, seed=seed
            )
        )


def update_statistics() -> None:
    """Refresh the query planner's statistics after a bulk load.

    Without them PostgreSQL estimates one row for every filter on freshly loaded tables and
    picks nested loops (a search then took over a second with 100,000 companies), and SQLite
    uses the `type` index even for `type=company`, which matches nearly every row.
    """
    tables = [
        Organisation._meta.db_table,
        Organisation.clusters.through._meta.db_table,
        Organisation.domains.through._meta.db_table,
        Contact._meta.db_table,
        Activity._meta.db_table,
    ]
    quote = connection.ops.quote_name
    # On PostgreSQL also VACUUM (outside a transaction only), as autovacuum would: it fills
    # the visibility map, without which no index-only scan is possible (a count or a deep
    # page then reads every row of the table).
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(("VACUUM ANALYZE " if vacuum else "ANALYZE ") + quote(table))


# ---------------------------------------------------------------------------------------------
# 1. The real organisations from the reference document
# ---------------------------------------------------------------------------------------------

# Organisation types by words in the document's Dutch `type` text, first match wins.
_TYPE_RULES = [
    ("innovatieplatform", OrganisationType.KNOWLEDGE_CENTRE),
    ("onderzoekscentrum", OrganisationType.KNOWLEDGE_CENTRE),
    ("onderzoeksinstituut", OrganisationType.KNOWLEDGE_CENTRE),
    ("innovatiecentrum", OrganisationType.KNOWLEDGE_CENTRE),
    ("technologisch centrum", OrganisationType.KNOWLEDGE_CENTRE),
    ("universiteit", OrganisationType.UNIVERSITY),
    ("hogeschool", OrganisationType.UNIVERSITY),
    ("hoger onderwijs", OrganisationType.UNIVERSITY),
    ("sectorfederatie", OrganisationType.FEDERATION),
    ("vereniging", OrganisationType.FEDERATION),
    ("werkgeversorganisatie", OrganisationType.FEDERATION),
    ("organisatie voor zelfstandige", OrganisationType.FEDERATION),
    ("speerpuntcluster", OrganisationType.FEDERATION),
    ("agentschap", OrganisationType.PUBLIC_BODY),
    ("intercommunale", OrganisationType.PUBLIC_BODY),
    ("waterwegbeheerder", OrganisationType.PUBLIC_BODY),
    ("arbeidsbemiddeling", OrganisationType.PUBLIC_BODY),
]

# Clusters by words in a record's cluster, type, expertise and focus fields.
_CLUSTER_WORDS = {
    "blue_energy": ("blue", "blauwe", "offshore", "marien", "maritiem", "drone"),
    "new_materials": ("materialen", "kunststof", "textiel", "chemie", "beton", "recyclage"),
    "machine_building_mechatronics": (
        "machinebouw",
        "mechatronica",
        "technologische industrie",
        "maakindustrie",
        "industrie 4.0",
        "automatisering",
    ),
    "food": ("voeding", "agrovoeding", "land- en tuinbouw", "agro"),
    "care_economy": ("zorg", "health"),
}

# Organisations the document names as operators, owners, funders or coordinators without a
# record of their own: (external id, name, type, source ids).
_NAMED_ORGANISATIONS = [
    ("pom-west-vlaanderen", "POM West-Vlaanderen", OrganisationType.PUBLIC_BODY, ["s01"]),
    (
        "provincie-west-vlaanderen",
        "Provincie West-Vlaanderen",
        OrganisationType.FUNDING_BODY,
        ["s103"],
    ),
    (
        "oc-west",
        "Ondernemerscentra West-Vlaanderen (OC West)",
        OrganisationType.OTHER,
        ["s02", "s07"],
    ),
    ("shipit", "Shipit", OrganisationType.TERMINAL_OPERATOR, ["s42"]),
    ("delcatrans", "Delcatrans", OrganisationType.TERMINAL_OPERATOR, ["s42"]),
    ("transferium", "Transferium", OrganisationType.TERMINAL_OPERATOR, ["s48"]),
    ("delcaterminal", "Delcaterminal", OrganisationType.TERMINAL_OPERATOR, ["s54"]),
    (
        "port-of-antwerp-bruges",
        "Port of Antwerp-Bruges",
        OrganisationType.TERMINAL_OPERATOR,
        ["s60"],
    ),
    (
        "danish-business-authority",
        "Danish Business Authority",
        OrganisationType.FUNDING_BODY,
        ["s87"],
    ),
]

# How operator/partner texts name organisations: (words, external id, only for places in).
# Plain names are added from the records themselves (name, and name before " (").
_EXTRA_ALIASES = [
    ("Ondernemerscentra West-Vlaanderen", "oc-west", None),
    ("OC West", "oc-west", None),
    ("campus Brugge", "ku-leuven-campus-brugge", None),
    ("Campus Brugge", "ku-leuven-campus-brugge", None),
    ("UGent", "ugent-campus-kortrijk", "Kortrijk"),
    ("Centexbel", "centexbel", None),
    ("Port of Antwerp-Bruges", "port-of-antwerp-bruges", None),
]

_OPERATOR_FIELDS = (
    "operator",
    "operators",
    "owner_operator",
    "rail_terminal_operator",
    "concession_holder",
)
# Words after which an operator text names someone else than the operator.
_ASIDE = re.compile(r"\baangesteld door\b|\bvoorheen\b|,? in een pand\b")
_PARTNER_FIELDS = ("operator_partners", "partners", "scientific_partners", "owners", "owner")
_CLUSTER_FIELDS = ("cluster", "type", "expertise", "focus")

_SECTIONS = [
    ("partners", None, ()),
    ("test_facilities", OrganisationType.FACILITY_OPERATOR, ("factories_of_the_future",)),
    ("business_centres", OrganisationType.BUSINESS_CENTRE, ("entrepreneurship",)),
    ("terminals", OrganisationType.TERMINAL_OPERATOR, ("transport_logistics",)),
]


@dataclass
class _Spec:
    """One organisation to upsert from the reference document."""

    external_id: str
    name: str
    type: str
    municipality: str = ""
    description: str = ""
    website: str = ""
    source_ids: list[str] = field(default_factory=list)
    uncertain: bool = False
    clusters: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    record: dict = field(default_factory=dict)
    managed_funds: list[str] = field(default_factory=list)
    operates: list[str] = field(default_factory=list)


def external_id_for(name: str) -> str:
    return slugify(name.replace("’", "").replace("'", ""))[:80].strip("-")


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _type_for(text: str, default: str) -> str:
    lowered = text.lower()
    for words, org_type in _TYPE_RULES:
        if words in lowered:
            return org_type
    return default


def _clusters_for(record: dict) -> set[str]:
    text = " ".join(" ".join(_as_list(record.get(name))) for name in _CLUSTER_FIELDS).lower()
    return {code for code, words in _CLUSTER_WORDS.items() if any(w in text for w in words)}


def reference_specs() -> list[_Spec]:
    """Every organisation the reference document describes or names, as upsert specs."""
    data = reference_data()
    specs: dict[str, _Spec] = {}
    for section, section_type, domains in _SECTIONS:
        for record in data.get(section, []):
            name = record["name"]
            spec = _Spec(
                external_id=external_id_for(name),
                name=name,
                type=section_type or _type_for(str(record.get("type", "")), OrganisationType.OTHER),
                municipality=record.get("municipality") or "",
                description=record.get("description_nl", ""),
                website=record.get("website", ""),
                source_ids=[record["source"], *record.get("extra_sources", [])],
                uncertain=bool(record.get("uncertain")),
                clusters=_clusters_for(record),
                domains=set(domains),
                record=record,
            )
            specs.setdefault(spec.external_id, spec)
    for external_id, name, org_type, source_ids in _NAMED_ORGANISATIONS:
        specs.setdefault(
            external_id,
            _Spec(external_id=external_id, name=name, type=org_type, source_ids=list(source_ids)),
        )
    province = data.get("regions", {}).get("province", {})
    if province and "provincie-west-vlaanderen" in specs:
        spec = specs["provincie-west-vlaanderen"]
        spec.description = province.get("description_nl", "")
        spec.municipality = province.get("capital", "")

    # Funding bodies: who manages (managing authority, the province) or coordinates each fund.
    # A managing authority is a funding body; a coordinator keeps its own type (POM itself).
    aliases = _aliases(specs)
    for fund in data.get("funding", []):
        manager = fund.get("managing_authority") or ""
        if not manager and fund["name"].lower().startswith("provincia"):
            manager = "Provincie West-Vlaanderen"
        bodies = [(external_id, True) for external_id in _mentions(manager, "", aliases)]
        bodies += [
            (external_id, False)
            for external_id in _mentions(fund.get("coordinator") or "", "", aliases)
        ]
        for external_id, manages in bodies:
            spec = specs[external_id]
            spec.managed_funds.append(fund["name"])
            if fund["source"] not in spec.source_ids:
                spec.source_ids.append(fund["source"])
            if manages:
                spec.type = OrganisationType.FUNDING_BODY
    for spec in specs.values():
        if spec.managed_funds:
            spec.description = (
                spec.description + "\n\n" if spec.description else ""
            ) + "Fondsen en programma's (referentiedocument): {funds}.".format(
                funds="; ".join(spec.managed_funds)
            )
    return list(specs.values())


def _aliases(specs: dict[str, _Spec]) -> list[tuple[re.Pattern, str, str | None]]:
    aliases = []
    for spec in specs.values():
        names = {spec.name, spec.name.split(" (")[0].strip()}
        # "VLAIO (Agentschap ...)" and "Belgian Offshore Cluster (BOC)": the part before " (".
        for name in names:
            if len(name) >= 3:
                aliases.append((name, spec.external_id, None))
    aliases += _EXTRA_ALIASES
    # Longest first, so "KU Leuven Campus Brugge" wins over shorter words inside it.
    aliases.sort(key=lambda a: -len(a[0]))
    return [
        (re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)"), external_id, place)
        for words, external_id, place in aliases
        if external_id in specs
    ]


def _mentions(text: str, municipality: str, aliases: list) -> list[str]:
    """External ids of the organisations named in `text` (once each, in order of mention)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, external_id, place in aliases:
        if place and place != municipality:
            continue
        for match in pattern.finditer(text):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            taken.append(span)
            found.append((span[0], external_id))
    seen: list[str] = []
    for _, external_id in sorted(found):
        if external_id not in seen:
            seen.append(external_id)
    return seen


def reference_relations(specs: list[_Spec]) -> list[tuple[str, str, str, str]]:
    """(source id, kind, target id, note) for each relation the document states."""
    aliases = _aliases({spec.external_id: spec for spec in specs})
    relations = []
    for spec in specs:
        record = spec.record
        for field_name, kind in [(f, Relation.Kind.OPERATES) for f in _OPERATOR_FIELDS] + [
            (f, Relation.Kind.PARTNER_OF) for f in _PARTNER_FIELDS
        ]:
            for text in _as_list(record.get(field_name)):
                # "Delcaterminal (aangesteld door Leiedal)": Leiedal appointed, it does not operate.
                named = _ASIDE.split(text)[0] if kind == Relation.Kind.OPERATES else text
                for other in _mentions(named, spec.municipality, aliases):
                    if other != spec.external_id:
                        relations.append((other, kind, spec.external_id, text[:300]))
        for text in _as_list(record.get("members")):
            for other in _mentions(text, "", aliases):
                if other != spec.external_id:
                    relations.append((other, Relation.Kind.MEMBER_OF, spec.external_id, text[:300]))
    # One relation per (source, kind, target): the first note wins.
    unique = {}
    for source, kind, target, note in relations:
        unique.setdefault((source, kind, target), note)
    return [(s, k, t, n) for (s, k, t), n in unique.items()]


def _resolve_municipality(name: str):
    return resolve_municipality(name) if name else None


@transaction.atomic
def load_reference_organisations() -> tuple[int, int]:
    """Upsert the reference organisations and their relations; returns (created, updated)."""
    specs = reference_specs()
    clusters = {c.code: c for c in Cluster.objects.all()}
    domains = {d.code: d for d in Domain.objects.all()}
    created = updated = 0
    organisations: dict[str, Organisation] = {}
    for spec in specs:
        values = {
            "name": spec.name[:200],
            "type": spec.type,
            "status": Organisation.Status.ACTIVE,
            "municipality": _resolve_municipality(spec.municipality),
            "description": spec.description.strip(),
            "website": spec.website,
            "source": _source_field(spec),
        }
        organisation = Organisation.objects.filter(external_id=spec.external_id).first()
        if organisation is None:
            organisation = Organisation(external_id=spec.external_id, **values)
            organisation.save()
            audit.record_create(organisation, None, message="Demo data")
            created += 1
        else:
            before = audit.snapshot(organisation)
            for name, value in values.items():
                setattr(organisation, name, value)
            organisation.save()
            if audit.record_update(organisation, before, None, message="Demo data"):
                updated += 1
        organisation.clusters.set([clusters[c] for c in sorted(spec.clusters) if c in clusters])
        organisation.domains.set([domains[d] for d in sorted(spec.domains) if d in domains])
        organisations[spec.external_id] = organisation

    for source, kind, target, note in reference_relations(specs):
        Relation.objects.update_or_create(
            source=organisations[source],
            target=organisations[target],
            kind=kind,
            defaults={"note": note},
        )
    return created, updated


def _source_field(spec: _Spec) -> str:
    text = source_text(spec.source_ids, uncertain=spec.uncertain)
    uncertain_fields = spec.record.get("uncertain_fields")
    if uncertain_fields and len(text) < 440:
        text += " (uncertain: {fields})".format(fields=", ".join(uncertain_fields))
    return text


# ---------------------------------------------------------------------------------------------
# 2. Fictional companies
# ---------------------------------------------------------------------------------------------

# Where West-Flemish industry sits: heavier weights for the industrial towns; every other
# current West-Flemish municipality weighs _DEFAULT_PLACE_WEIGHT.
_PLACE_WEIGHTS = {
    "Kortrijk": 9,
    "Roeselare": 8,
    "Brugge": 8,
    "Waregem": 5,
    "Izegem": 4.5,
    "Oostende": 4,
    "Tielt": 3.5,
    "Harelbeke": 3.5,
    "Menen": 3.5,
    "Wevelgem": 3.5,
    "Zwevegem": 3,
    "Ieper": 3,
    "Wielsbeke": 2.5,
    "Oostkamp": 2.5,
    "Wingene": 2.2,
    "Deerlijk": 2,
    "Kuurne": 2,
    "Ingelmunster": 2,
    "Ardooie": 2,
    "Zedelgem": 2,
    "Torhout": 2,
    "Poperinge": 2,
    "Lendelede": 1.8,
    "Hooglede": 1.8,
    "Moorslede": 1.5,
    "Diksmuide": 1.5,
    "Beernem": 1.5,
    "Wervik": 1.5,
    "Anzegem": 1.5,
    "Avelgem": 1.5,
    "Staden": 1.2,
    "Lichtervelde": 1.2,
    "Ledegem": 1.2,
    "Pittem": 1.2,
    "Oostrozebeke": 1.2,
    "Dentergem": 1.2,
    "Veurne": 1.2,
}
_DEFAULT_PLACE_WEIGHT = 0.7


@dataclass(frozen=True)
class _Sector:
    division: str
    weight: float
    words: tuple[str, ...]  # the trade in a company name
    clusters: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


_FOTF = ("factories_of_the_future",)
_SECTORS = [
    _Sector("01", 2, ("Kwekerij", "Landbouw", "Serreteelt"), ("food",)),
    _Sector("03", 0.4, ("Visserij", "Rederij"), ("food", "blue_energy")),
    _Sector(
        "10",
        9,
        ("Voeding", "Bakkerij", "Vleeswaren", "Groenteverwerking", "Zuivel"),
        ("food",),
        _FOTF,
    ),
    _Sector("11", 1, ("Brouwerij", "Dranken"), ("food",), _FOTF),
    _Sector("13", 5, ("Textiel", "Weverij", "Spinnerij", "Tapijt"), ("new_materials",), _FOTF),
    _Sector("14", 1, ("Confectie", "Kledij"), ("new_materials",), _FOTF),
    _Sector("16", 3, ("Houtbewerking", "Schrijnwerkerij", "Houtindustrie"), (), _FOTF),
    _Sector("17", 1, ("Verpakking", "Karton"), ("new_materials",), _FOTF),
    _Sector("18", 1.5, ("Drukkerij", "Print"), (), _FOTF),
    _Sector("20", 1.5, ("Chemie", "Coatings", "Lijmen"), ("new_materials",), _FOTF),
    _Sector(
        "22",
        3,
        ("Kunststoffen", "Plastics", "Extrusie", "Spuitgieterij"),
        ("new_materials",),
        _FOTF,
    ),
    _Sector("23", 2, ("Beton", "Prefab", "Glas"), ("new_materials",), _FOTF),
    _Sector("24", 0.5, ("Gieterij", "Staal"), ("machine_building_mechatronics",), _FOTF),
    _Sector(
        "25",
        9,
        ("Metaalbewerking", "Metaalconstructie", "Laswerken", "Plaatbewerking"),
        ("machine_building_mechatronics",),
        _FOTF,
    ),
    _Sector("26", 1, ("Elektronica", "Sensoren"), ("machine_building_mechatronics",), _FOTF),
    _Sector(
        "27", 1.5, ("Elektrotechniek", "Aandrijvingen"), ("machine_building_mechatronics",), _FOTF
    ),
    _Sector(
        "28",
        6,
        ("Machinebouw", "Automation", "Mechatronics", "Engineering"),
        ("machine_building_mechatronics",),
        _FOTF,
    ),
    _Sector("29", 1, ("Carrosserie", "Aanhangwagens"), ("machine_building_mechatronics",), _FOTF),
    _Sector(
        "30",
        0.5,
        ("Scheepsbouw", "Jachtbouw"),
        ("machine_building_mechatronics", "blue_energy"),
        _FOTF,
    ),
    _Sector("31", 4, ("Meubelen", "Interieur", "Meubelmakerij"), (), _FOTF),
    _Sector("32", 1.5, ("Medical", "Zorgtechniek", "Speelgoed"), ("care_economy",), _FOTF),
    _Sector(
        "33",
        3,
        ("Industrieel Onderhoud", "Installatietechniek"),
        ("machine_building_mechatronics",),
        _FOTF,
    ),
    _Sector("41", 4, ("Bouw", "Projectbouw"), ()),
    _Sector("43", 6, ("Dakwerken", "Elektriciteit", "Sanitair", "Afwerking"), ()),
    _Sector("46", 8, ("Groothandel", "Trading", "Distributie"), ()),
    _Sector("49", 4, ("Transport", "Koeltransport"), (), ("transport_logistics",)),
    _Sector("52", 2, ("Logistics", "Opslag", "Expeditie"), (), ("transport_logistics",)),
    _Sector("62", 4, ("Software", "IT", "Digital"), ()),
    _Sector("70", 2, ("Consult", "Advies"), ()),
    _Sector("71", 3, ("Studiebureau", "Ingenieurs"), ()),
    _Sector("72", 0.5, ("Research", "Labs"), ("care_economy",)),
    _Sector("86", 0.8, ("Zorg", "Praktijk"), ("care_economy",)),
]

# Name stems: two invented halves, e.g. "Vlas" + "bloem" = "Vlasbloem".
_STEM_HEADS = (
    "Vlas Leie Polder Mandel Duin Kouter Heide Beke Meers Linde Eike Wilg Zilver Molen Hoeve "
    "Brug Delta Noord West Zuid Klaver Haver Hop Ijzer Kanaal Vliet Rozen Berken Essen Vos"
).split()
_STEM_TAILS = (
    "bloem zicht wind hoek hof veld kant dal meer gaard stroom licht poort wal kouter steen "
    "vaart brug dries akker"
).split()
_LEGAL_FORMS = WeightedChoice(["BV", "NV", "CommV", "CV", "VOF"], [70, 18, 5, 4, 3])
_STREETS = (
    "Industrielaan Nijverheidsstraat Ambachtenstraat Ondernemerslaan Kanaalweg Stationsstraat "
    "Molenstraat Kerkstraat Zandstraat Bedrijvenlaan Vlasstraat Kortrijksestraat "
    "Brugsesteenweg Leiestraat"
).split()
_FIRST_NAMES = (
    "Jan Pieter Koen Bart Stijn Wouter Tom Jens Ruben Arne Sofie Els Katrien Lien Annelies "
    "Nele Griet Eline Marie Hanne Lucas Emma Louis Fien Mathias Jolien Simon Lotte Brecht Ine"
).split()
_LAST_NAMES = (
    "Vandenberghe Declercq Desmet Vermeulen Maes Verhaeghe Devos Lambrecht Vanhoutte Dewulf "
    "Coucke Debruyne Vandamme Verstraete Goethals Vercruysse Deconinck Beernaert Vanneste "
    "Degryse Callewaert Demeyer Vandewalle Sabbe Vanhee Decock Verschuere Ghesquiere Depuydt "
    "Claeys"
).split()
_JOB_TITLES = (
    "Zaakvoerder",
    "CEO",
    "Productieverantwoordelijke",
    "Aankoper",
    "HR-verantwoordelijke",
    "R&D-manager",
    "Financieel directeur",
    "Operations manager",
    "Kwaliteitsverantwoordelijke",
)
_ACTIVITY_TOPICS = [
    (Activity.Kind.CALL, "Telefonisch contact over uitbreidingsplannen"),
    (Activity.Kind.CALL, "Vraag naar subsidies voor automatisering"),
    (Activity.Kind.MEETING, "Kennismakingsgesprek met de zaakvoerder"),
    (Activity.Kind.MEETING, "Bedrijfsbezoek productiesite"),
    (Activity.Kind.MEETING, "Opvolging investeringsproject"),
    (Activity.Kind.NOTE, "Zoekt bijkomende bedrijfsgrond in de regio"),
    (Activity.Kind.NOTE, "Interesse in testinfrastructuur voor nieuwe materialen"),
    (Activity.Kind.NOTE, "Doorverwezen naar een kenniscentrum"),
]
_SIZES = WeightedChoice(
    [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE], [68, 23, 7, 2]
)
# (fewest, most employees; turnover ceiling in EUR) per size class, within the EU thresholds.
_SIZE_RANGES = {
    SizeClass.MICRO: (1, 9, 2_000_000),
    SizeClass.SMALL: (10, 49, 10_000_000),
    SizeClass.MEDIUM: (50, 249, 50_000_000),
    SizeClass.LARGE: (250, 1800, 900_000_000),
}
_STAGES = WeightedChoice(
    [Stage.ESTABLISHED, Stage.GROWER, Stage.STARTER, Stage.IDEA], [64, 21, 12, 3]
)
_STATUSES = WeightedChoice(
    [Organisation.Status.ACTIVE, Organisation.Status.PENDING, Organisation.Status.CEASED],
    [95, 3, 2],
)
_LANGUAGES = WeightedChoice(
    [Contact.Language.NL, Contact.Language.FR, Contact.Language.EN], [92, 6, 2]
)


def demo_enterprise_number(index: int) -> str:
    """The fictional enterprise number of demo company `index` (0-based), mod-97 valid."""
    if not 0 <= index < _NUMBER_SPACE:
        raise ValueError("at most 1,000,000 demo companies")
    base = _NUMBER_BASE + (index * _NUMBER_STEP) % _NUMBER_SPACE
    return f"{base:08d}{97 - base % 97:02d}"


def demo_external_id(index: int) -> str:
    return f"{COMPANY_ID_PREFIX}{index + 1:06d}"


class _World:
    """Reference rows the generator draws from, read once."""

    def __init__(self):
        municipalities = list(Municipality.objects.current().west_flemish().order_by("nis_code"))
        if not municipalities:
            raise RuntimeError(
                "No West-Flemish municipalities in the database: run `schakel migrate` first."
            )
        self.places = WeightedChoice(
            municipalities,
            [_PLACE_WEIGHTS.get(m.name_nl, _DEFAULT_PLACE_WEIGHT) for m in municipalities],
        )
        self.postal_codes = defaultdict(list)
        for code, municipality_id in (
            PostalCode.objects.filter(municipality__in=municipalities)
            .values_list("code", "municipality_id")
            .order_by("code", "name")
        ):
            self.postal_codes[municipality_id].append(code)
        # NACE: the subclasses (or the deepest level there is) under each division.
        self.naces = defaultdict(list)
        for nace in NaceCode.objects.filter(level__gte=2).order_by("code"):
            self.naces[nace.code[:2]].append(nace)
        for division, naces in self.naces.items():
            deepest = max(n.level for n in naces)
            self.naces[division] = [n for n in naces if n.level == deepest]
        sectors = [s for s in _SECTORS if self.naces.get(s.division)] or _SECTORS
        self.sectors = WeightedChoice(sectors, [s.weight for s in sectors])
        self.clusters = {c.code: c for c in Cluster.objects.all()}
        self.domains = {d.code: d for d in Domain.objects.all()}


# The columns written for a fictional company, in row order.
_COMPANY_FIELDS = [
    "external_id",
    "name",
    "type",
    "status",
    "enterprise_number",
    "legal_form",
    "description",
    "website",
    "email",
    "phone",
    "street",
    "postal_code",
    "municipality",
    "main_nace",
    "employees",
    "turnover_eur",
    "balance_total_eur",
    "size_class",
    "stage",
    "start_date",
    "source",
    "search_text",
    "account_manager",
    "manual_fields",
    "created_at",
    "updated_at",
]
# What a second run brings back to the generated value (an upsert, not a duplicate);
# `created_at` stays as it was.
_UPSERT_FIELDS = [f for f in _COMPANY_FIELDS if f not in ("external_id", "created_at")]
_CONTACT_FIELDS = [
    "organisation",
    "first_name",
    "last_name",
    "job_title",
    "email",
    "phone",
    "language",
    "newsletter_consent",
    "newsletter_consent_at",
    "created_at",
    "updated_at",
]


@dataclass
class _Company:
    external_id: str
    name: str
    values: dict  # column values of the organisation row
    clusters: list[str]
    domains: list[str]
    contacts: list[dict]
    activities: list[tuple]  # (kind, title, occurred_at)


def company_search_text(values: dict, municipality) -> str:
    """`Organisation.build_search_text()` for a row that is not a model instance (yet).

    Folding part by part gives the same text as folding the joined parts (fold works per
    character and collapses spaces); ASCII parts take a shortcut, place names are folded once.
    """
    parts = [
        values["name"],
        values["enterprise_number"] or "",
        values["postal_code"],
        values["description"],
    ]
    if municipality is not None:
        parts += [municipality.name_nl, municipality.name_fr]
    return " ".join(folded for folded in map(_fold, parts) if folded)


_folded: dict[str, str] = {}


def _fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.lower().split())
    if text not in _folded:
        if len(_folded) > 10_000:
            _folded.clear()
        _folded[text] = fold(text)
    return _folded[text]


def _build_company(index: int, seed: int, world: _World, account_manager_id) -> _Company:
    """Company `index` for `seed`: the same inputs always give the same company."""
    rng = random.Random(seed * 1_000_003 + index)
    sector = world.sectors(rng)
    municipality = world.places(rng)
    legal_form = _LEGAL_FORMS(rng)
    stem = rng.choice(_STEM_HEADS) + rng.choice(_STEM_TAILS)
    name = "{stem} {trade} {form}".format(
        stem=stem, trade=rng.choice(sector.words), form=legal_form
    )
    naces = world.naces.get(sector.division, [])
    nace = rng.choice(naces) if naces else None

    size = _SIZES(rng)
    fewest, most, ceiling = _SIZE_RANGES[size]
    employees = rng.randint(fewest, most)
    turnover = Decimal(max(min(employees * rng.randint(90, 260) * 1000, ceiling), 50_000))
    balance = Decimal(int(turnover * Decimal(str(round(rng.uniform(0.4, 0.95), 3)))))
    stage = _STAGES(rng) if size in (SizeClass.MICRO, SizeClass.SMALL) else Stage.ESTABLISHED
    if stage == Stage.IDEA:
        start_date = None
    else:
        oldest, youngest = {
            Stage.STARTER: (0, 3),
            Stage.GROWER: (3, 12),
            Stage.ESTABLISHED: (8, 70),
        }[stage]
        start_date = _ANCHOR_DAY - dt.timedelta(days=rng.randint(oldest * 365, youngest * 365))

    postal_codes = world.postal_codes.get(municipality.pk) or [""]
    slug = slugify(f"{stem}-{sector.words[0]}-{index + 1}")
    description = "{activity}. {trade} uit {place}.".format(
        activity=nace.name_nl if nace else sector.words[0],
        trade=rng.choice(sector.words),
        place=municipality.name_nl,
    )
    # About one company in eight, and every medium-sized or large one, has an account
    # manager and a history on the timeline.
    managed = size in (SizeClass.MEDIUM, SizeClass.LARGE) or rng.random() < 0.12
    values = {
        "external_id": demo_external_id(index),
        "name": name,
        "type": OrganisationType.COMPANY.value,
        "status": _STATUSES(rng).value,
        "enterprise_number": demo_enterprise_number(index),
        "legal_form": legal_form,
        "description": description,
        "website": "",
        "email": f"info@{slug}.example.be",
        "phone": "",
        "street": f"{rng.choice(_STREETS)} {rng.randint(1, 250)}",
        "postal_code": rng.choice(postal_codes),
        "municipality": municipality.pk,
        "main_nace": nace.pk if nace else None,
        "employees": employees,
        "turnover_eur": turnover,
        "balance_total_eur": balance,
        "size_class": size_class_for(employees, turnover, balance),
        "stage": stage.value,
        "start_date": start_date,
        "source": FICTIONAL_SOURCE,
        "account_manager": account_manager_id if managed else None,
        "manual_fields": [],
    }
    values["search_text"] = company_search_text(values, municipality)

    contacts = []
    for _ in range(1 if rng.random() < 0.6 else 2):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        consent = rng.random() < 0.3
        contacts.append(
            {
                "first_name": first,
                "last_name": last,
                "job_title": rng.choice(_JOB_TITLES),
                "email": "{first}.{last}@{slug}.example.be".format(
                    first=fold(first), last=fold(last), slug=slug
                ),
                "phone": "",
                "language": _LANGUAGES(rng).value,
                "newsletter_consent": consent,
                "newsletter_consent_at": _moment(rng, 720) if consent else None,
            }
        )
    activities = []
    if managed and account_manager_id is not None:
        for _ in range(rng.randint(1, 3)):
            kind, title = rng.choice(_ACTIVITY_TOPICS)
            activities.append((kind.value, title, _moment(rng, 700)))
    return _Company(
        external_id=values["external_id"],
        name=name,
        values=values,
        clusters=list(sector.clusters),
        domains=list(sector.domains) + (["entrepreneurship"] if stage == Stage.STARTER else []),
        contacts=contacts,
        activities=activities,
    )


def _moment(rng: random.Random, days_back: int) -> dt.datetime:
    """An aware moment on a working-day hour within `days_back` days before the anchor day."""
    day = _ANCHOR_DAY - dt.timedelta(days=rng.randint(0, days_back))
    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
    return timezone.make_aware(moment, timezone.get_default_timezone())


def load_companies(count: int, seed: int = 2026, progress: bool = False) -> int:
    """Upsert fictional companies 0..count-1 for `seed`; returns how many were new.

    Each batch is one transaction. Contacts, timeline entries and audit events are only written
    for companies that did not exist yet, so a second run adds nothing.
    """
    if count <= 0:
        return 0
    if count > _NUMBER_SPACE:
        raise ValueError("at most 1,000,000 demo companies")
    from schakel.accounts.demo import ensure_agency_users

    _, account_manager = ensure_agency_users()
    world = _World()
    content_types = {
        model: ContentType.objects.get_for_model(model).pk for model in (Organisation, Contact)
    }
    new_total = 0
    with tqdm(
        total=count,
        desc="Companies",
        unit=" companies",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    ) as bar:
        with search_index.bulk_load(connection, count):
            for start in range(0, count, BATCH_SIZE):
                indexes = range(start, min(start + BATCH_SIZE, count))
                companies = [_build_company(i, seed, world, account_manager.pk) for i in indexes]
                new_total += _save_batch(companies, world, account_manager.pk, content_types)
                bar.update(len(companies))
    return new_total


@transaction.atomic
def _save_batch(companies: list[_Company], world: _World, actor_id, content_types) -> int:
    external_ids = [c.external_id for c in companies]
    existing = set(
        Organisation.objects.filter(external_id__in=external_ids).values_list(
            "external_id", flat=True
        )
    )
    now = timezone.now()
    rows = []
    for company in companies:
        values = company.values
        values["created_at"] = values["updated_at"] = now
        rows.append([values[name] for name in _COMPANY_FIELDS])
    insert_rows(
        Organisation,
        _COMPANY_FIELDS,
        rows,
        conflict_field="external_id",
        update_fields=_UPSERT_FIELDS,
    )
    ids = dict(
        Organisation.objects.filter(external_id__in=external_ids).values_list("external_id", "pk")
    )
    pks = list(ids.values())

    # Clusters and domains: replace the generated links of these companies.
    for attribute, vocabulary, column in (
        ("clusters", world.clusters, "cluster"),
        ("domains", world.domains, "domain"),
    ):
        through = getattr(Organisation, attribute).through
        through.objects.filter(organisation_id__in=pks).delete()
        insert_rows(
            through,
            ["organisation", column],
            [
                (ids[company.external_id], vocabulary[code].pk)
                for company in companies
                for code in getattr(company, attribute)
                if code in vocabulary
            ],
        )

    new = [c for c in companies if c.external_id not in existing]
    new_ids = [ids[c.external_id] for c in new]
    insert_rows(
        Contact,
        _CONTACT_FIELDS,
        [
            [
                {
                    "organisation": ids[company.external_id],
                    "created_at": now,
                    "updated_at": now,
                }.get(name, contact.get(name))
                for name in _CONTACT_FIELDS
            ]
            for company in new
            for contact in company.contacts
        ],
    )
    # New companies had no contacts before, so theirs are exactly the ones just written.
    contact_ids = defaultdict(list)
    for contact_id, organisation_id in (
        Contact.objects.filter(organisation_id__in=new_ids)
        .order_by("id")
        .values_list("id", "organisation_id")
    ):
        contact_ids[organisation_id].append(contact_id)

    activities = []
    events = []
    for company in new:
        organisation_id = ids[company.external_id]
        first_contact = contact_ids[organisation_id][0] if contact_ids[organisation_id] else None
        for kind, title, occurred_at in company.activities:
            activities.append(
                (
                    organisation_id,
                    kind,
                    occurred_at,
                    title,
                    "",
                    actor_id,
                    first_contact,
                    True,
                    "",
                    occurred_at,
                )
            )
        events.append(_audit_row(content_types[Organisation], organisation_id, company.name, now))
        for contact_id, contact in zip(contact_ids[organisation_id], company.contacts, strict=True):
            name = "{first} {last}".format(first=contact["first_name"], last=contact["last_name"])
            events.append(_audit_row(content_types[Contact], contact_id, name, now))
    insert_rows(
        Activity,
        [
            "organisation",
            "kind",
            "occurred_at",
            "title",
            "body",
            "actor",
            "contact",
            "is_internal",
            "link_url",
            "created_at",
        ],
        activities,
    )
    insert_rows(
        AuditEvent,
        ["content_type", "object_id", "object_repr", "action", "created_at", "changes", "message"],
        events,
    )
    return len(new)


def _audit_row(content_type_id: int, object_id: int, text: str, now) -> tuple:
    """One 'created' audit event for a new demo record."""
    return (
        content_type_id,
        str(object_id),
        text[:300],
        AuditEvent.Action.CREATE.value,
        now,
        {},
        "Demo data",
    )
