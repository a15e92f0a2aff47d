"""Persistence round trip and incremental updates (no re-embedding of unchanged documents)."""

import dataclasses

from schakel.matching.engine import Engine, documents_from_catalog

from .test_engine_support import (
    AS_OF,
    COORDS,
    THESAURUS,
    WEIGHTS,
    FakeEncoder,
    doc,
    hybrid_engine,
    ids,
)

DOCS = [
    doc("weld", "Opleiding lassen", "Lassen voor beginners."),
    doc("loan", "Startlening", "Lening voor starters.", audience_stages=["idea", "starter"]),
    doc("office", "Kantoorruimte", "Kantoren te huur.", kind="workspace", municipality_nis="34022"),
]
QUERIES = ["lassen", "lening voor starters", "kantoor kortrijk"]


def _load(path, encoder):
    return Engine.load(
        path, encoder=encoder, coordinates=COORDS, weights=WEIGHTS, thesaurus=THESAURUS
    )


def test_round_trip_gives_same_results_without_re_embedding(tmp_path):
    encoder = FakeEncoder()
    engine = hybrid_engine(DOCS, encoder)
    before = [engine.search(q, AS_OF) for q in QUERIES]
    engine.save(tmp_path)
    calls = list(encoder.passage_calls)
    loaded = _load(tmp_path, encoder)
    assert encoder.passage_calls == calls  # nothing embedded on load
    after = [loaded.search(q, AS_OF) for q in QUERIES]
    for a, b in zip(before, after, strict=True):
        assert [(r.offering, r.score, r.reasons) for r in a.results] == [
            (r.offering, r.score, r.reasons) for r in b.results
        ]
    assert len(loaded) == 3
    assert "weld" in loaded


def test_upsert_and_remove_are_incremental(tmp_path):
    encoder = FakeEncoder()
    engine = hybrid_engine(DOCS, encoder)
    assert encoder.passage_calls == [3]
    assert engine.upsert(DOCS[0]) is False  # unchanged: nothing to do
    assert encoder.passage_calls == [3]

    new = doc("cobot", "Cobot testlab", "Test een cobot.")
    assert engine.upsert(new) is True
    assert encoder.passage_calls == [3, 1]  # only the new passage
    assert ids(engine.search("cobot", AS_OF))[0] == "cobot"

    # a change outside the text (the audience) re-indexes without re-embedding
    engine.upsert(dataclasses.replace(DOCS[0], audience_sizes=["large"]))
    assert encoder.passage_calls == [3, 1]
    weld = engine.search("lassen", {**AS_OF, "size": "small"}).results[0]
    assert weld.offering == "weld"
    assert {"code": "audience_excludes_size", "size": "small"} in weld.reasons

    # a text change re-embeds that document only, and the old words are gone
    engine.upsert(dataclasses.replace(DOCS[0], title={"nl": "Opleiding solderen"}))
    assert encoder.passage_calls == [3, 1, 1]
    assert "weld" in ids(engine.search("solderen", AS_OF))
    assert engine.lexical.df("lass") == 0

    assert engine.remove("loan") is True
    assert engine.remove("loan") is False
    assert "loan" not in ids(engine.search("lening starters", AS_OF))

    # removed then re-added: vectors come from the cache, slot is reused
    engine.upsert(DOCS[1])
    assert encoder.passage_calls == [3, 1, 1]
    assert ids(engine.search("startlening", AS_OF))[0] == "loan"

    engine.save(tmp_path)
    loaded = _load(tmp_path, encoder)
    assert sorted(loaded.documents) == ["cobot", "loan", "office", "weld"]
    assert ids(loaded.search("cobot", AS_OF))[0] == "cobot"
    loaded.upsert(doc("extra", "Extra cobot", "Nog een cobot."))
    assert set(ids(loaded.search("cobot", AS_OF))[:2]) == {"cobot", "extra"}


def test_documents_from_catalog_reads_the_open_format():
    catalog = {
        "format": "schakel.catalog/v1",
        "organisations": [
            {"id": "org", "name": "Org", "type": "knowledge_centre", "municipality_nis": "34022"}
        ],
        "offerings": [
            {
                "id": "o1",
                "kind": "test_facility",
                "title": "Testlabo",  # a plain string is read as Dutch
                "description": {"nl": "Labo", "en": "Lab"},
                "provider": "org",
                "audience": {"sizes": ["small"]},
                "open": {"until": "2027-01-31"},
                "budget_eur": 1000,
            }
        ],
    }
    (d,) = documents_from_catalog(catalog)
    assert d.title == {"nl": "Testlabo"}
    assert d.provider_name == "Org"
    assert d.provider_type == "knowledge_centre"
    assert d.municipality_nis == "34022"  # falls back to the provider's seat
    assert d.audience_sizes == ["small"]
    assert d.open_until.isoformat() == "2027-01-31"
