"""Fusion of lexical, dense and rule signals into one score, with a few global weights.

Relevance is a convex combination of normalised signals:

    relevance = (1 - dense) * lexical / max(lexical) + dense * dense_norm

where ``dense_norm`` rescales cosine similarity so the best document gets 1 and the median
document gets 0 (clipped below): raw E5 cosines sit in a narrow band (0.75-0.9) whose level
varies per query, so only their spread above the typical document carries signal. The
thesaurus enters inside ``lexical`` (concept terms weighted by ``expansion``).

Rules then act multiplicatively, so they reorder comparable candidates without lifting
irrelevant ones:

    score = relevance * (1 - audience_penalty * excluded)
                      * (1 + cluster_boost * cluster_fit)
                      * (1 + proximity * exp(-km / proximity_km))   (places only)

The weights are global (not per query) and set by ``python -m schakel.matching.bench --tune``,
which writes ``data/fusion_weights.json`` together with the figures it reached.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from .rules import RuleOutcome

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "fusion_weights.json"


@dataclass
class Weights:
    """Global fusion weights (see module docstring)."""

    dense: float = 0.5
    expansion: float = 0.5
    relation: float = 0.4
    cluster_boost: float = 0.1
    audience_penalty: float = 0.3
    proximity: float = 0.1
    proximity_km: float = 25.0  # fixed distance scale, not tuned

    @classmethod
    def load(cls, path: Path | None = None) -> Weights:
        """Weights from the tuned file, or defaults if it does not exist."""
        path = path or WEIGHTS_FILE
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text("utf-8")).get("weights", {})
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in raw.items() if k in known})

    def to_dict(self) -> dict[str, float]:
        """Plain dict."""
        return asdict(self)


def normalise_lexical(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Scale so the best eligible document has 1."""
    top = float(scores[eligible].max()) if eligible.any() else 0.0
    if top <= 0:
        return np.zeros_like(scores)
    return scores / top


def normalise_dense(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Median eligible document -> 0, best -> 1, clipped at 0."""
    if not eligible.any():
        return np.zeros_like(scores)
    values = scores[eligible]
    top = float(values.max())
    floor = float(np.median(values))
    if top - floor <= 1e-6:
        return np.zeros_like(scores)
    return np.clip((scores - floor) / (top - floor), 0.0, None)


def fuse(
    lexical: np.ndarray,
    dense: np.ndarray | None,
    rules: RuleOutcome,
    weights: Weights,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Final scores (-inf where not eligible), plus the normalised lexical and dense signals."""
    eligible = rules.eligible
    lex_n = normalise_lexical(lexical, eligible)
    if dense is not None:
        dense_n = normalise_dense(dense, eligible)
        relevance = (1.0 - weights.dense) * lex_n + weights.dense * dense_n
    else:
        dense_n = None
        relevance = lex_n
    factor = np.ones_like(relevance)
    excluded = rules.size_excluded | rules.stage_excluded
    factor *= np.where(excluded, 1.0 - weights.audience_penalty, 1.0)
    factor *= np.where(rules.cluster_fit, 1.0 + weights.cluster_boost, 1.0)
    km = np.nan_to_num(rules.km, nan=np.inf)
    near = np.where(rules.place, np.exp(-km / weights.proximity_km), 0.0)
    factor *= 1.0 + weights.proximity * near
    final = np.where(eligible & (relevance > 0), relevance * factor, -np.inf)
    return final.astype(np.float32), lex_n, dense_n
