"""Reverse matching: which companies in the register fit an offering (a call, a programme…).

    ranking = companies_for_offering(offering)       # CompanyRanking, ordered best first
    ranking.page(1, 25) -> list[CompanyFit]           # with reasons in the active language

Scoring is vectorised over every company at once. Per process, the register's companies are
held as numpy arrays (cluster bitmask, main NACE division, size, stage, coordinates and an
inverted index of description words), rebuilt only when the register changed (count and latest
``updated_at`` of companies, checked at most every 30 seconds). Signals, each in [0, 1]:

* cluster: the company works in one of the offering's clusters;
* activity: its main NACE division belongs to the offering's clusters or domains;
* text: words of the offering (title, description, themes) found in the company's description
  or in the label of its NACE division, weighted by rarity;
* proximity, for offerings that are a place (test facility, equipment, workspace, terminal):
  decays with the distance between the company and the offering;
* audience: a size or stage the offering is not meant for divides the score by four; an offering
  whose audience names the company's size or stage gets a small bonus.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from schakel.core.text import fold
from schakel.matching.engine.documents import CLUSTERS, PLACE_KINDS, SIZES, STAGES
from schakel.matching.reasons_i18n import cluster_label, size_label, stage_label

# NACE-BEL divisions whose companies typically belong to a cluster or domain. General agency
# knowledge of West-Flemish industry, not tuned on any test set.
CLUSTER_DIVISIONS = {
    "food": {1, 3, 10, 11, 46, 56},
    "machine_building_mechatronics": {25, 26, 27, 28, 29, 30, 33, 62, 71},
    "new_materials": {13, 14, 15, 16, 17, 20, 22, 23, 24, 31, 38},
    "blue_energy": {9, 30, 35, 42, 43, 50, 52, 71},
    "care_economy": {21, 32, 75, 86, 87, 88},
}
DOMAIN_DIVISIONS = {
    "transport_logistics": {49, 50, 51, 52, 53},
    "factories_of_the_future": {10, 13, 16, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33},
    "labour_market": set(),
    "entrepreneurship": set(),
}
W_CLUSTER, W_ACTIVITY, W_TEXT, W_PROXIMITY = 0.35, 0.25, 0.3, 0.2
AUDIENCE_BONUS, AUDIENCE_PENALTY = 0.05, 0.25
PROXIMITY_KM = 25.0
_WORD = re.compile(r"[a-z0-9]{4,}")
_STOP = frozenset(
    "voor door naar zijn hebben wordt worden onze jouw jullie deze meer ook niet maar "
    "with from that this your their have will more also pour avec dans vous leur sont plus "
    "bedrijf bedrijven company companies entreprise entreprises west vlaanderen".split()
)


def words(text: str) -> set[str]:
    """Folded word stems (first six letters) of length >= 4, without stopwords."""
    return {w[:6] for w in _WORD.findall(fold(text)) if w not in _STOP}


@dataclass
class CompanyFit:
    organisation_id: int
    score: float
    reasons: list[str]
    organisation: object = None


class _Features:
    """The register's companies as arrays (one row per company)."""

    def __init__(self) -> None:
        from schakel.places.models import NaceCode
        from schakel.register.models import Organisation

        companies = Organisation.objects.companies().exclude(status=Organisation.Status.CEASED)
        rows = list(
            companies.order_by("id").values_list(
                "id",
                "main_nace__code",
                "size_class",
                "stage",
                "municipality__latitude",
                "municipality__longitude",
                "description",
            )
        )
        n = len(rows)
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
        position = {pk: i for i, pk in enumerate(self.ids.tolist())}
        self.division = np.full(n, -1, dtype=np.int16)
        self.size = np.full(n, -1, dtype=np.int8)
        self.stage = np.full(n, -1, dtype=np.int8)
        self.lat = np.full(n, np.nan, dtype=np.float32)
        self.lon = np.full(n, np.nan, dtype=np.float32)
        self.clusters = np.zeros(n, dtype=np.uint8)
        postings: dict[str, list[int]] = {}
        for i, (_pk, nace, size, stage, lat, lon, description) in enumerate(rows):
            digits = re.sub(r"\D", "", nace or "")
            if len(digits) >= 2:
                self.division[i] = int(digits[:2])
            if size in SIZES:
                self.size[i] = SIZES.index(size)
            if stage in STAGES:
                self.stage[i] = STAGES.index(stage)
            if lat is not None and lon is not None:
                self.lat[i], self.lon[i] = lat, lon
            for word in words(description or ""):
                postings.setdefault(word, []).append(i)
        self.postings = {w: np.array(ix, dtype=np.int32) for w, ix in postings.items()}
        through = Organisation.clusters.through
        for org_id, code in through.objects.filter(
            organisation__in=companies, cluster__code__in=CLUSTERS
        ).values_list("organisation_id", "cluster__code"):
            i = position.get(org_id)
            if i is not None:
                self.clusters[i] |= 1 << CLUSTERS.index(code)
        # Division labels in every language, as word sets (for text similarity by activity).
        self.division_words: dict[int, set[str]] = {}
        for code, nl, en, fr in NaceCode.objects.filter(level=NaceCode.Level.DIVISION).values_list(
            "code", "name_nl", "name_en", "name_fr"
        ):
            digits = re.sub(r"\D", "", code)
            if digits:
                self.division_words[int(digits[:2])] = words(" ".join([nl, en or "", fr or ""]))
        self.n = n


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, _Features, float]] = {}
CHECK_SECONDS = 30.0


