"""Dense passage index: one embedding per language variant of a document, scored by max.

Passages are keyed by a content hash (encoder name + text), so re-indexing an unchanged
document reuses its vectors and never calls the encoder. Vectors of removed passages are kept
in a small bounded cache, so remove-then-add (or an edit reverted) is free as well.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

_ORPHAN_CACHE = 2048


def passage_hash(encoder_name: str, text: str) -> str:
    """Content key of a passage for a given encoder."""
    return hashlib.sha1(f"{encoder_name}\x00{text}".encode()).hexdigest()


class DenseIndex:
    """Rows of passage vectors, each belonging to a document slot."""

    def __init__(self, dim: int, encoder_name: str) -> None:
        self.dim = dim
        self.encoder_name = encoder_name
        self.matrix = np.zeros((0, dim), dtype=np.float32)
        self.row_slot = np.zeros(0, dtype=np.int32)  # -1 = free row
        self.row_hash: list[str | None] = []
        self.hash_row: dict[str, int] = {}
        self.slot_rows: dict[int, list[int]] = {}
        self._free: list[int] = []
        self._orphans: OrderedDict[str, np.ndarray] = OrderedDict()
        self._order: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _alloc(self) -> int:
        if self._free:
            return self._free.pop()
        row = len(self.row_hash)
        if row >= len(self.matrix):
            cap = max(64, 2 * len(self.matrix))
            grown = np.zeros((cap, self.dim), dtype=np.float32)
            grown[: len(self.matrix)] = self.matrix
            self.matrix = grown
            slots = np.full(cap, -1, dtype=np.int32)
            slots[: len(self.row_slot)] = self.row_slot
            self.row_slot = slots
        self.row_hash.append(None)
        return row

    def missing(self, hashes: Sequence[str]) -> list[str]:
        """Hashes that have no vector yet (these, and only these, need encoding)."""
        return [h for h in hashes if h not in self.hash_row and h not in self._orphans]

    def set_passages(
        self,
        slot: int,
        hashes: Sequence[str],
        new_vectors: dict[str, np.ndarray] | None = None,
    ) -> None:
        """Attach passages (by hash) to ``slot``; vectors come from the index, cache or argument."""
        known: dict[str, np.ndarray] = {}
        for h in hashes:
            if new_vectors and h in new_vectors:
                known[h] = new_vectors[h]
            elif h in self.hash_row:
                known[h] = self.matrix[self.hash_row[h]].copy()
            elif h in self._orphans:
                known[h] = self._orphans[h]
            else:
                raise KeyError(f"no vector for passage {h}")
        self.remove(slot)
        self._order = None
        rows = []
        for h in dict.fromkeys(hashes):
            row = self._alloc()
            self.matrix[row] = known[h]
            self.row_slot[row] = slot
            self.row_hash[row] = h
            self.hash_row.setdefault(h, row)
            rows.append(row)
        self.slot_rows[slot] = rows

    def remove(self, slot: int) -> None:
        """Free the rows of ``slot``; their vectors go to the orphan cache."""
        self._order = None
        for row in self.slot_rows.pop(slot, []):
            h = self.row_hash[row]
            if h is not None:
                if self.hash_row.get(h) == row:
                    del self.hash_row[h]
                    # another slot may share the same passage text: re-point to its row
                    for other_row, other_hash in enumerate(self.row_hash):
                        if other_hash == h and other_row != row:
                            self.hash_row[h] = other_row
                            break
                self._orphans[h] = self.matrix[row].copy()
                self._orphans.move_to_end(h)
                while len(self._orphans) > _ORPHAN_CACHE:
                    self._orphans.popitem(last=False)
            self.row_slot[row] = -1
            self.row_hash[row] = None
            self._free.append(row)

    def scores(self, query_vectors: np.ndarray, n_slots: int) -> np.ndarray:
        """(n_queries, n_slots) max cosine per document; -1 for slots without passages."""
        q = np.atleast_2d(query_vectors).astype(np.float32)
        n_rows = len(self.row_hash)
        out = np.full((len(q), n_slots), -1.0, dtype=np.float32)
        if n_rows == 0:
            return out
        rows, starts, group_slots = self._groups()
        if not len(rows):
            return out
        # Rows sorted by slot: a max over each contiguous group (reduceat) is much faster than
        # a scattered np.maximum.at, and the matrix product stays one BLAS call.
        sims = q @ self.matrix[rows].T  # (n_queries, live rows)
        out[:, group_slots] = np.maximum.reduceat(sims, starts, axis=1)
        return out

    def _groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Live rows ordered by slot, group starts and the slot of each group (cached)."""
        if self._order is None:
            n_rows = len(self.row_hash)
            live = np.flatnonzero(self.row_slot[:n_rows] >= 0)
            rows = live[np.argsort(self.row_slot[live], kind="stable")]
            slots = self.row_slot[rows]
            starts = np.flatnonzero(np.r_[True, slots[1:] != slots[:-1]]) if len(rows) else rows
            self._order = (rows, starts, slots[starts] if len(rows) else slots)
        return self._order

    def nbytes(self) -> int:
        """Memory of the vector arrays."""
        orphans = sum(v.nbytes for v in self._orphans.values())
        return self.matrix.nbytes + self.row_slot.nbytes + orphans

    def save(self, directory: Path) -> None:
        """Write live rows compactly: ``dense.npz`` (vectors, slots) + ``dense.json`` (hashes)."""
        rows = [r for r in range(len(self.row_hash)) if self.row_hash[r] is not None]
        np.save(directory / "dense_vectors.npy", self.matrix[rows])
        np.save(directory / "dense_slots.npy", self.row_slot[rows])
        meta = {
            "dim": self.dim,
            "encoder": self.encoder_name,
            "hashes": [self.row_hash[r] for r in rows],
        }
        (directory / "dense.json").write_text(json.dumps(meta), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> DenseIndex:
        """Inverse of :meth:`save` (memory-maps nothing; the arrays are small)."""
        meta = json.loads((directory / "dense.json").read_text("utf-8"))
        index = cls(meta["dim"], meta["encoder"])
        vectors = np.load(directory / "dense_vectors.npy")
        slots = np.load(directory / "dense_slots.npy")
        index.matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        index.row_slot = slots.astype(np.int32)
        index.row_hash = list(meta["hashes"])
        for row, (h, slot) in enumerate(zip(index.row_hash, slots.tolist(), strict=True)):
            index.hash_row.setdefault(h, row)
            index.slot_rows.setdefault(int(slot), []).append(row)
        return index


EncodeFn = Callable[[Sequence[str]], np.ndarray]
