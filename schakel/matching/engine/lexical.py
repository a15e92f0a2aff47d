"""BM25F lexical index with incremental updates, scored with numpy.

Three fields per document - title, body (description) and meta (themes, provider name, kind and
cluster labels) - each with its own length normalisation and weight (BM25F, Robertson et al.).
Postings are per term: an int32 array of slots and a float32 (n, 3) array of per-field term
frequencies. Scoring touches only the postings of the query terms (vectorised), never loops over
all documents.

Updates: additions are buffered and merged per term on the next query (bulk builds stay
linear); removals filter the postings of the document's own terms. Per-term contribution
arrays are cached and dropped on any change, since N and average lengths move with every
update.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

N_FIELDS = 3
TITLE, BODY, META = 0, 1, 2

# A query term: its alternative index terms (scored as max) and a weight.
QueryGroup = tuple[tuple[str, ...], float]


class LexicalIndex:
    """BM25F over slots (integer document positions managed by the engine)."""

    def __init__(
        self,
        k1: float = 1.2,
        b: Sequence[float] = (0.5, 0.75, 0.5),
        field_weights: Sequence[float] = (2.0, 1.0, 1.0),
    ) -> None:
        self.k1 = float(k1)
        self.b = np.asarray(b, dtype=np.float32)
        self.field_weights = np.asarray(field_weights, dtype=np.float32)
        self.term_ids: dict[str, int] = {}
        self.terms: list[str] = []
        self._slots: list[np.ndarray] = []  # per term id: int32 slots
        self._tfs: list[np.ndarray] = []  # per term id: float32 (n, 3)
        self._pending: dict[int, list[tuple[int, tuple[float, float, float]]]] = {}
        self.doc_terms: dict[int, np.ndarray] = {}  # slot -> sorted int32 term ids
        self.field_len = np.zeros((0, N_FIELDS), dtype=np.float32)
        self._contrib: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._inv_norm: np.ndarray | None = None

    # -- updates -----------------------------------------------------------------------------
    def _tid(self, term: str) -> int:
        tid = self.term_ids.get(term)
        if tid is None:
            tid = len(self.terms)
            self.term_ids[term] = tid
            self.terms.append(term)
            self._slots.append(np.zeros(0, dtype=np.int32))
            self._tfs.append(np.zeros((0, N_FIELDS), dtype=np.float32))
        return tid

    def _ensure_capacity(self, slot: int) -> None:
        if slot >= len(self.field_len):
            grown = np.zeros((max(slot + 1, 2 * len(self.field_len), 64), N_FIELDS), np.float32)
            grown[: len(self.field_len)] = self.field_len
            self.field_len = grown

    def _changed(self) -> None:
        self._contrib.clear()
        self._inv_norm = None

    def add(self, slot: int, fields: Sequence[Counter[str]]) -> None:
        """Index a document's token counts per field at ``slot`` (slot must be free)."""
        if slot in self.doc_terms:
            self.remove(slot)
        self._ensure_capacity(slot)
        tids: list[int] = []
        for term in set().union(*(f.keys() for f in fields)):
            tid = self._tid(term)
            tids.append(tid)
            tf = tuple(float(f.get(term, 0)) for f in fields)
            self._pending.setdefault(tid, []).append((slot, tf))  # type: ignore[arg-type]
        self.doc_terms[slot] = np.array(sorted(tids), dtype=np.int32)
        self.field_len[slot] = [sum(f.values()) for f in fields]
        self._changed()

    def remove(self, slot: int) -> None:
        """Drop the document at ``slot`` from all its terms' postings."""
        tids = self.doc_terms.pop(slot, None)
        if tids is None:
            return
        self._flush()
        for tid in tids.tolist():
            keep = self._slots[tid] != slot
            self._slots[tid] = self._slots[tid][keep]
            self._tfs[tid] = self._tfs[tid][keep]
        self.field_len[slot] = 0
        self._changed()

    def _flush(self) -> None:
        """Merge buffered additions into the per-term arrays."""
        if not self._pending:
            return
        for tid, items in self._pending.items():
            slots = np.fromiter((s for s, _ in items), dtype=np.int32, count=len(items))
            tfs = np.asarray([t for _, t in items], dtype=np.float32).reshape(-1, N_FIELDS)
            if len(self._slots[tid]):
                slots = np.concatenate([self._slots[tid], slots])
                tfs = np.concatenate([self._tfs[tid], tfs])
            self._slots[tid] = slots
            self._tfs[tid] = tfs
        self._pending.clear()

    # -- scoring -----------------------------------------------------------------------------
    @property
    def n_docs(self) -> int:
        """Number of indexed documents."""
        return len(self.doc_terms)

    def df(self, term: str) -> int:
        """Document frequency of an index term."""
        self._flush()
        tid = self.term_ids.get(term)
        return 0 if tid is None else len(self._slots[tid])

    def has_term(self, term: str) -> bool:
        """True when some document contains ``term``."""
        return self.df(term) > 0

    def _norms(self) -> np.ndarray:
        if self._inv_norm is None:
            alive = np.zeros(len(self.field_len), dtype=bool)
            if self.doc_terms:
                alive[list(self.doc_terms)] = True
            lengths = self.field_len
            avg = lengths[alive].mean(axis=0) if alive.any() else np.ones(N_FIELDS, np.float32)
            avg = np.where(avg > 0, avg, 1.0)
            denom = 1.0 - self.b + self.b * lengths / avg
            self._inv_norm = (self.field_weights / denom).astype(np.float32)
        return self._inv_norm

    def contribution(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(slots, BM25F contribution) for one term, cached until the next change."""
        tid = self.term_ids.get(term)
        if tid is None:
            return None
        cached = self._contrib.get(tid)
        if cached is not None:
            return cached
        self._flush()
        slots = self._slots[tid]
        if not len(slots):
            return None
        n = self.n_docs
        df = len(slots)
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        wtf = (self._tfs[tid] * self._norms()[slots]).sum(axis=1)
        contrib = (idf * wtf * (self.k1 + 1.0) / (wtf + self.k1)).astype(np.float32)
        self._contrib[tid] = (slots, contrib)
        return slots, contrib

    def score(self, groups: Iterable[QueryGroup], n_slots: int) -> np.ndarray:
        """Sum over query groups of weight x max over the group's alternatives."""
        self._flush()
        scores = np.zeros(n_slots, dtype=np.float32)
        for alternatives, weight in groups:
            parts = [c for c in (self.contribution(t) for t in alternatives) if c is not None]
            if not parts:
                continue
            if len(parts) == 1:
                slots, contrib = parts[0]
                scores[slots] += weight * contrib
                continue
            best = np.zeros(n_slots, dtype=np.float32)
            for slots, contrib in parts:
                best[slots] = np.maximum(best[slots], contrib)
            scores += weight * best
        return scores

    def contains(self, slot: int, terms: Sequence[str]) -> list[bool]:
        """For each term, whether the document at ``slot`` contains it (for reasons)."""
        doc = self.doc_terms.get(slot)
        if doc is None:
            return [False] * len(terms)
        if not len(doc):
            return [False] * len(terms)
        ids = np.array([self.term_ids.get(t, -1) for t in terms], dtype=np.int32)
        # doc is sorted: a binary search per term beats np.isin's sort for these sizes
        pos = np.minimum(np.searchsorted(doc, ids), len(doc) - 1)
        return (doc[pos] == ids).tolist()

    # -- persistence ---------------------------------------------------------------------------
    def nbytes(self) -> int:
        """Approximate memory of the arrays (postings, lengths, doc term lists)."""
        self._flush()
        total = self.field_len.nbytes
        total += sum(a.nbytes for a in self._slots) + sum(a.nbytes for a in self._tfs)
        total += sum(a.nbytes for a in self.doc_terms.values())
        return total

    def save(self, directory: Path) -> None:
        """Write ``lexical.json`` (terms, parameters) and ``lexical.npz`` (postings)."""
        self._flush()
        live = [tid for tid in range(len(self.terms)) if len(self._slots[tid])]
        lengths = np.array([len(self._slots[t]) for t in live], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        slots = np.concatenate([self._slots[t] for t in live]) if live else np.zeros(0, np.int32)
        tfs = (
            np.concatenate([self._tfs[t] for t in live])
            if live
            else np.zeros((0, N_FIELDS), np.float32)
        )
        np.savez(
            directory / "lexical.npz",
            offsets=offsets,
            slots=slots,
            tfs=tfs,
            field_len=self.field_len,
            doc_slots=np.array(sorted(self.doc_terms), dtype=np.int32),
        )
        meta = {
            "k1": self.k1,
            "b": self.b.tolist(),
            "field_weights": self.field_weights.tolist(),
            "terms": [self.terms[t] for t in live],
        }
        (directory / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Inverse of :meth:`save`; rebuilds per-document term lists vectorised."""
        meta = json.loads((directory / "lexical.json").read_text("utf-8"))
        index = cls(meta["k1"], meta["b"], meta["field_weights"])
        arrays = np.load(directory / "lexical.npz")
        offsets, slots, tfs = arrays["offsets"], arrays["slots"], arrays["tfs"]
        index.terms = list(meta["terms"])
        index.term_ids = {t: i for i, t in enumerate(index.terms)}
        index._slots = [slots[offsets[i] : offsets[i + 1]] for i in range(len(index.terms))]
        index._tfs = [tfs[offsets[i] : offsets[i + 1]] for i in range(len(index.terms))]
        index.field_len = arrays["field_len"].astype(np.float32)
        # Invert postings into per-document sorted term id arrays.
        tids = np.repeat(np.arange(len(index.terms), dtype=np.int32), np.diff(offsets))
        order = np.lexsort((tids, slots))
        sorted_slots, sorted_tids = slots[order], tids[order]
        bounds = np.flatnonzero(np.diff(sorted_slots)) + 1
        for chunk_slots, chunk_tids in zip(
            np.split(sorted_slots, bounds), np.split(sorted_tids, bounds), strict=True
        ):
            if len(chunk_slots):
                index.doc_terms[int(chunk_slots[0])] = chunk_tids.astype(np.int32)
        for slot in arrays["doc_slots"].tolist():  # documents without any term
            index.doc_terms.setdefault(int(slot), np.zeros(0, dtype=np.int32))
        return index
