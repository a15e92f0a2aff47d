"""Analysis: folding, stemming per language, decompounding, language guess, typo correction."""

from schakel.matching.engine.analysis import (
    Analyzer,
    Decompounder,
    Speller,
    fold,
    guess_language,
    raw_tokens,
    stem,
)

from .test_engine_support import AS_OF, doc, ids, lexical_engine


def test_accent_folding_makes_energie_equal():
    assert fold("Énergie") == "energie"
    analyzer = Analyzer()
    assert analyzer.index_tokens("énergie", "fr") == analyzer.index_tokens("energie", "fr")


def test_stemming_per_language():
    assert stem("opleidingen", "nl") == stem("opleiding", "nl")
    assert stem("bedrijven", "nl") == stem("bedrijf", "nl")
    assert stem("testing", "en") == stem("tests", "en")
    assert stem("formations", "fr") == stem("formation", "fr")


def test_hyphenated_words_give_their_parts():
    assert raw_tokens("3D-printen en CO2-uitstoot") == ["3d", "printen", "en", "co2", "uitstoot"]


def test_decompounder_splits_on_vocabulary_and_linking_morphemes():
    splitter = Decompounder()
    splitter.add_words(["recyclage", "kunststof", "verpakking", "machines", "onder", "neming"])
    assert splitter.split("kunststofrecyclage") == ("kunststof", "recyclage")
    assert splitter.split("verpakkingsmachines") == ("verpakking", "machines")
    # a particle is not a compound head: "onderneming" is a derivation
    assert splitter.split("onderneming") == ()
    assert splitter.split("recyclage") == ()


def test_compound_query_meets_phrase_in_document():
    engine = lexical_engine(
        [
            doc("phrase", "Pilootlijn", "Recyclage van kunststof op proefschaal."),
            doc("other", "Metaalbewerking", "Frezen en draaien van metaal."),
        ]
    )
    assert ids(engine.search("kunststofrecyclage", AS_OF))[:1] == ["phrase"]
    # and the other way round: the compound in the document, the phrase in the query
    engine = lexical_engine(
        [
            doc("compound", "Kunststofrecyclage", "Pilootlijn voor kunststofrecyclage."),
            doc("other", "Metaalbewerking", "Frezen en draaien van metaal."),
            # the parts must be known words somewhere in the corpus (or the thesaurus)
            doc("words", "Kunststof en textiel", "Recyclage van textiel."),
        ]
    )
    assert ids(engine.search("recyclage van kunststof", AS_OF))[:1] == ["compound"]


def test_language_guess():
    assert guess_language("Wij zoeken een subsidie voor onze opleiding")[0] == "nl"
    assert guess_language("We are looking for a grant for the training of our staff")[0] == "en"
    assert guess_language("Nous cherchons une subvention pour la formation du personnel")[0] == "fr"
    assert guess_language("kunststof")[0] is None  # too little evidence: all languages


def test_speller_corrects_one_letter_typos():
    speller = Speller()
    speller.add_words(["opleiding", "project", "waterstof"])
    assert speller.candidates("opleidng")[0] == "opleiding"
    assert speller.candidates("projekt")[0] == "project"
    assert speller.candidates("opleiding") == []  # known words are left alone


def test_typo_in_query_still_matches():
    engine = lexical_engine(
        [doc("training", "Opleiding lassen", "Een opleiding voor lassers."), doc("x", "Lening")]
    )
    assert ids(engine.search("opleidng", AS_OF))[:1] == ["training"]
