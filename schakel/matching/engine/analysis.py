"""Text analysis for nl, en and fr: folding, tokenizing, language guess, stemming, decompounding.

Pipeline for one text in a known (document) or guessed (query) language:

1. fold: Unicode NFKD, drop combining marks, lowercase - so "énergie" and "energie" are one word
   and a company that types without accents still matches.
2. tokenize: runs of letters/digits; hyphenated words ("3D-printen", "kmo-portefeuille") yield
   their parts, because Dutch and French hyphenate inconsistently.
3. stopwords: function words of the text's language are dropped.
4. Dutch decompounding: a long word is split into parts that are themselves words of the corpus
   vocabulary, optionally joined by a linking morpheme (s, e, en), e.g. "kunststofrecyclage" ->
   "kunststof" + "recyclage", "voedselveiligheidsaudit" -> "voedsel" + "veiligheid" + "audit".
   The compound stays a token too, so an exact compound match still scores highest.
5. Snowball stemming (PyStemmer) in the text's language.

Language guess for queries: counts of stopwords per language plus a few orthographic cues. When
the guess is weak (short keyword queries) the analyzer stems each word in all three languages and
the lexical index treats those stems as alternatives of one query term (max, not sum).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import Stemmer
import yaml

LANGUAGES: tuple[str, ...] = ("nl", "en", "fr")
_STEMMER_NAMES = {"nl": "dutch", "en": "english", "fr": "french"}
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_LINKERS = ("", "s", "e", "en")  # Dutch linking morphemes ("tussenklanken")
_MIN_PART = 4  # shorter parts split too eagerly ("kan"+"toor")
_MIN_COMPOUND = 8
# Heads that are prefixes/particles form derivations, not compounds: "onderneming" is not
# "onder" + "neming", "doorlopen" is not "door" + "lopen".
_NOT_HEADS = frozenset(
    "aan achter af bij binnen boven buiten deel door mede mee midden middel na om onder op "
    "over samen tegen toe uit voor weg".split()
)


def fold(text: str) -> str:
    """Lowercase and strip accents: "Énergie Zeeë" -> "energie zeee"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower().replace("ß", "ss").replace("æ", "ae").replace("œ", "oe")


def raw_tokens(text: str) -> list[str]:
    """Folded word tokens; hyphenated/apostrophe words give their parts ("l'eau" -> "l", "eau")."""
    out: list[str] = []
    for match in _TOKEN_RE.finditer(fold(text)):
        out.extend(p for p in re.split(r"[-']", match.group()) if p)
    return out


@lru_cache(maxsize=1)
def stopwords() -> dict[str, frozenset[str]]:
    """Stopword sets per language, from ``data/stopwords.yaml``."""
    raw = yaml.safe_load((DATA_DIR / "stopwords.yaml").read_text(encoding="utf-8"))
    return {lang: frozenset(fold(raw[lang]).split()) for lang in LANGUAGES}


# Orthographic cues help when a query has few stopwords; each hit counts as half a stopword.
_CUES = {
    "nl": re.compile(r"ij|oe[^u]|aa|uu|sch|cht|heid\b|ing\b|en\b"),
    "en": re.compile(r"\bth|ing\b|tion\b|ly\b|ss\b|\bw"),
    "fr": re.compile(r"eau|oux?\b|ion\b|\bd'|\bl'|ê|é|è|à|ç|ette\b|eur\b"),
}


def guess_language(text: str) -> tuple[str | None, dict[str, float]]:
    """Guess nl/en/fr; returns (language or None when unsure, evidence per language)."""
    tokens = raw_tokens(text)
    sw = stopwords()
    scores = {lang: float(sum(1 for t in tokens if t in sw[lang])) for lang in LANGUAGES}
    lowered = text.lower()
    for lang, cue in _CUES.items():
        scores[lang] += 0.25 * len(cue.findall(lowered))
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, second = ranked[0], ranked[1]
    # Sure only with real evidence and a clear margin; otherwise stem in every language.
    if best[1] >= 2.0 and best[1] >= 1.5 * second[1] + 0.5:
        return best[0], scores
    return None, scores


@lru_cache(maxsize=4)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer(_STEMMER_NAMES[lang])
    stemmer.maxCacheSize = 50000
    return stemmer


def stem(word: str, lang: str) -> str:
    """Snowball stem of a folded word in ``lang``."""
    if word.isdigit() or len(word) <= 2:
        return word
    return _stemmer(lang).stemWord(word)


