"""Thesaurus: loading, link derivation, concept matching and query expansion."""

from schakel.matching.engine import Thesaurus
from schakel.matching.engine.analysis import Analyzer

from .test_engine_support import AS_OF, THESAURUS, doc, ids, lexical_engine


def test_shipped_thesaurus_loads_and_links_are_consistent():
    thesaurus = Thesaurus.load()
    assert len(thesaurus.concepts) > 50
    for concept in thesaurus.concepts.values():
        assert concept.terms, concept.id
        for parent in concept.broader:
            assert concept.id in thesaurus.concepts[parent].narrower


def test_inverse_links_are_derived():
    assert "cobot" in THESAURUS.concepts["robotics"].narrower
    assert "funding" in THESAURUS.concepts["loan"].broader


def test_phrases_match_per_language():
    analyzer = Analyzer()
    assert THESAURUS.match_text("We zoeken een samenwerkende robot", "nl", analyzer) == {"cobot": 1}
    assert THESAURUS.match_text("additive manufacturing of parts", "en", analyzer) == {
        "additive": 1
    }


def test_expansion_weights_typed_concepts_above_linked_ones():
    weights = THESAURUS.expand(["cobot"], relation_factor=0.4)
    assert weights["cobot"] == 1.0
    assert weights["robotics"] == 0.4


def test_cross_language_synonym_is_found_with_lower_weight():
    engine = lexical_engine(
        [
            doc("fr", "Subvention pour l'innovation", "Une subvention régionale.", lang="fr"),
            doc("nl", "Subsidie voor innovatie", "Een regionale subsidie."),
            doc("other", "Metaalbewerking", "Frezen en draaien."),
        ]
    )
    result = engine.search("subsidie", AS_OF)
    assert ids(result)[:2] == ["nl", "fr"]  # typed word first, translation via thesaurus next
    fr = next(r for r in result.results if r.offering == "fr")
    assert [r["code"] for r in fr.reasons] == ["thesaurus"]


def test_broader_concept_reaches_narrower_documents():
    engine = lexical_engine([doc("cobot", "Cobot experience lab"), doc("x", "Opslag")])
    assert ids(engine.search("robot", AS_OF)) == ["cobot"]
