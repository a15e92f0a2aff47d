"""Shared helpers for the engine tests: a deterministic fake encoder and document factories."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import numpy as np

from schakel.matching.engine import Document, Engine, Thesaurus, Weights
from schakel.matching.engine.analysis import raw_tokens

DIM = 32

# A tiny thesaurus so tests do not depend on the shipped (editable) vocabulary.
THESAURUS = Thesaurus.from_dict(
    {
        "concepts": {
            "funding": {
                "nl": ["subsidie", "steun"],
                "en": ["funding", "grant"],
                "fr": ["subvention", "subside"],
                "narrower": ["loan"],
            },
            "loan": {"nl": ["lening"], "en": ["loan"], "fr": ["pret"]},
            "robotics": {"nl": ["robot"], "en": ["robot"], "fr": ["robot"]},
            "cobot": {
                "nl": ["cobot", "samenwerkende robot"],
                "en": ["cobot", "collaborative robot"],
                "fr": ["cobot", "robot collaboratif"],
                "broader": ["robotics"],
            },
            "additive": {
                "nl": ["3d-printen"],
                "en": ["3d printing", "additive manufacturing"],
                "fr": ["impression 3d"],
            },
        }
    }
)

COORDS = {
    "34022": (50.8268, 3.2568),  # Kortrijk
    "36015": (50.9524, 3.1266),  # Roeselare
    "31005": (51.2110, 3.2381),  # Brugge
    "33011": (50.8511, 2.8857),  # Ieper
}

WEIGHTS = Weights(
    dense=0.5,
    expansion=0.5,
    relation=0.4,
    cluster_boost=0.1,
    audience_penalty=0.3,
    proximity=0.1,
)


class FakeEncoder:
    """Hashing bag-of-words embeddings: deterministic, fast, counts its calls."""

    name = "fake-hash-encoder"
    dim = DIM

    def __init__(self) -> None:
        self.passage_calls: list[int] = []
        self.query_calls = 0

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in raw_tokens(text):
                h = int(hashlib.md5(token[:5].encode()).hexdigest(), 16)
                out[i, h % DIM] += 1.0 if (h >> 8) % 2 else -1.0
            out[i, 0] += 0.1  # never all-zero
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.query_calls += 1
        return self._embed(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passage_calls.append(len(texts))
        return self._embed(texts)


def doc(doc_id: str, title: str, description: str = "", lang: str = "nl", **kw) -> Document:
    """A document with text in one language; other fields by keyword."""
    return Document(
        id=doc_id,
        kind=kw.pop("kind", "expertise"),
        title={lang: title},
        description={lang: description} if description else {},
        **kw,
    )


def lexical_engine(docs: Sequence[Document] = (), **kw) -> Engine:
    """An engine without encoder (lexical mode) with test thesaurus, coordinates and weights."""
    engine = Engine(
        encoder=None,
        coordinates=kw.pop("coordinates", COORDS),
        weights=kw.pop("weights", WEIGHTS),
        thesaurus=kw.pop("thesaurus", THESAURUS),
    )
    engine.index(docs)
    return engine


def hybrid_engine(docs: Sequence[Document] = (), encoder: FakeEncoder | None = None) -> Engine:
    """An engine with the fake encoder."""
    engine = Engine(
        encoder=encoder or FakeEncoder(),
        coordinates=COORDS,
        weights=WEIGHTS,
        thesaurus=THESAURUS,
    )
    engine.index(docs)
    return engine


AS_OF = {"as_of": "2026-11-27"}
DAY = dt.date(2026, 11, 27)


def ids(response) -> list[str]:
    """Offering ids of a response, in rank order."""
    return [r.offering for r in response.results]