@dataclass(eq=False)
class Decompounder:
    """Dictionary-driven Dutch compound splitter.

    The dictionary is the set of folded surface words seen in the corpus (plus thesaurus terms);
    a word is split when every part is such a word, allowing a linking morpheme between parts.
    Among possible splits the one with the fewest parts (then the longest head) wins, which keeps
    "verpakkingsmachines" as "verpakking"+"machines" rather than smaller fragments.
    """

    vocabulary: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def add_words(self, words: Iterable[str]) -> None:
        """Extend the dictionary (only words long enough to be parts)."""
        new = {w for w in words if len(w) >= _MIN_PART and w.isalpha()} - self.vocabulary
        if new:
            self.vocabulary.update(new)
            self.stems.update(stem(w, "nl") for w in new)
            self._cache.clear()

    def is_word(self, part: str) -> bool:
        """A known word, or (for longer parts) an inflection of one: "veiligheid" ~ "veilig"."""
        if part in self.vocabulary:
            return True
        return len(part) >= 5 and stem(part, "nl") in self.stems

    def split(self, word: str) -> tuple[str, ...]:
        """Parts of ``word`` (empty tuple when it is not a known compound)."""
        if len(word) < _MIN_COMPOUND or not word.isalpha():
            return ()
        cached = self._cache.get(word)
        if cached is None:
            best = self._split(word, depth=0)
            cached = tuple(best) if best and len(best) > 1 else ()
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[word] = cached
        return cached

    def _split(self, word: str, depth: int) -> list[str] | None:
        if depth > 3:
            return None
        candidates: list[list[str]] = []
        if depth > 0 and self.is_word(word):
            candidates.append([word])
        for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head = word[:cut]
            if head in _NOT_HEADS or not self.is_word(head):
                continue
            rest_all = word[cut:]
            for linker in _LINKERS:
                if not rest_all.startswith(linker):
                    continue
                rest = rest_all[len(linker) :]
                if len(rest) < _MIN_PART:
                    continue
                tail = self._split(rest, depth + 1)
                if tail:
                    candidates.append([head, *tail])
        if not candidates:
            return None
        # Fewest parts, then parts that are words as written (not only by stem: "verpakking"
        # + s + "machines" beats "verpakkings" + "machines"), then the longest head.
        return min(
            candidates,
            key=lambda parts: (
                len(parts),
                sum(p not in self.vocabulary for p in parts),
                -len(parts[0]),
            ),
        )


@dataclass(frozen=True)
class AnalyzedTerm:
    """One query/document word after analysis.

    ``alternatives`` holds its stems (one when the language is known, up to three when not);
    ``parts`` holds the stems of its compound parts, each again a tuple of alternatives.
    """

    surface: str
    alternatives: tuple[str, ...]
    parts: tuple[tuple[str, ...], ...] = ()
    part_words: tuple[str, ...] = ()


class Analyzer:
    """Language-aware analyzer shared by the index and the queries."""

    def __init__(self, decompounder: Decompounder | None = None) -> None:
        self.decompounder = decompounder or Decompounder()

    def words(self, text: str, lang: str | None) -> list[str]:
        """Folded tokens without stopwords (of ``lang``, or of every language when None)."""
        sw = stopwords()
        drop = sw[lang] if lang else sw["nl"] | sw["en"] | sw["fr"]
        return [t for t in raw_tokens(text) if t not in drop]

    def terms(self, text: str, lang: str | None) -> list[AnalyzedTerm]:
        """Analyze ``text``; ``lang`` None means unknown (stem in every language)."""
        langs = (lang,) if lang else LANGUAGES
        out: list[AnalyzedTerm] = []
        for word in self.words(text, lang):
            alts = tuple(dict.fromkeys(stem(word, lg) for lg in langs))
            parts: tuple[tuple[str, ...], ...] = ()
            pieces: tuple[str, ...] = ()
            # Decompound Dutch (and unknown-language) words; English/French rarely compound.
            if lang in (None, "nl"):
                pieces = self.decompounder.split(word)
                parts = tuple(tuple(dict.fromkeys(stem(p, lg) for lg in langs)) for p in pieces)
            out.append(AnalyzedTerm(word, alts, parts, pieces))
        return out

    def index_tokens(self, text: str, lang: str) -> list[str]:
        """Flat token stream for indexing a text in a known language (compound + its parts)."""
        tokens: list[str] = []
        for term in self.terms(text, lang):
            tokens.append(term.alternatives[0])
            tokens.extend(p[0] for p in term.parts)
        return tokens

    def stem_sequence(self, text: str, lang: str) -> list[str]:
        """Stems of ``text`` in order, without decompounding (for thesaurus phrase matching)."""
        return [stem(w, lang) for w in self.words(text, lang)]


class Speller:
    """Correct one-letter typos ("opleidng", "projekt") against a vocabulary.

    Symmetric-delete lookup (SymSpell, distance 1): a word and a vocabulary entry match when
    they are equal after deleting at most one letter from each, which covers one insertion,
    deletion, substitution or adjacent swap. Only words of 6+ letters that the vocabulary does
    not know are corrected, and the engine keeps the typed form as an alternative too.
    """

    MIN_LEN = 6

    def __init__(self) -> None:
        self._deletes: dict[str, set[str]] = {}
        self._words: set[str] = set()

    @staticmethod
    def _variants(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    def add_words(self, words: Iterable[str]) -> None:
        """Extend the vocabulary."""
        for word in words:
            if len(word) >= self.MIN_LEN - 1 and word.isalpha() and word not in self._words:
                self._words.add(word)
                for variant in self._variants(word):
                    self._deletes.setdefault(variant, set()).add(word)

    def known(self, word: str) -> bool:
        """Whether ``word`` is in the vocabulary."""
        return word in self._words

    def candidates(self, word: str) -> list[str]:
        """Vocabulary words within one edit of ``word`` (empty if known or too short)."""
        if len(word) < self.MIN_LEN or not word.isalpha() or word in self._words:
            return []
        found: set[str] = set()
        for variant in self._variants(word):
            found.update(self._deletes.get(variant, ()))
        found.discard(word)
        # Same first letter first: typos rarely hit the first letter.
        return sorted(found, key=lambda w: (w[0] != word[0], abs(len(w) - len(word)), w))