def _signature() -> tuple:
    from schakel.register.models import Organisation

    agg = Organisation.objects.companies().aggregate(n=Count("id"), last=Max("updated_at"))
    return agg["n"], agg["last"]


def features() -> _Features:
    """The arrays of this process, rebuilt when the register changed.

    The register's signature costs a scan (tens of ms over 100,000 companies), so it is checked
    at most every ``CHECK_SECONDS``: a company added or changed shows within that time.
    """
    from django.db import connection

    key = f"{connection.vendor}:{connection.settings_dict['NAME']}"
    with _lock:
        cached = _cache.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[2] < CHECK_SECONDS:
            return cached[1]
        sig = _signature()
        if cached is None or cached[0] != sig:
            cached = (sig, _Features(), now)
        else:
            cached = (sig, cached[1], now)
        _cache[key] = cached
        return cached[1]


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _offering_profile(offering) -> dict:
    from schakel.catalog.models import LANGUAGES

    clusters = list(offering.clusters.values_list("code", flat=True))
    domains = list(offering.domains.values_list("code", flat=True))
    text = " ".join(
        [getattr(offering, f"title_{lg}") for lg in LANGUAGES]
        + [getattr(offering, f"description_{lg}") for lg in LANGUAGES]
        + list(offering.themes or [])
    )
    divisions: set[int] = set()
    for code in clusters:
        divisions |= CLUSTER_DIVISIONS.get(code, set())
    for code in domains:
        divisions |= DOMAIN_DIVISIONS.get(code, set())
    point = None
    municipality = offering.municipality or offering.provider.municipality
    if offering.kind in PLACE_KINDS and municipality and municipality.latitude is not None:
        point = (municipality.latitude, municipality.longitude)
    return {
        "clusters": clusters,
        "mask": sum(1 << CLUSTERS.index(c) for c in clusters if c in CLUSTERS),
        "divisions": divisions,
        "words": words(text),
        "point": point,
        "sizes": [SIZES.index(s) for s in offering.audience_sizes or [] if s in SIZES],
        "stages": [STAGES.index(s) for s in offering.audience_stages or [] if s in STAGES],
    }


@dataclass
class CompanyRanking:
    offering: object
    order: np.ndarray  # company row numbers, best first (score > 0 only)
    scores: np.ndarray
    signals: dict[str, np.ndarray]
    features: _Features
    profile: dict

    def __len__(self) -> int:
        return len(self.order)

    def rows(self, start: int, stop: int) -> list[CompanyFit]:
        from schakel.register.models import Organisation

        picked = self.order[start:stop]
        ids = self.features.ids[picked].tolist()
        organisations = Organisation.objects.select_related("municipality", "main_nace").in_bulk(
            ids
        )
        fits = []
        for row, pk in zip(picked.tolist(), ids, strict=True):
            fits.append(
                CompanyFit(
                    organisation_id=pk,
                    score=round(float(self.scores[row]), 4),
                    reasons=self.reasons(row),
                    organisation=organisations.get(pk),
                )
            )
        return fits

    def page(self, number: int, size: int = 25) -> list[CompanyFit]:
        start = (max(number, 1) - 1) * size
        return self.rows(start, start + size)

    def reasons(self, row: int) -> list[str]:
        f, p, s = self.features, self.profile, self.signals
        out = []
        mask = int(f.clusters[row]) & p["mask"]
        if mask:
            labels = [cluster_label(c) for i, c in enumerate(CLUSTERS) if mask & (1 << i)]
            out.append(_("works in the cluster %(clusters)s") % {"clusters": ", ".join(labels)})
        if s["activity"][row] > 0:
            out.append(
                _("its activity (NACE %(division)02d) fits the offering")
                % {"division": int(f.division[row])}
            )
        if s["text"][row] > 0:
            shared = sorted(self._shared_words(row))[:5]
            if shared:
                out.append(
                    _("its activity or description mentions: %(words)s")
                    % {"words": ", ".join(shared)}
                )
        if not math.isnan(s["km"][row]):
            out.append(_("%(km)s km away") % {"km": int(round(float(s["km"][row])))})
        size, stage = int(f.size[row]), int(f.stage[row])
        if p["sizes"] and size >= 0:
            if size in p["sizes"]:
                out.append(_("meant for %(size)s companies") % {"size": size_label(SIZES[size])})
            else:
                out.append(
                    _("not meant for %(size)s companies (ranked lower)")
                    % {"size": size_label(SIZES[size])}
                )
        if p["stages"] and stage >= 0:
            if stage in p["stages"]:
                out.append(
                    _("meant for companies in the %(stage)s stage")
                    % {"stage": stage_label(STAGES[stage])}
                )
            else:
                out.append(
                    _("not meant for companies in the %(stage)s stage (ranked lower)")
                    % {"stage": stage_label(STAGES[stage])}
                )
        return out

    def _shared_words(self, row: int) -> set[str]:
        f = self.features
        shared = set()
        for word in self.profile["words"]:
            hits = f.postings.get(word)
            if hits is not None:
                j = int(np.searchsorted(hits, row))
                if j < len(hits) and hits[j] == row:
                    shared.add(word)
        shared |= self.profile["words"] & f.division_words.get(int(f.division[row]), set())
        return shared


