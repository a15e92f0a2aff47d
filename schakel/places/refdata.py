"""Load the reference data files in `data/` into the database.

Migration 0002 calls `load_all` with its historical models; the command
`places_assign_regions` calls `sync_regions` after someone edited regions.yaml. The functions
take the model classes as arguments so both can use them. Everything is written with
`bulk_create`, so loading the whole country takes well under a second on SQLite.
"""

import json
from collections import defaultdict
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
WEST_FLANDERS = "30000"
BATCH = 500


class RegionAssignmentError(ValueError):
    """regions.yaml leaves a municipality without a region, or gives it two."""


def read_data(name: str):
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def region_assignment(regions: list[dict], municipalities: list[tuple[str, str]]) -> dict:
    """Map each municipality NIS code to one region code.

    `municipalities` are (nis_code, arrondissement_nis) pairs of the current West-Flemish
    municipalities. A municipality listed under a region's `municipalities` goes there;
    otherwise it follows its arrondissement. Raises RegionAssignmentError naming the offender.
    """
    by_arrondissement: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for region in regions:
        for arrondissement in region.get("arrondissements") or []:
            if arrondissement in by_arrondissement:
                raise RegionAssignmentError(
                    f"arrondissement {arrondissement} is in regions "
                    f"{by_arrondissement[arrondissement]} and {region['code']}"
                )
            by_arrondissement[arrondissement] = region["code"]
        for nis in region.get("municipalities") or []:
            if nis in overrides:
                raise RegionAssignmentError(
                    f"municipality {nis} is in regions {overrides[nis]} and {region['code']}"
                )
            overrides[nis] = region["code"]
    known = {nis for nis, _ in municipalities}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise RegionAssignmentError(f"regions list unknown municipalities: {', '.join(unknown)}")
    assignment = {}
    for nis, arrondissement in municipalities:
        region = overrides.get(nis) or by_arrondissement.get(arrondissement)
        if not region:
            raise RegionAssignmentError(f"municipality {nis} has no region")
        assignment[nis] = region
    return assignment


def sync_regions(Region, Municipality) -> dict[str, int]:
    """Create or update the regions from regions.yaml and assign every current
    West-Flemish municipality to its region. Returns the number of municipalities per region."""
    data = read_data("regions.yaml")["regions"]
    for entry in data:
        Region.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name_nl": entry["name_nl"],
                "name_en": entry.get("name_en", ""),
                "name_fr": entry.get("name_fr", ""),
                "source": entry.get("source", "")[:300],
            },
        )
    west = Municipality.objects.filter(province_nis=WEST_FLANDERS, merged_into__isnull=True)
    assignment = region_assignment(data, list(west.values_list("nis_code", "arrondissement_nis")))
    region_ids = dict(Region.objects.values_list("code", "id"))
    changed = []
    for municipality in west:
        region_id = region_ids[assignment[municipality.nis_code]]
        if municipality.region_id != region_id:
            municipality.region_id = region_id
            changed.append(municipality)
    Municipality.objects.bulk_update(changed, ["region"], batch_size=BATCH)
    counts: dict[str, int] = defaultdict(int)
    for region in assignment.values():
        counts[region] += 1
    return dict(counts)


def load_municipalities(Municipality, PostalCode) -> None:
    rows = read_data("municipalities.json")
    fields = (
        "nis_code name_nl name_fr name_en name_de province_nis arrondissement_nis "
        "latitude longitude"
    ).split()
    # Current municipalities first, so that the merged ones can point to them.
    Municipality.objects.bulk_create(
        [Municipality(**{f: row[f] for f in fields}) for row in rows if not row["merged_into"]],
        batch_size=BATCH,
    )
    ids = dict(Municipality.objects.values_list("nis_code", "id"))
    Municipality.objects.bulk_create(
        [
            Municipality(**{f: row[f] for f in fields}, merged_into_id=ids[row["merged_into"]])
            for row in rows
            if row["merged_into"]
        ],
        batch_size=BATCH,
    )
    PostalCode.objects.bulk_create(
        [
            PostalCode(code=row["code"], name=row["name"], municipality_id=ids[row["municipality"]])
            for row in read_data("postal_codes.json")
        ],
        batch_size=BATCH,
    )


def load_nace(NaceCode) -> None:
    rows = read_data("nace.json")
    for level in range(1, 6):
        parents = dict(NaceCode.objects.values_list("code", "id")) if level > 1 else {}
        NaceCode.objects.bulk_create(
            [
                NaceCode(
                    code=row["code"],
                    level=level,
                    parent_id=parents[row["parent"]] if row["parent"] else None,
                    name_nl=row["name_nl"],
                    name_fr=row["name_fr"],
                    name_en=row["name_en"],
                )
                for row in rows
                if row["level"] == level
            ],
            batch_size=BATCH,
        )


VOCABULARY_FIELDS = "name_nl name_en name_fr description_nl description_en description_fr".split()


def load_taxonomy(Domain, Cluster, Theme) -> None:
    data = read_data("taxonomy.yaml")
    for model, key in ((Domain, "domains"), (Cluster, "clusters"), (Theme, "themes")):
        model.objects.bulk_create(
            [
                model(code=entry["code"], **{f: entry.get(f, "") for f in VOCABULARY_FIELDS})
                for entry in data[key]
            ],
            batch_size=BATCH,
        )


def load_all(get_model) -> None:
    """Load every data file; `get_model(name)` returns the places model class to use."""
    Municipality = get_model("Municipality")
    load_municipalities(Municipality, get_model("PostalCode"))
    sync_regions(get_model("Region"), Municipality)
    load_nace(get_model("NaceCode"))
    load_taxonomy(get_model("Domain"), get_model("Cluster"), get_model("Theme"))


def unload_all(get_model) -> None:
    """Remove what `load_all` loaded (themes staff added later stay)."""
    get_model("PostalCode").objects.all().delete()
    Municipality = get_model("Municipality")
    # merged_into is PROTECT: the merged municipalities go first.
    Municipality.objects.filter(merged_into__isnull=False).delete()
    Municipality.objects.all().delete()
    regions = [entry["code"] for entry in read_data("regions.yaml")["regions"]]
    get_model("Region").objects.filter(code__in=regions).delete()
    NaceCode = get_model("NaceCode")
    for level in range(5, 0, -1):
        NaceCode.objects.filter(level=level).delete()
    data = read_data("taxonomy.yaml")
    for name, key in (("Domain", "domains"), ("Cluster", "clusters"), ("Theme", "themes")):
        get_model(name).objects.filter(code__in=[entry["code"] for entry in data[key]]).delete()
