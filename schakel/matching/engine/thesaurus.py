"""The agency thesaurus: concepts with multilingual terms and broader/narrower/related links.

How the engine uses it (concept indexing):

* Every document text is scanned for thesaurus terms of its own language (stemmed phrases), and
  each hit adds a concept token ``~<concept>`` to the document, in the field where it was found.
  A French "subvention", a Dutch "subsidie" and an English "grant" all become ``~funding``.
* A query is scanned the same way. The concepts it names are added as query terms with a lower
  weight than the typed words (``expansion`` weight); linked concepts (broader, narrower,
  related) are added with a lower weight still (``relation_factor`` times that).

So a thesaurus change needs a re-index of documents (``Engine.rebuild``); the engine stores a
fingerprint of the thesaurus to notice that on load.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .analysis import LANGUAGES, Analyzer, stem

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "thesaurus.yaml"
CONCEPT_PREFIX = "~"
_MAX_PHRASE = 5


@dataclass
class Concept:
    """One concept: terms per language and links to other concept ids."""

    id: str
    terms: dict[str, list[str]]
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


class Thesaurus:
    """Loaded thesaurus plus per-language phrase tables for matching."""

    def __init__(self, concepts: Mapping[str, Concept]) -> None:
        self.concepts = dict(concepts)
        self._derive_inverse_links()
        # lang -> {tuple of stems: set of concept ids}
        self._tables: dict[str, dict[tuple[str, ...], set[str]]] = {}
        self._analyzer = Analyzer()
        for lang in LANGUAGES:
            table: dict[tuple[str, ...], set[str]] = {}
            for concept in self.concepts.values():
                for term in concept.terms.get(lang, []):
                    key = tuple(self._analyzer.stem_sequence(term, lang))
                    if key and len(key) <= _MAX_PHRASE:
                        table.setdefault(key, set()).add(concept.id)
            self._tables[lang] = table

    @classmethod
    def load(cls, path: Path | None = None) -> Thesaurus:
        """Read the YAML file (default: the shipped ``data/thesaurus.yaml``)."""
        raw = yaml.safe_load((path or DEFAULT_PATH).read_text(encoding="utf-8"))
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Mapping) -> Thesaurus:
        """Build from the parsed YAML structure ``{"concepts": {id: {...}}}``."""
        concepts = {}
        for cid, body in (raw.get("concepts") or {}).items():
            terms = {
                lang: [str(t) for t in body.get(lang, []) or []]
                for lang in LANGUAGES
                if body.get(lang)
            }
            concepts[cid] = Concept(
                id=cid,
                terms=terms,
                broader=list(body.get("broader", []) or []),
                narrower=list(body.get("narrower", []) or []),
                related=list(body.get("related", []) or []),
            )
        return cls(concepts)

    def _derive_inverse_links(self) -> None:
        """Make broader/narrower mutual and related symmetric; drop links to unknown ids."""
        for concept in self.concepts.values():
            for rel in ("broader", "narrower", "related"):
                setattr(concept, rel, [c for c in getattr(concept, rel) if c in self.concepts])
        for concept in list(self.concepts.values()):
            for parent in concept.broader:
                if concept.id not in self.concepts[parent].narrower:
                    self.concepts[parent].narrower.append(concept.id)
            for child in concept.narrower:
                if concept.id not in self.concepts[child].broader:
                    self.concepts[child].broader.append(concept.id)
            for other in concept.related:
                if concept.id not in self.concepts[other].related:
                    self.concepts[other].related.append(concept.id)

    def fingerprint(self) -> str:
        """Stable hash of the content, to detect a changed thesaurus after load."""
        payload = json.dumps(
            {c.id: [c.terms, c.broader, c.narrower, c.related] for c in self.concepts.values()},
            sort_keys=True,
        )
        return hashlib.sha1(payload.encode()).hexdigest()[:16]

    def words(self) -> set[str]:
        """All single words in the terms (fed to the decompounder dictionary)."""
        from .analysis import raw_tokens

        out: set[str] = set()
        for concept in self.concepts.values():
            for terms in concept.terms.values():
                for term in terms:
                    out.update(raw_tokens(term))
        return out

    def match(self, stems: Sequence[str], lang: str) -> Counter[str]:
        """Concept ids named in a stem sequence of language ``lang`` (longest match first)."""
        table = self._tables[lang]
        found: Counter[str] = Counter()
        i = 0
        n = len(stems)
        while i < n:
            step = 1
            for size in range(min(_MAX_PHRASE, n - i), 0, -1):
                hit = table.get(tuple(stems[i : i + size]))
                if hit:
                    found.update(hit)
                    step = size
                    break
            i += step
        return found

    def match_text(self, text: str, lang: str, analyzer: Analyzer) -> Counter[str]:
        """Concepts in ``text``: its word sequence plus the parts of its compound words."""
        words = analyzer.words(text, lang)
        stems = [stem(w, lang) for w in words]
        found = self.match(stems, lang)
        if lang == "nl":
            for word in words:
                parts = analyzer.decompounder.split(word)
                if parts:
                    found.update(self.match([stem(p, lang) for p in parts], lang))
        return found

    def expand(self, concept_ids: Sequence[str], relation_factor: float) -> dict[str, float]:
        """Concept weights for a query: named ones 1.0, linked ones ``relation_factor``."""
        weights: dict[str, float] = {}
        for cid in concept_ids:
            weights[cid] = 1.0
        for cid in concept_ids:
            concept = self.concepts.get(cid)
            if not concept:
                continue
            for other in (*concept.broader, *concept.narrower, *concept.related):
                if other not in weights or weights[other] < relation_factor:
                    weights[other] = max(weights.get(other, 0.0), relation_factor)
        return weights

    def label(self, concept_id: str, lang: str = "en") -> str:
        """A display term for a concept (first term in ``lang``, else any)."""
        concept = self.concepts.get(concept_id)
        if not concept:
            return concept_id
        for lg in (lang, "en", "nl", "fr"):
            if concept.terms.get(lg):
                return concept.terms[lg][0]
        return concept_id