def companies_for_offering(offering) -> CompanyRanking:
    """Rank the register's companies for an offering (numpy over all of them)."""
    f = features()
    p = _offering_profile(offering)
    n = f.n
    cluster = ((f.clusters & np.uint8(p["mask"])) > 0).astype(np.float32) if p["mask"] else None
    cluster = cluster if cluster is not None else np.zeros(n, dtype=np.float32)
    if p["divisions"]:
        activity = np.isin(f.division, np.array(sorted(p["divisions"]), dtype=np.int16))
        activity = activity.astype(np.float32)
    else:
        activity = np.zeros(n, dtype=np.float32)
    # Text: IDF-weighted shared words, with description and NACE-division label counted apart.
    text = np.zeros(n, dtype=np.float32)
    total = 0.0
    for word in p["words"]:
        hits = f.postings.get(word)
        df = 0 if hits is None else len(hits)
        if df == 0 or (n >= 50 and df > n * 0.2):  # absent, or too common to tell apart
            continue
        idf = math.log(1 + n / df)
        text[hits] += idf
        total += idf
    division_scores = np.zeros(100, dtype=np.float32)
    for division, label_words in f.division_words.items():
        if 0 <= division < 100:
            division_scores[division] = len(p["words"] & label_words) / (len(label_words) or 1)
    if total:
        text = np.minimum(text / max(total * 0.25, 1e-6), 1.0)
    valid = f.division >= 0
    text[valid] = np.maximum(text[valid], np.minimum(division_scores[f.division[valid]] * 2, 1.0))
    km = np.full(n, np.nan, dtype=np.float32)
    proximity = np.zeros(n, dtype=np.float32)
    if p["point"] is not None:
        lat0, lon0 = (math.radians(x) for x in p["point"])
        lat, lon = np.radians(f.lat), np.radians(f.lon)
        a = (
            np.sin((lat - lat0) / 2) ** 2
            + math.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        )
        km = (2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))).astype(np.float32)
        proximity = np.where(np.isnan(km), 0, np.exp(-km / PROXIMITY_KM)).astype(np.float32)
    score = W_CLUSTER * cluster + W_ACTIVITY * activity + W_TEXT * text + W_PROXIMITY * proximity
    factor = np.ones(n, dtype=np.float32)
    for allowed, values in ((p["sizes"], f.size), (p["stages"], f.stage)):
        if allowed:
            inside = np.isin(values, np.array(allowed, dtype=np.int8))
            known = values >= 0
            factor = np.where(known & ~inside, factor * AUDIENCE_PENALTY, factor)
            score = score + np.where(inside, AUDIENCE_BONUS, 0).astype(np.float32)
    score = score * factor
    relevant = (cluster + activity + text) > 0
    score = np.where(relevant, score, 0).astype(np.float32)
    candidates = np.flatnonzero(score > 0)
    order = candidates[np.lexsort((f.ids[candidates], -score[candidates]))]
    return CompanyRanking(
        offering=offering,
        order=order,
        scores=score,
        signals={"activity": activity, "text": text, "km": km},
        features=f,
        profile=p,
    )
