"""Structured rules over per-document attribute arrays (vectorised over all slots).

Decisions (documented here because they are policy, not tuning):

* Ended open period (``open_until`` < reference day): never returned, whatever the score.
* Not yet open (``open_from`` > reference day): returned, not demoted, with an ``opens_on``
  reason. A call announced ahead or an upcoming event is exactly what a company should prepare
  for (and for events ``from`` is simply the event day).
* Audience excluding the company's size or stage: demoted (multiplied by 1 - penalty) and said
  so in the reasons; not hidden, since audiences are often soft and advisers want to see them.
* Cluster fit: a relative boost when the offering serves one of the company's clusters.
* Proximity: only for offerings that are a place (test facility, equipment, workspace,
  terminal); a relative boost decaying with distance (exp(-km / scale)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np

from .documents import CLUSTERS, PLACE_KINDS, SIZES, STAGES, Document
from .geo import Coordinates
from .query import QueryContext

_NO_UNTIL = np.iinfo(np.int32).max
_ALL = 0b1111


def _mask(values: list[str], vocabulary: tuple[str, ...]) -> int:
    bits = 0
    for value in values:
        if value in vocabulary:
            bits |= 1 << vocabulary.index(value)
    return bits


class Attributes:
    """Per-slot arrays the rules read; grown and written by the engine per document."""

    def __init__(self) -> None:
        self.alive = np.zeros(0, dtype=bool)
        self.until = np.zeros(0, dtype=np.int32)
        self.from_ = np.zeros(0, dtype=np.int32)
        self.place = np.zeros(0, dtype=bool)
        self.sizes = np.zeros(0, dtype=np.uint8)
        self.stages = np.zeros(0, dtype=np.uint8)
        self.clusters = np.zeros(0, dtype=np.uint8)
        self.lat = np.zeros(0, dtype=np.float32)
        self.lon = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.alive)

    def grow(self, n: int) -> None:
        """Ensure room for ``n`` slots."""
        old = len(self.alive)
        if n <= old:
            return
        cap = max(n, 2 * old, 64)
        for name, fill in (
            ("alive", False),
            ("until", _NO_UNTIL),
            ("from_", 0),
            ("place", False),
            ("sizes", _ALL),
            ("stages", _ALL),
            ("clusters", 0),
            ("lat", np.nan),
            ("lon", np.nan),
        ):
            arr = getattr(self, name)
            new = np.full(cap, fill, dtype=arr.dtype)
            new[:old] = arr
            setattr(self, name, new)

    def set(self, slot: int, doc: Document, points: Mapping[str, Coordinates]) -> None:
        """Write the attributes of ``doc`` at ``slot``."""
        self.grow(slot + 1)
        self.alive[slot] = True
        self.until[slot] = doc.open_until.toordinal() if doc.open_until else _NO_UNTIL
        self.from_[slot] = doc.open_from.toordinal() if doc.open_from else 0
        self.place[slot] = doc.kind in PLACE_KINDS
        self.sizes[slot] = _mask(doc.audience_sizes, SIZES) or _ALL
        self.stages[slot] = _mask(doc.audience_stages, STAGES) or _ALL
        self.clusters[slot] = _mask(doc.clusters, CLUSTERS)
        point = points.get(doc.municipality_nis or "")
        self.lat[slot], self.lon[slot] = point if point else (np.nan, np.nan)

    def clear(self, slot: int) -> None:
        """Mark ``slot`` free."""
        if slot < len(self.alive):
            self.alive[slot] = False

    def nbytes(self) -> int:
        """Memory of the arrays."""
        return sum(getattr(self, n).nbytes for n in vars(self))


def reference_day(context: QueryContext) -> dt.date:
    """``context.as_of`` or today in Europe/Brussels."""
    if context.as_of:
        return context.as_of
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("Europe/Brussels")).date()
    except Exception:  # noqa: BLE001 - no tz database: UTC date is the best we have
        return dt.datetime.now(dt.UTC).date()


def distances_km(attrs: Attributes, origin: Coordinates | None) -> np.ndarray:
    """Haversine km from ``origin`` to every slot (nan where unknown)."""
    if origin is None:
        return np.full(len(attrs), np.nan, dtype=np.float32)
    lat1, lon1 = np.radians(origin[0]), np.radians(origin[1])
    lat2, lon2 = np.radians(attrs.lat), np.radians(attrs.lon)
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return (2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).astype(np.float32)


class RuleOutcome:
    """Vectors the fusion step applies, plus what the reasons need."""

    def __init__(self, attrs: Attributes, context: QueryContext, km: np.ndarray):
        self.context = context
        day = reference_day(context).toordinal()
        self.day = day
        self.eligible = attrs.alive & (attrs.until >= day)
        self.not_yet_open = attrs.from_ > day
        self.size_excluded = np.zeros(len(attrs), dtype=bool)
        self.stage_excluded = np.zeros(len(attrs), dtype=bool)
        if context.size:
            bit = 1 << SIZES.index(context.size)
            self.size_excluded = (attrs.sizes & bit) == 0
        if context.stage:
            bit = 1 << STAGES.index(context.stage)
            self.stage_excluded = (attrs.stages & bit) == 0
        self.cluster_fit = np.zeros(len(attrs), dtype=bool)
        self.company_clusters = _mask(list(context.clusters), CLUSTERS)
        if self.company_clusters:
            self.cluster_fit = (attrs.clusters & self.company_clusters) != 0
        self.km = km
        self.place = attrs.place
